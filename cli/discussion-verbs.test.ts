import { afterEach, describe, expect, it } from "vitest";
import { cli, ok, TempDirs } from "./testing/cli-harness";

/** `commune comment` and the discussion under each proposal in `commune proposals` (issue 17). */
const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

/** A data directory with Ada, her commune and an open general proposal; its id. */
async function picnic(): Promise<{ dir: string; proposal: string }> {
  const dir = await dirs.make();
  await ok(dir, "name", "Ada");
  await ok(dir, "create", "Riverside");
  const { id } = JSON.parse(await ok(dir, "propose", "general", "--title", "Picnic on Sunday", "--json")) as { id: string };
  return { dir, proposal: id };
}

const commentId = async (dir: string, ...argv: string[]) => (JSON.parse(await ok(dir, "comment", ...argv, "--json")) as { id: string }).id;

describe("a member talks a proposal through from the command line", () => {
  it("comments, replies, edits and retracts by id prefix, and the proposals list shows the discussion in order", async () => {
    const { dir, proposal } = await picnic();
    const first = await commentId(dir, proposal.slice(0, 6), "Who brings the blanket?");
    expect(await ok(dir, "comment", proposal.slice(0, 6), "I will", "--reply-to", first.slice(0, 6))).toMatch(
      new RegExp(`^Commented on proposal ${proposal.slice(0, 8)} \\(comment [0-9a-f]{8}\\)\\.\\n$`),
    );
    expect(await ok(dir, "comment", proposal.slice(0, 6), "--edit", first.slice(0, 6), "Who brings blankets?")).toBe(`Edited comment ${first.slice(0, 8)}.\n`);
    const mistake = await commentId(dir, proposal.slice(0, 6), "Wrong proposal");
    expect(await ok(dir, "comment", proposal.slice(0, 6), "--retract", mistake.slice(0, 6))).toBe(`Retracted comment ${mistake.slice(0, 8)}.\n`);
    await ok(dir, "vote", proposal.slice(0, 6), "yes", "--reason", "sunny");

    const listed = (await ok(dir, "proposals")).split("\n");
    const start = listed.findIndex((line) => line.trim() === "discussion:");
    expect(listed.slice(start - 1, start + 4).map((line) => line.trim().replace(/\(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/g, "(TIME)"))).toEqual([
      'votes: Ada yes (TIME): "sunny"',
      "discussion:",
      `${first.slice(0, 8)} Ada (TIME): "Who brings blankets?" [edited ${listed[start + 1]!.match(/edited ([^;]+);/)![1]}; 1 earlier version]`,
      expect.stringMatching(/^[0-9a-f]{8} Ada \(TIME\): "I will"$/),
      `${mistake.slice(0, 8)} Ada (TIME): retracted by Ada (TIME)`,
    ]);
    // The reply sits one step deeper than the comment it answers.
    expect(listed[start + 2]!.indexOf("Ada") - listed[start + 1]!.indexOf("Ada")).toBe(2);
  });

  it("refuses, with words, a reply to a comment that is not there and a comment with no text", async () => {
    const { dir, proposal } = await picnic();
    const nowhere = await cli(dir, ["comment", proposal.slice(0, 6), "Yes", "--reply-to", "abcdef"]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/^No comment id starts with "abcdef". "commune proposals" lists them/);
    const empty = await cli(dir, ["comment", proposal.slice(0, 6), "   "]);
    expect(empty).toMatchObject({ code: 1, stderr: "A comment needs some text.\n" });
    const both = await cli(dir, ["comment", proposal.slice(0, 6), "x", "--edit", "abcd", "--reply-to", "abcd"]);
    expect(both.code).toBe(2);
    expect(both.stderr.split("\n")[0]).toBe("commune: comment: give only one of --reply-to, --edit");
    const retractWithText = await cli(dir, ["comment", proposal.slice(0, 6), "why", "--retract", "abcd"]);
    expect(retractWithText.stderr.split("\n")[0]).toBe("commune: comment: --retract takes no TEXT: a retraction says nothing");
    expect(JSON.parse(await ok(dir, "proposals", "--json"))[0].discussion).toBeUndefined();
  });

  it("is in commune help, with outcome", async () => {
    const { stdout } = await cli(await dirs.make(), ["help"]);
    expect(stdout).toMatch(/^ {2}comment <PROPOSAL> \[TEXT\]\s+say something in a proposal's discussion/m);
    expect(stdout).toMatch(/^ {2}outcome <PROPOSAL>\s+record what came of a decided proposal/m);
  });
});

describe("an outcome from the command line", () => {
  it("records what came of a passed spend with a review day, and the proposals list shows it with the payment", async () => {
    const dir = await dirs.make();
    await ok(dir, "name", "Ada");
    await ok(dir, "create", "Riverside");
    await ok(dir, "contribute", "100", "EUR");
    const { id } = JSON.parse(
      await ok(dir, "propose", "spend", "--title", "New roof", "--amount", "60", "--currency", "EUR", "--payee", "Roofers", "--json"),
    ) as {
      id: string;
    };
    const open = await cli(dir, ["outcome", id.slice(0, 6), "--statement", "Done"]);
    expect(open).toMatchObject({ code: 1, stderr: '"New roof" is still open: record its outcome once it is decided.\n' });
    await ok(dir, "vote", id.slice(0, 6), "yes");
    const { id: entry } = JSON.parse(await ok(dir, "execute", id.slice(0, 6), "--json")) as { id: string };
    expect(await ok(dir, "outcome", id.slice(0, 6), "--statement", "The roof is done and dry.", "--review", "2099-06-01")).toBe(
      `Recorded the outcome of proposal ${id.slice(0, 8)}.\n`,
    );
    const listed = await ok(dir, "proposals");
    expect(listed).toMatch(/outcome: "The roof is done and dry." \(Ada, [^;]+; review on 2099-06-01\)/);
    expect(listed).toMatch(new RegExp(`paid by: entry ${entry.slice(0, 8)}, 60\\.00 EUR by Ada \\(`));
  });

  it("refuses a review day that is no day, as wrong usage", async () => {
    const dir = await dirs.make();
    const run = await cli(dir, ["outcome", "abcd", "--statement", "x", "--review", "2026-02-30"]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe('commune: outcome: --review expects a day as YYYY-MM-DD, such as 2027-06-01, not "2026-02-30"');
  });
});
