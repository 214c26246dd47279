import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "../../shared/link/content-security-policy";
import { appResponse } from "./app-files";

// Which paths name a file is serve/static-files.ts's to decide (its test holds every hostile path); here, what app:// adds.
let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "commune-app-files-"));
  await writeFile(join(base, "secret.txt"), "not for the page\n");
  root = join(base, "renderer");
  await mkdir(join(root, "assets"), { recursive: true });
  await writeFile(join(root, "index.html"), "<!doctype html>");
  await writeFile(join(root, "assets", "index-abc.js"), "export {};\n");
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const text = (body: Uint8Array | string) => (typeof body === "string" ? body : new TextDecoder().decode(body));

describe("the app:// protocol", () => {
  it("serves the page and its assets from the renderer folder", async () => {
    for (const url of ["app://commune/", "app://commune/index.html", "app://COMMUNE/index.html"]) {
      const page = await appResponse(root, url);
      expect(page.status).toBe(200);
      expect(text(page.body)).toBe("<!doctype html>");
    }
    const script = await appResponse(root, "app://commune/assets/index-abc.js?v=1#x");
    expect(script).toMatchObject({ status: 200, headers: { "Content-Type": "text/javascript; charset=utf-8" } });
  });

  it.each(["app://other/index.html", "file:///etc/passwd", "https://commune/index.html", "not a url"])("serves nothing for another origin: %s", async (url) => {
    expect((await appResponse(root, url)).status).toBe(404);
  });

  it.each([
    "app://commune/../secret.txt",
    "app://commune/%2e%2e/secret.txt",
    "app://commune/assets/..%2f..%2fsecret.txt",
    "app://commune/assets/..%5c..%5csecret.txt",
    "app://commune/a%00.js",
  ])("serves nothing outside the renderer folder for %s", async (url) => {
    const answer = await appResponse(root, url);
    expect([400, 404]).toContain(answer.status);
    expect(text(answer.body)).not.toContain("not for the page");
  });

  it("sends the page's CSP, the one browser mode sends less its link socket, and nosniff with every answer, found or not", async () => {
    const page = await appResponse(root, "app://commune/index.html");
    expect(page.headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["Content-Security-Policy"]).toBe(contentSecurityPolicy());
    expect(page.headers["X-Content-Type-Options"]).toBe("nosniff");

    const missing = await appResponse(root, "app://commune/assets/gone.js");
    expect(missing.status).toBe(404);
    expect(missing.headers["Content-Security-Policy"]).toBe(contentSecurityPolicy());

    const unreadable = await appResponse(root, "app://commune/index.html", async () => {
      throw Object.assign(new Error("EACCES"), { code: "EACCES" });
    });
    expect(unreadable.status).toBe(404);
    expect(unreadable.headers["X-Content-Type-Options"]).toBe("nosniff");
  });

  it("does not serve file types it has no content type for", async () => {
    await writeFile(join(root, "notes.exe"), "MZ");
    expect((await appResponse(root, "app://commune/notes.exe")).status).toBe(404);
  });
});
