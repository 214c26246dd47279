import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lockPath } from "../host/store/data-lock";
import { cli, ok, TempDirs } from "./testing/cli-harness";

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A data directory with a named member and one commune without relays. */
async function founded(rules: string[] = []): Promise<{ dir: string; commune: string }> {
  const dir = await dirs.make();
  await ok(dir, "name", "Ada");
  const { commune } = JSON.parse(await ok(dir, "create", "Riverside", "--json", ...rules)) as { commune: string };
  return { dir, commune };
}

describe("a member runs a commune from the command line", () => {
  it("names herself, founds a commune, contributes, proposes a spend, votes, executes it and reads the purse", async () => {
    const dir = await dirs.make();
    expect(await cli(dir, ["name", "Ada"])).toEqual({ code: 0, stdout: "You are now called Ada.\n", stderr: "" });

    const created = await cli(dir, ["create", "Riverside", "--spend-limit", "EUR=10"]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Founded Riverside \(id [0-9a-f]{32}\)\.\nIt has no relay yet/);
    expect(created.stderr).toContain("Saved on this machine only: this commune has no relay");

    expect(await ok(dir, "contribute", "100.00", "eur", "--memo", "first")).toMatch(/^Recorded: contribution of 100\.00 EUR \(entry [0-9a-f]{8}\)\.\n$/);

    const tooMuch = await cli(dir, ["disburse", "60", "EUR", "--payee", "Roofers"]);
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toBe(
      "Not recorded: the disbursement would not count (above the spend limit of 10.00 EUR a month per member and cites no passed spend proposal).\n",
    );

    const { id } = JSON.parse(
      await ok(dir, "propose", "spend", "--title", "New roof", "--amount", "60", "--currency", "EUR", "--payee", "Roofers", "--json"),
    ) as { id: string };
    expect(await ok(dir, "vote", id.slice(0, 6), "yes")).toBe(`Voted yes on proposal ${id.slice(0, 8)}.\n`);
    expect(await ok(dir, "proposals")).toMatch(
      new RegExp(`${id.slice(0, 8)}\\s+spend\\s+passed\\s+.*1 yes, 0 no \\(1/1 voted\\)\\s+yes\\s+New roof\\s+60\\.00 EUR to Roofers`),
    );
    expect(await ok(dir, "execute", id.slice(0, 4))).toMatch(/^Executed proposal [0-9a-f]{8}: recorded entry/);
    const again = await cli(dir, ["disburse", "5", "EUR", "--payee", "Roofers", "--proposal", id.slice(0, 6)]);
    expect(again).toMatchObject({ code: 1, stdout: "" });
    expect(again.stderr).toBe("Not recorded: the disbursement would not count (proposal 'New roof' allows 60.00 EUR and 60.00 EUR of it is already spent).\n");

    const balances = await ok(dir, "balances");
    expect(balances).toMatch(/^EUR\s+Euro\s+40\.00$/m);
    expect(balances).toMatch(/^HOUR\s+Labour hours\s+0\.00$/m);
    expect(balances).toMatch(/^Ada \(you\)\s+100\.00\s+0\.00$/m);
    const json = JSON.parse(await ok(dir, "balances", "--json")) as { purse: Record<string, number>; members: { name: string }[] };
    expect(json.purse).toMatchObject({ EUR: 4000 });
    expect(json.members.map((m) => m.name)).toEqual(["Ada"]);

    const ledger = (await ok(dir, "ledger")).split("\n");
    expect(ledger[0]).toBe("Entries 1–2 of 2, newest first:");
    expect(ledger[2]).toMatch(
      /^2\s+[0-9a-f]{8}\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+disbursement\s+Ada\s+60\.00 EUR\s+to Roofers \(proposal [0-9a-f]{8}\) "New roof"\s+counted$/,
    );
    expect(ledger[3]).toMatch(/^1\s+.*contribution\s+Ada\s+100\.00 EUR\s+"first"\s+counted$/);
    const oldestFirst = JSON.parse(await ok(dir, "ledger", "--oldest-first", "--json")) as { rows: { kind: string; amount: number }[] };
    expect(oldestFirst.rows.map((row) => [row.kind, row.amount])).toEqual([
      ["contribution", 10000],
      ["disbursement", 6000],
    ]);
  });

  it("voids one of her entries and corrects another, and the ledger shows each pair linked", async () => {
    const { dir } = await founded();
    const twice = JSON.parse(await ok(dir, "contribute", "20", "EUR", "--memo", "dues", "--json")) as { id: string };
    const typo = JSON.parse(await ok(dir, "contribute", "5000", "EUR", "--yes", "--json")) as { id: string };

    expect(await ok(dir, "void", twice.id.slice(0, 6), "--reason", "counted twice")).toMatch(
      new RegExp(`^Voided: your entry ${twice.id.slice(0, 8)} no longer counts \\(void [0-9a-f]{8}\\)\\.\n$`),
    );
    expect(await ok(dir, "contribute", "50", "EUR", "--corrects", typo.id.slice(0, 4), "--reason", "typed 5000 for 50")).toMatch(
      /^Recorded: contribution of 50 EUR \(entry [0-9a-f]{8}\)\.\n$/,
    );
    const ledger = (await ok(dir, "ledger", "--oldest-first")).split("\n");
    expect(ledger[2]).toMatch(/^1\s.*contribution\s+Ada\s+20\.00 EUR\s+"dues" \(voided by #3, "counted twice"\)\s+counted$/);
    expect(ledger[3]).toMatch(/^2\s.*contribution\s+Ada\s+5,?000\.00 EUR\s+\(voided by #4, "typed 5000 for 50"\) \(corrected by #5\)\s+counted$/);
    expect(ledger[4]).toMatch(/^3\s.*void\s+Ada\s+20\.00 EUR\s+"counted twice" voids #1\s+counted$/);
    expect(ledger[6]).toMatch(/^5\s.*contribution\s+Ada\s+50\.00 EUR\s+corrects #2\s+counted$/);
    expect(JSON.parse(await ok(dir, "balances", "--json"))).toMatchObject({ purse: { EUR: 50_00 } });

    const unnamed = await cli(dir, ["contribute", "5", "EUR", "--corrects", typo.id.slice(0, 4)]);
    expect(unnamed).toMatchObject({ code: 2, stdout: "" });
    expect(unnamed.stderr).toMatch(/^commune: contribute: --corrects needs --reason TEXT/);
    const again = await cli(dir, ["void", twice.id.slice(0, 6), "--reason", "again"]);
    expect(again).toMatchObject({ code: 1, stdout: "" });
    expect(again.stderr).toContain(`${twice.id} was voided already`);
  });

  it("proposes reversing a payment by its id, and executing the passed proposal voids it", async () => {
    const { dir } = await founded(["--spend-limit", "EUR=100"]);
    await ok(dir, "contribute", "100", "EUR");
    const paid = JSON.parse(await ok(dir, "disburse", "40", "EUR", "--payee", "Garage", "--json")) as { id: string };
    const { id } = JSON.parse(await ok(dir, "propose", "reverse", "--title", "The garage refunded us", "--entry", paid.id.slice(0, 5), "--json")) as {
      id: string;
    };
    await ok(dir, "vote", id.slice(0, 6), "yes");
    expect(await ok(dir, "execute", id.slice(0, 6))).toMatch(/^Executed proposal [0-9a-f]{8}: recorded entry [0-9a-f]{8}\.\n$/);
    expect(await ok(dir, "proposals")).toContain(`take back Ada's payment of 40.00 EUR to Garage (entry ${paid.id.slice(0, 8)}), reversed`);
    expect(JSON.parse(await ok(dir, "balances", "--json"))).toMatchObject({ purse: { EUR: 100_00 } });

    const unknown = await cli(dir, ["propose", "reverse", "--title", "x", "--entry", "zzzz"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain('No payment id starts with "zzzz"');
  });

  it("proposes with the votes hidden until it closes, and the list says so instead of counting", async () => {
    const { dir } = await founded();
    const { id } = JSON.parse(await ok(dir, "propose", "general", "--title", "Secret ballot", "--hide-votes", "--json")) as { id: string };
    expect(await ok(dir, "proposals")).toMatch(new RegExp(`${id.slice(0, 8)}\\s+general\\s+open\\s+.*votes hidden until it closes \\(0/1 voted\\)`));
    await ok(dir, "vote", id.slice(0, 6), "yes");
    expect(await ok(dir, "proposals")).toMatch(/1 yes, 0 no \(1\/1 voted\)/);
  });

  it("votes with a reason, shown beside the vote in the proposals list", async () => {
    const { dir } = await founded();
    const { id } = JSON.parse(await ok(dir, "propose", "general", "--title", "Picnic on Sunday", "--json")) as { id: string };
    expect(await ok(dir, "vote", id.slice(0, 6), "yes", "--reason", "  the forecast is sunny ")).toBe(`Voted yes on proposal ${id.slice(0, 8)}.\n`);
    expect(await ok(dir, "proposals")).toMatch(/votes: Ada yes \([^)]+\): "the forecast is sunny"$/m);
    const [shown] = JSON.parse(await ok(dir, "proposals", "--json")) as { votes: { name: string; choice: string; reason?: string }[] }[];
    expect(shown!.votes).toEqual([expect.objectContaining({ name: "Ada", choice: "yes", reason: "the forecast is sunny" })]);
  });

  it("prints the commune: rules, purse, members and open proposals", async () => {
    const { dir } = await founded(["--quorum", "60", "--block", "--spend-limit", "EUR=25.5"]);
    await ok(dir, "propose", "general", "--title", "Picnic on Sunday");
    const shown = await ok(dir, "show");
    expect(shown).toMatch(/^Riverside {2}\(id [0-9a-f]{32}\)\nYou are active\.\n/);
    expect(shown).toContain("Rules: quorum 60%, approval 50% of yes and no votes, a block vetoes, new members join by invite");
    expect(shown).toContain("Spend limit without a proposal, per member per month: 25.50 EUR, 0.00 HOUR");
    expect(shown).toMatch(/^Ada \(you\)\s+active\s+[\d-]+ [\d:]+\s+[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}\s+[0-9a-f]{16}\s+0\.00\s+0\.00$/m);
    expect(shown).toMatch(/Open proposals:\nID .*\n[0-9a-f]{8}\s+general\s+open\s+.*Picnic on Sunday/);
  });

  it("names members by name or key prefix, and lists the candidates when a name fits nobody", async () => {
    const { dir } = await founded();
    const bo = "b0".repeat(32);
    expect(await ok(dir, "admit", bo, "Bo")).toBe("Admitted Bo.\n");
    // Ada has put nothing in: moving standing she does not have is asked first, and recorded with --yes.
    const asked = await cli(dir, ["transfer", "5", "EUR", "--to", "BO"]);
    expect(asked).toMatchObject({ code: 1, stdout: "" });
    expect(asked.stderr).toBe(
      "This transfer of 5.00 EUR takes your standing to -5.00 EUR. Check the amount; record it anyway only if it is right.\nNot recorded. To record it, run the same command with --yes.\n",
    );
    expect(await ok(dir, "transfer", "5", "EUR", "--to", "BO", "--yes")).toMatch(/^Recorded: transfer of 5 EUR/);
    expect(await ok(dir, "transfer", "1", "HOUR", "--to", "b0b0b0b0", "--yes")).toMatch(/^Recorded: transfer of 1 HOUR/);
    const members = await ok(dir, "members");
    expect(members).toMatch(/^Bo\s+active\s+.*\s+5\.00\s+1\.00$/m);
    expect(members).toMatch(/^Ada \(you\)\s+active\s+.*\s+-5\.00\s+-1\.00$/m);
    const unknown = await cli(dir, ["transfer", "5", "EUR", "--to", "Cleo"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toMatch(
      /^No member is called or has a key starting with "Cleo"\. Members: Ada \(key [0-9a-f]{16}, active\), Bo \(key b0b0b0b0b0b0b0b0, active\)\.\n$/,
    );
    const ledger = JSON.parse(await ok(dir, "ledger", "--member", "bo", "--json")) as { total: number };
    expect(ledger.total).toBe(2);
  });

  it("keeps the knowledge inventory, finding items by id prefix", async () => {
    const { dir } = await founded();
    const { id } = JSON.parse(await ok(dir, "knowledge", "add", "--title", "Bread", "--body", "Feed the starter\ndaily", "--tag", "Kitchen", "--json")) as {
      id: string;
    };
    expect(await ok(dir, "knowledge", "edit", id.slice(0, 5), "--title", "Sourdough", "--link", "https://example.org/bread")).toBe(
      `Saved a new version of item ${id.slice(0, 8)}.\n`,
    );
    const listed = await ok(dir, "knowledge", "list", "kitchen");
    expect(listed).toMatch(
      new RegExp(
        `^${id.slice(0, 8)}  Sourdough  \\[kitchen\\]\\n {10}by Ada, .* UTC, version 2\\n {10}https://example.org/bread\\n {10}Feed the starter\\n {10}daily\\n$`,
      ),
    );
    expect(await ok(dir, "knowledge", "list", "nothing-like-it")).toBe('Nothing in the inventory matches "nothing-like-it".\n');
    const bad = await cli(dir, ["knowledge", "add", "--title", "Evil", "--link", "javascript:alert(1)"]);
    expect(bad.code).toBe(1);
  });

  it("shows the sync status of a commune without relays", async () => {
    const { dir } = await founded();
    expect(await ok(dir, "status")).toContain("No relay: changes stay on this machine.");
    expect(await ok(dir, "relays")).toContain("No relays");
    expect(JSON.parse(await ok(dir, "relays", "--json"))).toEqual({ relays: [] });
    const invite = await cli(dir, ["invite"]);
    expect(invite).toEqual({ code: 1, stdout: "", stderr: "Add a relay to this commune first: a new member reaches the commune through one.\n" });
  });

  it("prints one JSON document for --json", async () => {
    const dir = await dirs.make();
    const run = await cli(dir, ["whoami", "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ publicKey: expect.stringMatching(/^[0-9a-f]{64}$/), name: "" });
  });

  it("leaves a commune", async () => {
    const { dir } = await founded();
    expect(await ok(dir, "leave")).toBe("You have left Riverside.\n");
    expect(await ok(dir, "list")).toMatch(/^Riverside\s+[0-9a-f]{32}\s+left$/m);
  });
});

describe("choosing the commune", () => {
  it("asks which commune when the member belongs to several, and takes a name or id prefix", async () => {
    const { dir, commune } = await founded();
    const { commune: other } = JSON.parse(await ok(dir, "create", "Hilltop", "--json")) as { commune: string };
    const ambiguous = await cli(dir, ["balances"]);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(`You belong to several communes; say which with --commune: Riverside (${commune}), Hilltop (${other}).`);
    expect(await ok(dir, "contribute", "3", "EUR", "--commune", "hilltop")).toMatch(/^Recorded/);
    const hill = JSON.parse(await ok(dir, "balances", "--json", "--commune", other.slice(0, 6))) as { commune: string; purse: Record<string, number> };
    expect(hill).toMatchObject({ commune: other, purse: { EUR: 300 } });
    expect(await cli(dir, ["show", "--commune", "nowhere"])).toMatchObject({ code: 1, stderr: expect.stringContaining('You belong to no commune "nowhere"') });
  });

  it("says how to start when the member belongs to none", async () => {
    const dir = await dirs.make();
    expect(await cli(dir, ["show"])).toMatchObject({ code: 1, stderr: expect.stringContaining("You belong to no commune yet") });
  });
});

describe("errors and exit codes", () => {
  const contributeUsage =
    "Usage: commune contribute <AMOUNT> <CURRENCY> [--memo TEXT] [--yes] [--corrects ENTRY] [--reason TEXT]  (more: commune contribute --help)";

  it.each([
    ["1e309", "Write the amount as plain digits without an exponent, such as 1000 rather than 1e3"],
    ["-5", "Amount must be greater than zero"],
    ["-0", "Amount must be greater than zero"],
    ["abc", "Amount must be a number, such as 12.50"],
    ["0.001", "EUR allows at most 2 decimals"],
    ["Infinity", "Amount must be a number, such as 12.50"],
  ])("refuses the amount %s as wrong usage, with the shared amount rule's words (exit 2), recording nothing", async (amount, message) => {
    const { dir } = await founded();
    const run = await cli(dir, ["contribute", "--", amount, "EUR"]);
    expect(run).toEqual({ code: 2, stdout: "", stderr: `commune: contribute: ${message}\n${contributeUsage}\n` });
    expect(JSON.parse(await ok(dir, "ledger", "--json"))).toMatchObject({ total: 0 });
  });

  it.each([
    [["propose", "spend", "--title", "T", "--amount", "1.001", "--currency", "EUR", "--payee", "Roofers"], "propose: --amount: EUR allows at most 2 decimals"],
    [["propose", "rule", "--title", "T", "--spend-limit", "EUR=abc"], "propose: --spend-limit: Spend limit for EUR: Amount must be a number, such as 12.50"],
  ])("refuses %j as wrong usage when the host cannot read the amount (exit 2), proposing nothing", async (argv, message) => {
    const { dir } = await founded();
    const run = await cli(dir, argv);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(`commune: ${message}`);
    expect(JSON.parse(await ok(dir, "proposals", "--json"))).toEqual([]);
  });

  it("calls a pasted text that is no invite wrong usage (exit 2), joining nothing", async () => {
    const { dir } = await founded();
    const run = await cli(dir, ["join", "this-is-not-an-invite"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^commune: join: \S/);
    expect(JSON.parse(await ok(dir, "list", "--json"))).toHaveLength(1);
  });

  it.each([
    [["invite", "--days", "1000"], "invite: --days must be at most 90"],
    [["invite", "--days", "0"], "invite: --days must be more than 0"],
    [["propose", "general", "--title", "T", "--days", "400"], "propose: --days must be at most 366"],
    [["propose", "rule", "--title", "T", "--quorum", "101"], "propose: --quorum must be at most 100"],
    [["propose", "rule", "--title", "T", "--threshold", "0"], "propose: --threshold must be at least 1"],
    [["propose", "spend", "--title", "T", "--amount", "5", "--currency", "E", "--payee", "X"], "propose: --currency must be a currency code such as EUR"],
    [["ledger", "--limit", "0"], "ledger: --limit must be at least 1"],
    [["ledger", "--limit", "5000"], "ledger: --limit must be at most 1000"],
    [["knowledge", "add", "--title", "x".repeat(201)], "knowledge add: --title must be at most 200 characters"],
    [["contribute", "5", "EUR", "--memo", "m".repeat(1001)], "contribute: --memo must be at most 1000 characters"],
    [["vote", "abcd", "no", "--reason", "r".repeat(1001)], "vote: --reason must be at most 1000 characters"],
    [["vote", "abcd", "no", "--reason", "too\u0007loud"], "vote: --reason must not contain control characters"],
  ])("refuses %j before the host sees it, naming the flag as typed (exit 2)", async (argv, message) => {
    const { dir } = await founded();
    const run = await cli(dir, argv);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(`commune: ${message}`);
    expect(run.stderr).not.toMatch(/Too (big|small)|expected|Invalid|quorumPercent|deadline/);
  });

  it("founds a commune whose spend limit runs over a week, and refuses a second payment that would pass it in the same week", async () => {
    const { dir } = await founded(["--spend-limit", "EUR=10", "--spend-period", "week"]);
    expect(await ok(dir, "show")).toContain("Spend limit without a proposal, per member per week: 10.00 EUR, 0.00 HOUR");
    await ok(dir, "contribute", "100", "EUR");
    await ok(dir, "disburse", "6", "EUR", "--payee", "Bakery");
    const second = await cli(dir, ["disburse", "5", "EUR", "--payee", "Bakery"]);
    expect(second).toMatchObject({ code: 1, stdout: "" });
    expect(second.stderr).toMatch(
      /^Not recorded: the disbursement would not count \(Ada has already taken 6\.00 EUR without a proposal in the week of \d{1,2} [A-Z][a-z]+ \d{4}; the limit is 10\.00 EUR a week per member\)\.\n$/,
    );
  });

  it.each([
    [["create", "Riverside", "--spend-period", "fortnight"], 'create: --spend-period must be one of day, week, month, year, not "fortnight"'],
    [["propose", "rule", "--title", "T", "--spend-period", "decade"], 'propose: --spend-period must be one of day, week, month, year, not "decade"'],
  ])("refuses %j: a spend period is a day, a week, a month or a year (exit 2)", async (argv, message) => {
    const { dir } = await founded();
    const run = await cli(dir, argv);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(`commune: ${message}`);
  });

  it("refuses an out-of-range flag without opening the data directory", async () => {
    const dir = join(await dirs.make(), "never-made");
    expect(await cli(dir, ["create", "Riverside", "--quorum", "101"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^commune: create: --quorum must be at most 100\n/),
    });
    expect(await exists(dir)).toBe(false);
  });

  it.each([
    [
      ["disburse", "60", "EUR", "--payee", "Roofers"],
      "Not recorded: the disbursement would not count (above the spend limit of 10.00 EUR a month per member and cites no passed spend proposal).",
    ],
    [["contribute", "5", "XYZ"], "XYZ is not one of this commune's currencies."],
    [["transfer", "5", "EUR", "--to", "Nobody"], expect.stringMatching(/^No member is called or has a key starting with "Nobody"/)],
  ])("exits 1 when the commune or its rules refuse %j", async (argv, message) => {
    const { dir } = await founded(["--spend-limit", "EUR=10"]);
    await ok(dir, "contribute", "100", "EUR");
    const run = await cli(dir, argv);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr.trimEnd()).toEqual(message);
  });

  it("answers a usage error with one line and a hint (exit 2), before touching the data directory", async () => {
    const dir = join(await dirs.make(), "never-made");
    const run = await cli(dir, ["contribute", "5", "EUR", "--bogus"]);
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "commune: contribute: unknown flag --bogus\nUsage: commune contribute <AMOUNT> <CURRENCY> [--memo TEXT] [--yes] [--corrects ENTRY] [--reason TEXT]  (more: commune contribute --help)\n",
    });
    expect(await exists(dir)).toBe(false);
    expect(await cli(dir, ["help"])).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: commune <verb>") });
  });

  it("exits 3 when the data directory cannot be used, and leaves no lock behind", async () => {
    const parent = await dirs.make();
    const file = join(parent, "a-file");
    await writeFile(file, "not a directory");
    const notADir = await cli(file, ["whoami"]);
    expect(notADir.code).toBe(3);
    expect(notADir.stderr).toMatch(/^Cannot (use|lock) the data directory /);

    const damaged = join(parent, "damaged");
    await mkdir(damaged);
    await writeFile(join(damaged, "identity.json"), "{ not json");
    const run = await cli(damaged, ["whoami"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("identity.json is damaged");
    expect(await exists(lockPath(damaged))).toBe(false);
  });

  it.runIf(process.platform === "linux")("refuses a data directory in /proc at once, instead of spinning for ever", async () => {
    const run = await cli("/proc/commune", ["whoami"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      "Cannot use the data directory /proc/commune: /proc/commune is on procfs (/proc), the kernel's view of the system, not a folder for files.\n",
    );
  });

  it("releases the lock after every command", async () => {
    const { dir } = await founded();
    await ok(dir, "contribute", "1", "EUR");
    expect(await exists(lockPath(dir))).toBe(false);
    await cli(dir, ["contribute", "1e309", "EUR"]);
    expect(await exists(lockPath(dir))).toBe(false);
    expect(await readFile(join(dir, "identity.json"), "utf8")).toContain('"name": "Ada"');
  });
});
