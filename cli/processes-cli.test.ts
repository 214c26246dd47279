import { afterEach, describe, expect, it } from "vitest";
import { cli, ok, TempDirs } from "./testing/cli-harness";

/** Issue 17, "Processes", from the command line: propose, vote and decide in each process, and read what it decided. */
const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

const HOUR = 3_600_000;

async function founded(): Promise<string> {
  const dir = await dirs.make();
  await ok(dir, "name", "Ada");
  await ok(dir, "create", "Riverside");
  return dir;
}

const idOf = (json: string) => (JSON.parse(json) as { id: string }).id.slice(0, 8);

describe("a member decides by a process from the command line", () => {
  it("proposes by consent, is refused an objection without a reason, consents, and reads that it passed with no objection", async () => {
    const dir = await founded();
    const id = idOf(await ok(dir, "propose", "consent", "--title", "Paint the hall", "--json"));
    const bare = await cli(dir, ["vote", id, "object"]);
    expect(bare).toMatchObject({ code: 1, stdout: "" });
    expect(bare.stderr).toContain("An objection needs a reason.");
    expect(await ok(dir, "vote", id, "consent")).toBe(`Voted yes on proposal ${id}.\n`);
    const shown = await ok(dir, "proposals");
    expect(shown).toMatch(new RegExp(`${id}\\s+general\\s+passed\\s+.*0 objections \\(1/1 voted\\)\\s+consent\\s+Paint the hall`));
    expect(shown).toContain("decided by consent: passes at the deadline unless a member objects with a reason");
    expect(shown).toContain("no objection (1 consented)");
  });

  it("shows an objection standing with its reason", async () => {
    const dir = await founded();
    const id = idOf(await ok(dir, "propose", "spend", "--consent", "--title", "New saw", "--amount", "20", "--currency", "EUR", "--payee", "Shop", "--json"));
    expect(await ok(dir, "vote", id, "object", "--reason", "We have a saw")).toBe(`Voted block on proposal ${id}.\n`);
    const shown = await ok(dir, "proposals");
    expect(shown).toMatch(/1 objection \(1\/1 voted\)\s+object\s+New saw/);
    expect(shown).toContain('objections: Ada: "We have a saw"');
  });

  it("runs a dot vote over three options and prints the ranking with each total", async () => {
    const dir = await founded();
    const id = idOf(
      await ok(dir, "propose", "poll", "--title", "What to buy", "--option", "Tools", "--option", "Roof", "--option", "Solar", "--dots", "5", "--json"),
    );
    const tooMany = await cli(dir, ["vote", id, "--dots", "3,3,0"]);
    expect(tooMany.stderr).toContain("Each member has 5 dots to give; this vote gives 6.");
    expect(await ok(dir, "vote", id, "--dots", "1,0,4")).toBe(`Gave dots 1,0,4 on proposal ${id}.\n`);
    const shown = await ok(dir, "proposals");
    expect(shown).toContain('dot vote, 5 dots each: 1 "Tools", 2 "Roof", 3 "Solar"');
    expect(shown).toContain('ranking: 1. "Solar" 4 dots, 2. "Tools" 1 dot, 3. "Roof" 0 dots');
    expect(shown).toMatch(/\(1\/1 voted\)\s+dots 1,0,4\s+What to buy/);
    // Who gave what is as visible as who voted yes: the dots are the vote.
    expect(shown).toMatch(/votes: Ada 1 dot on "Tools", 4 dots on "Solar" \(/);
  });

  it("runs a meeting time poll and ranks the times by who can make them", async () => {
    const dir = await founded();
    const id = idOf(await ok(dir, "propose", "meeting", "--title", "Assembly", "--time", "2026-12-10T18:00", "--time", "2026-12-11T18:00", "--json"));
    expect(await ok(dir, "vote", id, "--times", "2")).toBe(`Marked times 2 on proposal ${id}.\n`);
    const shown = await ok(dir, "proposals");
    expect(shown).toContain("meeting time poll: 1 2026-12-10 18:00 UTC, 2 2026-12-11 18:00 UTC");
    expect(shown).toContain("ranking: 1. 2026-12-11 18:00 UTC 1 can (Ada), 2. 2026-12-10 18:00 UTC 0 can");
    // Ada is the whole electorate, so her vote closed it; on another, none of the times fits her.
    const other = idOf(await ok(dir, "propose", "meeting", "--title", "Cleanup", "--time", "2026-12-12T10:00", "--time", "2026-12-13T10:00", "--json"));
    expect(await ok(dir, "vote", other, "--times", "")).toBe(`Marked that no time fits on proposal ${other}.\n`);
    expect(await ok(dir, "proposals")).toMatch(/\(1\/1 voted\)\s+none fits\s+Cleanup/);
  });

  it("gives advice, is refused a decision before the deadline, and decides after it", async () => {
    const dir = await founded();
    let now = Date.now();
    const at = { now: () => now };
    const run = async (...argv: string[]) => {
      const outcome = await cli(dir, argv, at);
      if (outcome.code !== 0) throw new Error(outcome.stderr);
      return outcome.stdout;
    };
    const id = idOf(await run("propose", "advice", "--title", "New shed", "--days", "1", "--json"));
    await run("vote", id, "advice", "--reason", "Build it by the gate");
    const early = await cli(dir, ["decide", id, "--passed", "--statement", "Going ahead"], at);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/The advice period of "New shed" ends .* UTC: decide after it\./);
    now += 25 * HOUR;
    expect(await run("proposals")).toContain("awaiting Ada's decision");
    expect(await run("decide", id, "--passed", "--statement", "By the gate, as advised")).toBe(`Decided: proposal ${id} passed.\n`);
    const shown = await run("proposals");
    expect(shown).toMatch(new RegExp(`${id}\\s+general\\s+passed`));
    expect(shown).toContain('advice: Ada: "Build it by the gate"');
    expect(shown).toMatch(/decision: passed \(.* UTC\): "By the gate, as advised"/);
  });

  it("lists the process verbs in commune help", async () => {
    const dir = await dirs.make();
    const help = await ok(dir, "help");
    expect(help).toContain("propose <spend|admit|remove|rule|general|reverse|consent|advice|poll|meeting>");
    expect(help).toContain("decide <PROPOSAL>");
  });
});
