import { describe, expect, it } from "vitest";
import { ExternalLinks, linkQuestion, type LinkQuestion } from "./external-links";

/** A member who answers `answers` in turn, and the browser the links would open in. */
function member(...answers: boolean[]) {
  const asked: LinkQuestion[] = [];
  const opened: string[] = [];
  const links = new ExternalLinks({
    ask: (question) => {
      asked.push(question);
      return Promise.resolve(answers.shift() ?? false);
    },
    open: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
  });
  return { links, asked, opened };
}

describe("a link that leaves the app", () => {
  it("names the host it goes to and asks before opening it", async () => {
    const { links, asked, opened } = member(true);
    expect(await links.request("https://example.org/compost?x=1")).toBe("opened");
    expect(asked.map((q) => [q.host, q.message])).toEqual([["example.org", "Open a link to example.org?"]]);
    expect(asked[0]!.detail).toContain("https://example.org/compost?x=1");
    expect(opened).toEqual(["https://example.org/compost?x=1"]);
  });

  it("opens nothing when the member says no", async () => {
    const { links, opened } = member(false);
    expect(await links.request("https://example.org/")).toBe("declined");
    expect(opened).toEqual([]);
  });

  it("asks once per host while the app runs, and again for another host", async () => {
    const { links, asked, opened } = member(true, true);
    await links.request("https://example.org/a");
    await links.request("https://EXAMPLE.org/b");
    await links.request("https://example.org.evil.test/c");
    expect(asked.map((q) => q.host)).toEqual(["example.org", "example.org.evil.test"]);
    expect(opened).toHaveLength(3);
  });

  it("shows a look-alike name in another script as the punycode it is", () => {
    expect(linkQuestion("https://exаmple.org/").host).toBe("xn--exmple-4nf.org"); // a Cyrillic "а"
  });

  it("asks nothing and opens nothing for what is not an http(s) link", async () => {
    const { links, asked, opened } = member(true);
    for (const url of ["javascript:alert(1)", "file:///etc/passwd", "https://user:pw@example.org/", 42]) expect(await links.request(url)).toBe("refused");
    expect(asked).toEqual([]);
    expect(opened).toEqual([]);
  });

  it("drops requests while a question is open, so a page cannot stack dialogs", async () => {
    let answer: (yes: boolean) => void = () => {};
    const opened: string[] = [];
    const links = new ExternalLinks({
      ask: () => new Promise<boolean>((resolve) => (answer = resolve)),
      open: (url) => Promise.resolve(void opened.push(url)),
    });
    const first = links.request("https://a.example/");
    expect(await links.request("https://b.example/")).toBe("busy");
    answer(true);
    expect(await first).toBe("opened");
    expect(opened).toEqual(["https://a.example/"]);
  });
});
