import { describe, expect, it } from "vitest";
import { DEFAULT_SYNC_TIMEOUT_MS, parseArgv, type Parsed } from "./parse";
import { VERBS } from "./verbs";

/** The planned command for argv, or the test fails with the usage error. */
function plan(...argv: string[]) {
  const parsed = parseArgv(argv);
  if (parsed.kind !== "command") throw new Error(`expected a command, got ${JSON.stringify(parsed)}`);
  return parsed.plan;
}

/** The usage error for argv. */
function usageError(...argv: string[]): string {
  const parsed = parseArgv(argv);
  if (parsed.kind !== "usage") throw new Error(`expected a usage error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

const KEY = "ab".repeat(32);

describe("reading the command line into a command", () => {
  it.each<[string[], { name: string; input: unknown; refs?: unknown[] }]>([
    [["whoami"], { name: "identity.show", input: {} }],
    [["name", "Ada Lovelace"], { name: "identity.rename", input: { name: "Ada Lovelace" } }],
    [["list"], { name: "commune.list", input: {} }],
    [["show"], { name: "commune.show", input: {} }],
    [["members"], { name: "commune.show", input: {} }],
    [["balances"], { name: "commune.show", input: {} }],
    [["invite"], { name: "commune.invite", input: {} }],
    [["invite", "--days", "2.5"], { name: "commune.invite", input: { days: 2.5 } }],
    [["join", "commune-invite:abc"], { name: "commune.join", input: { invite: "commune-invite:abc" } }],
    [["join", "commune-invite:abc", "--name", "Bo"], { name: "commune.join", input: { invite: "commune-invite:abc", name: "Bo" } }],
    [["leave"], { name: "commune.leave", input: {} }],
    [["admit", "bob", "Bob"], { name: "commune.admit", input: { member: "bob", name: "Bob" }, refs: [{ kind: "member", path: ["member"], text: "bob" }] }],
    [["contribute", "12.50", "eur"], { name: "purse.contribute", input: { amount: "12.50", currency: "EUR" } }],
    [["contribute", "3", "HOUR", "--memo", "garden"], { name: "purse.contribute", input: { amount: "3", currency: "HOUR", memo: "garden" } }],
    [
      ["transfer", "5", "EUR", "--to", "bob"],
      { name: "purse.transfer", input: { amount: "5", currency: "EUR", to: "bob" }, refs: [{ kind: "member", path: ["to"], text: "bob" }] },
    ],
    [
      ["disburse", "5", "EUR", "--payee", "Roofers"],
      { name: "purse.disburse", input: { amount: "5", currency: "EUR", payee: { outside: "Roofers" } }, refs: [] },
    ],
    [
      ["disburse", "5", "EUR", "--to", "bob", "--proposal", "d156", "--memo", "tools"],
      {
        name: "purse.disburse",
        input: { amount: "5", currency: "EUR", payee: { member: "bob" }, proposal: "d156", memo: "tools" },
        refs: [
          { kind: "member", path: ["payee", "member"], text: "bob" },
          { kind: "proposal", path: ["proposal"], text: "d156" },
        ],
      },
    ],
    [
      ["exchange", "20", "EUR", "--partner", "Hilltop", "--direction", "out"],
      { name: "purse.exchange", input: { amount: "20", currency: "EUR", partner: "Hilltop", direction: "out" }, refs: [] },
    ],
    [["ledger"], { name: "purse.ledger", input: {} }],
    [
      ["ledger", "--limit", "10", "--offset", "20", "--member", "ada", "--kind", "transfer", "--currency", "hour", "--status", "overdrawn", "--oldest-first"],
      {
        name: "purse.ledger",
        input: { limit: 10, offset: 20, member: "ada", kind: "transfer", currency: "HOUR", status: "overdrawn", newestFirst: false },
        refs: [{ kind: "member", path: ["member"], text: "ada" }],
      },
    ],
    [["proposals"], { name: "proposal.list", input: {} }],
    [
      ["vote", "d156", "YES"],
      { name: "proposal.vote", input: { proposal: "d156", choice: "yes" }, refs: [{ kind: "proposal", path: ["proposal"], text: "d156" }] },
    ],
    [
      ["vote", "d156", "object", "--reason", "too loud"],
      {
        name: "proposal.vote",
        input: { proposal: "d156", choice: "block", reason: "too loud" },
        refs: [{ kind: "proposal", path: ["proposal"], text: "d156" }],
      },
    ],
    [
      ["vote", "d156", "--dots", "3, 1,1"],
      { name: "proposal.vote", input: { proposal: "d156", choice: "yes", dots: [3, 1, 1] }, refs: [{ kind: "proposal", path: ["proposal"], text: "d156" }] },
    ],
    [
      ["vote", "d156", "--times", "1,3"],
      { name: "proposal.vote", input: { proposal: "d156", choice: "yes", times: [0, 2] }, refs: [{ kind: "proposal", path: ["proposal"], text: "d156" }] },
    ],
    [
      ["vote", "d156", "--times", ""],
      { name: "proposal.vote", input: { proposal: "d156", choice: "yes", times: [] }, refs: [{ kind: "proposal", path: ["proposal"], text: "d156" }] },
    ],
    [
      ["propose", "poll", "--title", "Buy", "--option", "Roof", "--option", "Solar", "--dots", "5"],
      {
        name: "proposal.create",
        input: { kind: "general", title: "Buy", deadline: { days: 7 }, process: { kind: "poll", options: ["Roof", "Solar"], dots: 5 } },
      },
    ],
    [
      ["propose", "meeting", "--title", "Meet", "--time", "2026-12-10T18:00", "--time", "2026-12-11 18:30Z"],
      {
        name: "proposal.create",
        input: {
          kind: "general",
          title: "Meet",
          deadline: { days: 7 },
          process: { kind: "meeting", times: [Date.UTC(2026, 11, 10, 18), Date.UTC(2026, 11, 11, 18, 30)] },
        },
      },
    ],
    [
      ["propose", "spend", "--title", "Saw", "--amount", "5", "--currency", "eur", "--payee", "Shop", "--consent"],
      {
        name: "proposal.create",
        input: { kind: "spend", title: "Saw", deadline: { days: 7 }, amount: "5", currency: "EUR", payee: { outside: "Shop" }, process: { kind: "consent" } },
      },
    ],
    [
      ["decide", "d156", "--rejected", "--statement", "No"],
      {
        name: "proposal.decide",
        input: { proposal: "d156", outcome: "rejected", statement: "No" },
        refs: [{ kind: "proposal", path: ["proposal"], text: "d156" }],
      },
    ],
    [["execute", "d156"], { name: "proposal.execute", input: { proposal: "d156" }, refs: [{ kind: "proposal", path: ["proposal"], text: "d156" }] }],
    [
      ["knowledge", "add", "--title", "Bread", "--tag", "kitchen", "--tag", "daily"],
      { name: "inventory.add", input: { title: "Bread", tags: ["kitchen", "daily"] } },
    ],
    [
      ["knowledge", "edit", "abcd", "--no-link", "--title", "Sourdough"],
      { name: "inventory.edit", input: { id: "abcd", link: null, title: "Sourdough" }, refs: [{ kind: "item", path: ["id"], text: "abcd" }] },
    ],
    [["knowledge", "edit", "abcd", "--no-tags"], { name: "inventory.edit", input: { id: "abcd", tags: [] } }],
    [["knowledge", "list"], { name: "inventory.list", input: { query: "" } }],
    [["knowledge", "list", "sour", "dough"], { name: "inventory.list", input: { query: "sour dough" } }],
    [
      ["knowledge", "add", "--offer", "--title", "Bike repairs", "--amount", "2", "--currency", "hour"],
      { name: "inventory.add", input: { title: "Bike repairs", kind: "offer", price: { amount: "2", currency: "HOUR" } } },
    ],
    [["knowledge", "add", "--need", "--title", "Harvest help"], { name: "inventory.add", input: { title: "Harvest help", kind: "need" } }],
    [["knowledge", "edit", "abcd", "--knowledge"], { name: "inventory.edit", input: { id: "abcd", kind: "knowledge" } }],
    [["knowledge", "edit", "abcd", "--no-amount"], { name: "inventory.edit", input: { id: "abcd", price: null } }],
    [["knowledge", "list", "--needs", "--retired"], { name: "inventory.list", input: { query: "", kind: "need", retired: true } }],
    [["knowledge", "retire", "abcd"], { name: "inventory.retire", input: { id: "abcd", retired: true }, refs: [{ kind: "item", path: ["id"], text: "abcd" }] }],
    [["knowledge", "restore", "abcd"], { name: "inventory.retire", input: { id: "abcd", retired: false } }],
    [["status"], { name: "sync.status", input: {} }],
    [["relays"], { name: "sync.status", input: {} }],
    [
      ["relays", "--add", "ws://a:1", "--add", "ws://b:2", "--remove", "ws://c:3"],
      { name: "commune.relays", input: { add: ["ws://a:1", "ws://b:2"], remove: ["ws://c:3"] } },
    ],
  ])("%j", (argv, expected) => {
    expect(plan(...argv)).toMatchObject(expected);
  });

  it("founds a commune with EUR and HOUR unless currencies are given", () => {
    expect(plan("create", "Riverside")).toEqual({
      name: "commune.create",
      input: {
        name: "Riverside",
        currencies: [
          { code: "EUR", name: "Euro", decimals: 2 },
          { code: "HOUR", name: "Labour hours", decimals: 2 },
        ],
        rules: {},
        relays: [],
      },
      refs: [],
    });
    expect(
      plan(
        "create",
        "Hilltop",
        "--currency",
        "EUR",
        "--currency",
        "seed:Seed packets:0",
        "--relay",
        "ws://r:1",
        "--quorum",
        "60%",
        "--threshold",
        "75",
        "--block",
        "--spend-limit",
        "EUR=50.00",
        "--admission",
        "Proposal",
      ).input,
    ).toEqual({
      name: "Hilltop",
      currencies: [
        { code: "EUR", name: "Euro", decimals: 2 },
        { code: "SEED", name: "Seed packets", decimals: 0 },
      ],
      rules: { quorumPercent: 60, thresholdPercent: 75, allowBlock: true, spendLimit: { EUR: "50.00" }, admission: "proposal" },
      relays: ["ws://r:1"],
    });
  });

  it("founds a private commune unless --plaintext asks for one a relay on an older version can read", () => {
    expect(plan("create", "Riverside").input).not.toHaveProperty("private");
    expect(plan("create", "Riverside", "--plaintext").input).toMatchObject({ private: false });
  });

  it("reads each kind of proposal, with a deadline of 7 days unless told", () => {
    expect(plan("propose", "spend", "--title", "Roof", "--amount", "60", "--currency", "eur", "--payee", "Roofers")).toEqual({
      name: "proposal.create",
      input: { kind: "spend", title: "Roof", deadline: { days: 7 }, amount: "60", currency: "EUR", payee: { outside: "Roofers" } },
      refs: [],
    });
    expect(
      plan("propose", "spend", "--title", "Tools", "--amount", "6", "--currency", "EUR", "--to", "bob", "--days", "3", "--body", "We need tools"),
    ).toMatchObject({
      input: { payee: { member: "bob" }, deadline: { days: 3 }, body: "We need tools" },
      refs: [{ kind: "member", path: ["payee", "member"], text: "bob" }],
    });
    expect(plan("propose", "admit", "--title", "Admit Cy", "--member", KEY, "--name", "Cy")).toMatchObject({
      input: { kind: "admit", member: KEY, name: "Cy" },
      refs: [{ kind: "member", path: ["member"], text: KEY }],
    });
    expect(plan("propose", "remove", "--title", "Remove Bo", "--member", "bo")).toMatchObject({ input: { kind: "remove", member: "bo" } });
    expect(plan("propose", "general", "--title", "Picnic")).toMatchObject({ input: { kind: "general", title: "Picnic" } });
    expect(
      plan(
        "propose",
        "rule",
        "--title",
        "New rules",
        "--quorum",
        "40",
        "--no-block",
        "--spend-limit",
        "HOUR=2",
        "--admission",
        "direct",
        "--add-currency",
        "SEED:Seeds:0",
        "--confirm-above",
        "eur=500",
      ).input,
    ).toMatchObject({
      kind: "rule",
      change: {
        quorumPercent: 40,
        allowBlock: false,
        spendLimit: { HOUR: "2" },
        confirmAbove: { EUR: "500" },
        admission: "direct",
        addCurrencies: [{ code: "SEED", name: "Seeds", decimals: 0 }],
      },
    });
  });

  it("reads global flags before or after the verb, and --flag=value", () => {
    const parsed = parseArgv(["--data", "/tmp/x", "contribute", "5", "EUR", "--json", "--commune=river", "--sync-timeout", "2.5", "--memo=--odd"]);
    expect(parsed).toMatchObject({
      kind: "command",
      globals: { data: "/tmp/x", json: true, commune: "river", syncTimeoutMs: 2500 },
      plan: { input: { memo: "--odd" } },
    });
    expect(parseArgv(["show"])).toMatchObject({ globals: { json: false, syncTimeoutMs: DEFAULT_SYNC_TIMEOUT_MS } });
  });

  it("passes amounts to the host exactly as typed, hostile ones included", () => {
    for (const amount of ["1e309", "-5", "0x10", "١٢", "NaN", "1,000.00", " 5 "]) {
      expect(plan("contribute", amount, "EUR").input).toMatchObject({ amount });
    }
    expect(plan("contribute", "--", "-0", "EUR").input).toMatchObject({ amount: "-0" });
  });

  it("reads the partner verbs and whom an item is shared with", () => {
    const riverside = "a".repeat(32);
    expect(plan("partner", "offer")).toMatchObject({ name: "partner.offer", input: {} });
    expect(plan("partner", "offer", "--days", "3")).toMatchObject({ name: "partner.offer", input: { days: 3 } });
    expect(plan("partner", "accept", "commune-partner:abc", "--days", "2")).toMatchObject({
      name: "partner.accept",
      input: { offer: "commune-partner:abc", deadline: { days: 2 } },
    });
    expect(plan("partner", "end", riverside.toUpperCase())).toMatchObject({
      name: "proposal.create",
      input: { kind: "partner-end", partner: riverside, title: "End the partnership", deadline: { days: 7 } },
    });
    expect(plan("partner", "list")).toMatchObject({ name: "partner.list", input: {} });
    expect(plan("partner", "shared", riverside)).toMatchObject({ name: "partner.shared", input: { partner: riverside } });
    expect(plan("knowledge", "add", "--title", "Bread", "--share", "partners")).toMatchObject({ input: { sharedWith: "partners" } });
    expect(plan("knowledge", "add", "--title", "Bread", "--share", riverside, "--share", "b".repeat(32))).toMatchObject({
      input: { sharedWith: [riverside, "b".repeat(32)] },
    });
    expect(plan("knowledge", "add", "--title", "Bread")).not.toHaveProperty("input.sharedWith");
    expect(usageError("partner", "end", "Riverside")).toContain("expected the partner commune's id");
    expect(usageError("knowledge", "add", "--title", "Bread", "--share", "everyone")).toContain("--share takes commune, partners, or partner commune ids");
  });

  it("reads `commune host` and its relay", () => {
    expect(parseArgv(["host"])).toMatchObject({ kind: "host" });
    expect(parseArgv(["host", "--relay-port", "0"])).toMatchObject({ kind: "host", relay: { port: 0, host: "127.0.0.1" } });
    expect(parseArgv(["host", "--relay-port", "3030", "--relay-host", "0.0.0.0"])).toMatchObject({ relay: { port: 3030, host: "0.0.0.0" } });
  });
});

describe("usage errors", () => {
  it.each<[string[], string]>([
    [[], "say what to do"],
    [["frobnicate"], 'unknown verb "frobnicate"'],
    [["contribte", "5", "EUR"], 'did you mean "contribute"'],
    [["knowledge"], "knowledge needs one of: add, edit, list, retire, restore"],
    [["knowledge", "remove"], 'unknown verb "knowledge remove"'],
    [["contribute", "5"], "missing <CURRENCY>"],
    [["contribute"], "missing <AMOUNT> <CURRENCY>"],
    [["name", "Ada", "Lovelace"], 'unexpected argument "Lovelace"'],
    [["contribute", "5", "EUR", "--bogus"], "unknown flag --bogus"],
    [["contribute", "5", "EUR", "-x"], "unknown flag -x"],
    [["contribute", "5", "EUR", "--memo"], "--memo needs a value"],
    [["contribute", "5", "EUR", "--memo", "--json"], "--memo needs a value"],
    [["contribute", "5", "EUR", "--memo", "a", "--memo", "b"], "--memo is given twice"],
    [["create", "X", "--block=yes"], "--block takes no value"],
    [["--memo", "x", "contribute", "5", "EUR"], "unknown flag --memo"],
    [["disburse", "5", "EUR"], "say who is paid: --to or --payee"],
    [["disburse", "5", "EUR", "--to", "bob", "--payee", "Roofers"], "give only one of --to or --payee"],
    [["transfer", "5", "EUR"], "--to is required"],
    [["exchange", "5", "EUR", "--partner", "Hilltop", "--direction", "sideways"], '--direction must be one of in, out, not "sideways"'],
    [["ledger", "--limit", "ten"], '--limit expects a whole number, not "ten"'],
    [["ledger", "--limit", "1e3"], "--limit expects a whole number"],
    [["ledger", "--offset", "-1"], '--offset expects a whole number, not "-1"'],
    [["ledger", "--kind", "gift"], "--kind must be one of"],
    [["invite", "--days", "Infinity"], "--days expects a number of days"],
    [["create", "X", "--quorum", "half"], "--quorum expects a whole number"],
    [["create", "X", "--currency", "SEED"], "needs a name and decimals"],
    [["create", "X", "--currency", "SEED:Seeds:many"], "write a currency as CODE:Name:DECIMALS"],
    [["create", "X", "--spend-limit", "50"], "--spend-limit expects CURRENCY=AMOUNT"],
    [["create", "X", "--spend-limit", "EUR=1", "--spend-limit", "eur=2"], "--spend-limit names EUR twice"],
    [["create", "X", "--admission", "lottery"], "--admission must be one of direct, proposal"],
    [["propose", "party", "--title", "x"], "the kind of proposal must be one of spend, admit, remove, rule, general, reverse"],
    [["propose", "general"], "--title is required"],
    [["propose", "general", "--title", "x", "--amount", "5"], "--amount does not apply to a general proposal"],
    [["propose", "spend", "--title", "x", "--amount", "5", "--currency", "EUR"], "say who is paid"],
    [["propose", "admit", "--title", "x", "--member", KEY], "--name is required"],
    [["propose", "rule", "--title", "x", "--block", "--no-block"], "give only one of --block and --no-block"],
    [["propose", "rule", "--title", "x", "--confirm-above", "500"], "--confirm-above expects CURRENCY=AMOUNT, such as EUR=50.00"],
    [["vote", "d156", "maybe"], 'your vote must be one of yes, no, abstain, block, consent, object, advice, not "maybe"'],
    [["vote", "d156"], "say how you vote: yes, no, abstain, block, consent, object or advice, or --pick, --dots or --times"],
    [["vote", "d156", "yes", "--pick", "2"], '--pick, --dots and --times are a vote of their own: leave out "yes"'],
    [["vote", "d156", "--pick", "1", "--times", "2"], "give only one of --pick, --dots and --times"],
    [["vote", "d156", "--dots", "3,x"], '--dots expects whole numbers separated by commas, such as 3,1,1, not "3,x"'],
    [["vote", "d156", "--times", "0,2"], "--times expects whole numbers from 1 separated by commas"],
    [["vote", "d156", "--pick", "0"], "--pick counts options from 1"],
    [["propose", "poll", "--title", "x", "--option", "A", "--amount", "5"], "--amount does not apply to a poll proposal"],
    [["propose", "meeting", "--title", "x", "--time", "2026-02-31T18:00"], '--time expects a time such as 2026-12-10T18:00 (UTC), not "2026-02-31T18:00"'],
    [["propose", "admit", "--title", "x", "--member", KEY, "--name", "Bo", "--advice"], "--advice does not apply to a admit proposal"],
    [["propose", "general", "--title", "x", "--consent", "--advice"], "give only one of --consent and --advice"],
    [["decide", "d156", "--statement", "ok"], "say what you decide: --passed or --rejected (one of them)"],
    [["decide", "d156", "--passed"], "--statement is required"],
    [["knowledge", "add"], "--title is required"],
    [["knowledge", "edit", "abcd"], "say what changes"],
    [["knowledge", "edit", "abcd", "--link", "https://x.org", "--no-link"], "give only one of --link and --no-link"],
    [["knowledge", "add", "--title", "Seeds", "--amount", "5", "--currency", "EUR"], "only an offer or a need has an amount"],
    [["knowledge", "add", "--offer", "--title", "Seeds", "--amount", "5"], "--amount needs --currency"],
    [["knowledge", "add", "--offer", "--need", "--title", "Seeds"], "give only one of --offer and --need"],
    [["knowledge", "edit", "abcd", "--knowledge", "--offer"], "give only one of --knowledge and --offer"],
    [["knowledge", "list", "--offers", "--needs"], "give only one of --offers and --needs"],
    [["whoami", "--commune", "river"], "--commune does not apply"],
    [["show", "--sync-timeout", "soon"], "--sync-timeout expects a number of seconds"],
    [["show", "--data", ""], "--data needs a directory"],
    [["host", "--relay-port", "99999"], '--relay-port "99999": A port is a whole number from 1024 to 65535, or 0 to pick a free one'],
    [["host", "--relay-port", "80"], '--relay-port "80": Port 80 is reserved for the system\'s own services'],
    [["host", "--relay-host", "0.0.0.0"], "--relay-host needs --relay-port"],
    [["host", "--relay-port", "1024", "--relay-host", "a b"], "--relay-host expects a host name"],
  ])("%j → %s", (argv, message) => {
    expect(usageError(...argv)).toContain(message);
  });

  it("points a verb's usage error at that verb's usage", () => {
    const parsed = parseArgv(["contribute", "5"]) as Extract<Parsed, { kind: "usage" }>;
    expect(parsed.hint).toBe(
      "Usage: commune contribute <AMOUNT> <CURRENCY> [--memo TEXT] [--yes] [--corrects ENTRY] [--reason TEXT]  (more: commune contribute --help)",
    );
    expect((parseArgv(["bogus"]) as Extract<Parsed, { kind: "usage" }>).hint).toContain('"commune help"');
  });
});

describe("help", () => {
  it("lists every verb", () => {
    const parsed = parseArgv(["help"]);
    expect(parsed.kind).toBe("help");
    const text = (parsed as Extract<Parsed, { kind: "help" }>).text;
    for (const verb of VERBS) expect(text).toContain(verb.verb);
    expect(text).toContain("host");
    expect(parseArgv(["--help"])).toEqual(parsed);
  });

  it.each([[["contribute", "--help"]], [["help", "contribute"]], [["contribute", "-h"]], [["contribute", "5", "--help"]]])(
    "%j shows the verb's usage",
    (argv) => {
      const parsed = parseArgv(argv);
      expect(parsed).toMatchObject({ kind: "help", text: expect.stringContaining("commune contribute <AMOUNT> <CURRENCY>") });
    },
  );

  it("shows a group's and the host's usage", () => {
    expect(parseArgv(["help", "knowledge"])).toMatchObject({ text: expect.stringContaining("commune knowledge edit <ITEM>") });
    expect(parseArgv(["knowledge", "--help"])).toMatchObject({ text: expect.stringContaining("commune knowledge add") });
    expect(parseArgv(["knowledge", "edit", "--help"])).toMatchObject({ text: expect.stringContaining("--no-link") });
    expect(parseArgv(["host", "--help"])).toMatchObject({ text: expect.stringContaining("--relay-port N") });
    expect(parseArgv(["help", "nonsense"])).toMatchObject({ kind: "usage" });
  });
});
