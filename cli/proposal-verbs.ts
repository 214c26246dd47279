import type { CommandInput } from "../shared/commands/commands";
import { SPEND_PERIODS } from "../shared/commune/spend-period";
import type { Currency } from "../shared/money/currency";
import type { Choice } from "../shared/proposals/proposal";
import { fail, ok, type Result } from "../shared/result";
import type { Args, FlagSpec } from "./args";
import { clean, shortId } from "./text";
import {
  all,
  always,
  currencyCode,
  currencySpec,
  days,
  defineVerb,
  exactlyOne,
  never,
  oneOf,
  planned,
  required,
  spendLimits,
  wholeNumber,
  type Planned,
} from "./verb";
import { proposalsText } from "./views-text";

/** Verbs about proposals and votes. */

const KINDS = ["spend", "admit", "remove", "rule", "general", "reverse"] as const;
type Kind = (typeof KINDS)[number];
/** A general proposal put to a process: `commune propose poll ...` is `commune propose general ...` decided by a poll. */
const PROCESS_KINDS = ["consent", "advice", "poll", "meeting"] as const;
type ProcessKind = (typeof PROCESS_KINDS)[number];

/** Which flags each process takes as a kind of its own. */
const PROCESS_FLAGS: Record<ProcessKind, string[]> = { consent: [], advice: [], poll: ["option", "dots"], meeting: ["time"] };

/** Flags every kind takes; --consent on any kind, --advice on the kinds advice may decide. */
const COMMON_FLAGS = ["title", "body", "days", "hide-votes"];
const PROCESS_FLAG_KINDS: Record<"consent" | "advice", readonly Kind[]> = { consent: KINDS, advice: ["spend", "general"] };

/** "2026-12-10T18:00" (UTC, as `commune proposals` shows times), with seconds or a Z if given. */
const MEETING_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?Z?$/;

function meetingTime(text: string): Result<number> {
  const match = MEETING_TIME.exec(text.trim());
  const refused = fail("usage.badTime", `--time expects a time such as 2026-12-10T18:00 (UTC), not ${JSON.stringify(text)}`, { field: "process" });
  if (!match) return refused;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const at = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(at);
  // Date.UTC rolls 31 February over into March: a time that does not read back as typed does not exist.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return refused;
  return ok(at);
}

function processOf(args: Args, kind: ProcessKind): Result<NonNullable<ProposalInput["process"]>> {
  switch (kind) {
    case "consent":
    case "advice":
      return ok({ kind });
    case "poll": {
      const dots = wholeNumber(args, "dots");
      if (!dots.ok) return dots;
      return ok({ kind, options: args.list("option"), ...(dots.value !== undefined ? { dots: dots.value } : {}) });
    }
    case "meeting": {
      const times: number[] = [];
      for (const text of args.list("time")) {
        const at = meetingTime(text);
        if (!at.ok) return at;
        times.push(at.value);
      }
      return ok({ kind, times });
    }
  }
}

/** Which flags each kind of proposal takes, beyond --title, --body and --days. */
const KIND_FLAGS: Record<Kind, string[]> = {
  spend: ["amount", "currency", "to", "payee"],
  admit: ["member", "name"],
  remove: ["member"],
  rule: ["quorum", "threshold", "block", "no-block", "spend-limit", "spend-period", "confirm-above", "admission", "add-currency", "partner-credit"],
  general: [],
  reverse: ["entry"],
};

const PROPOSE_FLAGS: FlagSpec[] = [
  {
    name: "entry",
    kind: "value",
    value: "ENTRY",
    help: "reverse: the payment out of the purse to take back (its id or first characters, from commune ledger)",
  },
  { name: "title", kind: "value", value: "TEXT", help: "what is proposed, in a line (required)" },
  { name: "body", kind: "value", value: "TEXT", help: "the reasons, at length" },
  {
    name: "days",
    kind: "value",
    value: "N",
    help: "voting stays open this many days (default 7, at least 1 hour: 0.0417, at most 366); it closes earlier once the outcome can no longer change",
  },
  { name: "hide-votes", kind: "boolean", help: "keep the counts and who voted what out of sight until it closes" },
  { name: "consent", kind: "boolean", help: "decide by consent: it passes at the deadline unless a member objects with a reason (any kind)" },
  { name: "advice", kind: "boolean", help: "spend, general: decide by advice: you record the decision after the deadline, in view of the advice given" },
  { name: "option", kind: "list", value: "TEXT", help: "poll: an option to choose from (2 to 20, repeatable)" },
  { name: "dots", kind: "value", value: "N", help: "poll: make it a dot vote, each member spreading N dots (1 to 100)" },
  { name: "time", kind: "list", value: "YYYY-MM-DDTHH:MM", help: "meeting: a time to offer, in UTC (2 to 20, repeatable)" },
  { name: "amount", kind: "value", value: "AMOUNT", help: "spend: how much" },
  { name: "currency", kind: "value", value: "CODE", help: "spend: in which currency" },
  { name: "to", kind: "value", value: "MEMBER", help: "spend: pay a member" },
  { name: "payee", kind: "value", value: "NAME", help: "spend: pay someone outside the commune" },
  { name: "member", kind: "value", value: "MEMBER", help: "admit: their public key; remove: the member" },
  { name: "name", kind: "value", value: "NAME", help: "admit: the new member's name" },
  { name: "quorum", kind: "value", value: "PERCENT", help: "rule: new quorum" },
  { name: "threshold", kind: "value", value: "PERCENT", help: "rule: new approval threshold" },
  { name: "block", kind: "boolean", help: "rule: a block vote vetoes" },
  { name: "no-block", kind: "boolean", help: "rule: a block vote counts as no" },
  { name: "spend-limit", kind: "list", value: "CODE=AMOUNT", help: "rule: new spend limit per member per spend period (repeatable)" },
  { name: "spend-period", kind: "value", value: "day|week|month|year", help: "rule: new period the spend limit runs over" },
  {
    name: "confirm-above",
    kind: "list",
    value: "CODE=AMOUNT",
    help: "rule: members are asked to confirm an entry above this amount before it is signed; 0 for none (repeatable)",
  },
  { name: "admission", kind: "value", value: "direct|proposal", help: "rule: how new members are admitted" },
  {
    name: "partner-credit",
    kind: "list",
    value: "COMMUNE:CODE=AMOUNT",
    help: "rule: the most a partner commune may owe us through exchanges, per currency (repeatable)",
  },
  { name: "add-currency", kind: "list", value: "CODE:Name:DECIMALS", help: "rule: add a currency (repeatable)" },
];

type ProposalInput = Extract<Planned<"proposal.create">["input"], { kind: string }>;

function ruleChange(args: Args): Result<Extract<CommandInput<"proposal.create">, { kind: "rule" }>["change"]> {
  if (args.flag("block") && args.flag("no-block")) return fail("usage.conflictingFlags", "give only one of --block and --no-block", { field: "allowBlock" });
  const parts = all(
    wholeNumber(args, "quorum", true),
    wholeNumber(args, "threshold", true),
    spendLimits(args),
    oneOf(args.value("admission"), ["direct", "proposal"] as const, "--admission"),
    oneOf(args.value("spend-period"), SPEND_PERIODS, "--spend-period"),
    spendLimits(args, "confirm-above"),
  );
  if (!parts.ok) return parts;
  const [quorumPercent, thresholdPercent, spendLimit, admission, spendPeriod, confirmAbove] = parts.value;
  const partnerCredit: Record<string, Record<string, string>> = {};
  for (const text of args.list("partner-credit")) {
    const colon = text.indexOf(":");
    const limits = colon > 0 ? spendLimitText(text.slice(colon + 1)) : undefined;
    if (!limits) return fail("usage.badLimit", `--partner-credit expects COMMUNE:CURRENCY=AMOUNT, such as PARTNER_ID:EUR=100, not ${JSON.stringify(text)}`);
    const partner = text.slice(0, colon);
    partnerCredit[partner] = { ...partnerCredit[partner], ...limits };
  }
  const added: Currency[] = [];
  for (const text of args.list("add-currency")) {
    const currency = currencySpec(text);
    if (!currency.ok) return currency;
    added.push(currency.value);
  }
  return {
    ok: true,
    value: {
      ...(quorumPercent !== undefined ? { quorumPercent } : {}),
      ...(thresholdPercent !== undefined ? { thresholdPercent } : {}),
      ...(args.flag("block") ? { allowBlock: true } : args.flag("no-block") ? { allowBlock: false } : {}),
      ...(spendLimit ? { spendLimit } : {}),
      ...(spendPeriod ? { spendPeriod } : {}),
      ...(confirmAbove ? { confirmAbove } : {}),
      ...(Object.keys(partnerCredit).length > 0 ? { partnerCredit } : {}),
      ...(admission ? { admission } : {}),
      ...(added.length ? { addCurrencies: added } : {}),
    },
  };
}

export const propose = defineVerb<"proposal.create">({
  verb: "propose",
  args: ["<spend|admit|remove|rule|general|reverse|consent|advice|poll|meeting>"],
  flags: PROPOSE_FLAGS,
  summary: "make a proposal for the commune to vote on",
  synopsis: "--title TEXT [options]",
  details: [
    "commune propose spend   --title T --amount A --currency C (--to MEMBER | --payee NAME)",
    "commune propose admit   --title T --member KEY --name NAME",
    "commune propose remove  --title T --member MEMBER",
    "commune propose rule    --title T [--quorum N] [--threshold N] [--block | --no-block] [--spend-limit C=A]... [--spend-period day|week|month|year] [--confirm-above C=A]... [--partner-credit COMMUNE:C=A]... [--admission direct|proposal] [--add-currency CODE:Name:DEC]...",
    "commune propose general --title T",
    "commune propose reverse --title T --entry ENTRY   (take back another member's payment; once passed, commune execute PROPOSAL records the void)",
    "commune propose consent --title T   (a general proposal that passes unless a member objects with a reason)",
    "commune propose advice  --title T   (a general proposal you decide after the deadline: commune decide PROPOSAL)",
    "commune propose poll    --title T --option A --option B [--option C]... [--dots N]",
    "commune propose meeting --title T --time 2026-12-10T18:00 --time 2026-12-11T18:00 [--time ...]",
    "Every kind also takes --body TEXT, --days N and --hide-votes; any kind --consent, a spend --advice.",
  ],
  scoped: true,
  writes: always,
  build(args) {
    const kind = oneOf(args.positionals[0], [...KINDS, ...PROCESS_KINDS], "the kind of proposal");
    if (!kind.ok) return kind;
    const named = kind.value!;
    const asProcess = (PROCESS_KINDS as readonly string[]).includes(named) ? (named as ProcessKind) : undefined;
    const k: Kind = asProcess ? "general" : (named as Kind);
    const allowed = [
      ...COMMON_FLAGS,
      ...(asProcess ? PROCESS_FLAGS[asProcess] : KIND_FLAGS[k]),
      ...(asProcess ? [] : (["consent", "advice"] as const).filter((flag) => PROCESS_FLAG_KINDS[flag].includes(k))),
    ];
    const stray = args.given().find((flag) => PROPOSE_FLAGS.some((spec) => spec.name === flag) && !allowed.includes(flag));
    if (stray) return fail("usage.strayFlag", `--${stray} does not apply to a ${named} proposal`);
    if (args.flag("consent") && args.flag("advice")) return fail("usage.conflictingFlags", "give only one of --consent and --advice", { field: "process" });
    const flagged = args.flag("consent") ? "consent" : args.flag("advice") ? "advice" : undefined;
    const process = asProcess ?? flagged;
    const parts = all(required(args, "title"), days(args), process ? processOf(args, process) : ok(undefined));
    if (!parts.ok) return parts;
    const [title, period, decidedBy] = parts.value;
    const body = args.value("body");
    const base = {
      title,
      deadline: { days: period ?? 7 },
      ...(body !== undefined ? { body } : {}),
      ...(args.flag("hide-votes") ? { hideVotes: true } : {}),
      ...(decidedBy ? { process: decidedBy } : {}),
    };
    switch (k) {
      case "spend": {
        const fields = all(required(args, "amount"), required(args, "currency"), exactlyOne(args, ["to", "payee"]));
        if (!fields.ok) return fields;
        const [amount, currency, who] = fields.value;
        const text = args.value(who)!;
        const input: ProposalInput = {
          ...base,
          kind: "spend",
          amount,
          currency: currencyCode(currency),
          payee: who === "to" ? { member: text } : { outside: text },
        };
        return planned("proposal.create", input, who === "to" ? [{ kind: "member", path: ["payee", "member"], text }] : []);
      }
      case "admit": {
        const fields = all(required(args, "member"), required(args, "name"));
        if (!fields.ok) return fields;
        const [member, name] = fields.value;
        return planned("proposal.create", { ...base, kind: "admit", member, name }, [{ kind: "member", path: ["member"], text: member }]);
      }
      case "remove": {
        const member = required(args, "member");
        if (!member.ok) return member;
        return planned("proposal.create", { ...base, kind: "remove", member: member.value }, [{ kind: "member", path: ["member"], text: member.value }]);
      }
      case "rule": {
        const change = ruleChange(args);
        if (!change.ok) return change;
        return planned("proposal.create", { ...base, kind: "rule", change: change.value });
      }
      case "general":
        return planned("proposal.create", { ...base, kind: "general" });
      case "reverse": {
        const entry = required(args, "entry");
        if (!entry.ok) return entry;
        // The payment's author comes with its id: the reference resolves both.
        return planned("proposal.create", { ...base, kind: "reverse", entry: entry.value, author: "0".repeat(64) }, [
          { kind: "payment", path: ["entry"], text: entry.value },
        ]);
      }
    }
  },
  print: ({ value }, { input }) =>
    `Proposed ${JSON.stringify(clean(String(input.title)))} (proposal ${shortId(value.id)}). Vote with: commune vote ${shortId(value.id)} yes`,
});

export const proposals = defineVerb<"proposal.list">({
  verb: "proposals",
  args: [],
  flags: [],
  summary: "every proposal with its votes and outcome",
  scoped: true,
  writes: never,
  needsCurrencies: true,
  build: () => planned("proposal.list", {}),
  print: ({ value }, { currencies }) => proposalsText(value, currencies),
});

const CHOICES = ["yes", "no", "abstain", "block", "consent", "object", "advice"] as const;

/** The words of a process as the vote they are: consenting is a yes, objecting a block, advice an abstain with its reason. */
const AS_CHOICE = { consent: "yes", object: "block", advice: "abstain" } as const;

/** "3,1,1": whole numbers 0 or more, as a vote's dots or (from 1) the times one can make; "" is none. */
function numbers(args: Args, name: string, from: number): Result<number[] | undefined> {
  const text = args.value(name);
  if (text === undefined) return ok(undefined);
  if (text.trim() === "") return ok([]);
  const parts = text.split(",").map((part) => part.trim());
  if (!parts.every((part) => /^[0-9]{1,6}$/.test(part) && Number(part) >= from))
    return fail(
      "usage.badNumbers",
      `--${name} expects whole numbers${from ? ` from ${from}` : ""} separated by commas, such as ${from ? "1,3" : "3,1,1"}, not ${JSON.stringify(text)}`,
    );
  return ok(parts.map(Number));
}

export const vote = defineVerb<"proposal.vote">({
  verb: "vote",
  args: ["<PROPOSAL>", "[yes|no|abstain|block|consent|object|advice]"],
  flags: [
    {
      name: "reason",
      kind: "value",
      value: "TEXT",
      help: "why you vote so, shown beside your vote (at most 1000 characters); an objection and advice need one",
    },
    { name: "pick", kind: "value", value: "N", help: "a poll: the option you choose, numbered from 1 as commune proposals lists them" },
    { name: "dots", kind: "value", value: "N,N,...", help: "a dot vote: the dots you give each option, in order" },
    { name: "times", kind: "value", value: "N,N,...", help: 'a meeting time poll: the times you can make, numbered from 1 ("" when none fits)' },
  ],
  summary: "vote on a proposal (id or a unique prefix of 4+ characters)",
  details: [
    'Example: commune vote 3f9a no --reason "we already have a mower"',
    'A consent process: commune vote 3f9a consent, or commune vote 3f9a object --reason "..."; consent later to withdraw an objection.',
    'An advice process: commune vote 3f9a advice --reason "..."',
    "A poll: commune vote 3f9a --pick 2; a dot vote: commune vote 3f9a --dots 3,1,1; a meeting: commune vote 3f9a --times 1,3",
  ],
  scoped: true,
  writes: always,
  build(args) {
    const [text, choiceText] = args.positionals as [string, string | undefined];
    const parts = all(oneOf(choiceText, CHOICES, "your vote"), wholeNumber(args, "pick"), numbers(args, "dots", 0), numbers(args, "times", 1));
    if (!parts.ok) return parts;
    const [said, pick, dots, times] = parts.value;
    const marks = [pick, dots, times].filter((mark) => mark !== undefined).length;
    if (marks > 1) return fail("usage.conflictingFlags", "give only one of --pick, --dots and --times");
    if (said === undefined && marks === 0)
      return fail("usage.noVote", "say how you vote: yes, no, abstain, block, consent, object or advice, or --pick, --dots or --times");
    if (said !== undefined && marks > 0) return fail("usage.conflictingFlags", `--pick, --dots and --times are a vote of their own: leave out "${said}"`);
    if (pick === 0) return fail("usage.badNumbers", "--pick counts options from 1");
    const choice: Choice = said === undefined ? "yes" : said === "consent" || said === "object" || said === "advice" ? AS_CHOICE[said] : said;
    const reason = args.value("reason");
    const input = {
      proposal: text,
      choice,
      ...(reason !== undefined ? { reason } : {}),
      ...(pick !== undefined ? { pick: pick - 1 } : {}),
      ...(dots !== undefined ? { dots } : {}),
      ...(times !== undefined ? { times: times.map((time) => time - 1) } : {}),
    };
    return planned("proposal.vote", input, [{ kind: "proposal", path: ["proposal"], text }]);
  },
  print: (_answer, { input }) => `${voteWords(input)} on proposal ${shortId(String(input.proposal))}.`,
});

/** "Voted yes", "Picked option 2", "Gave dots 3,1,1", "Marked times 1,3": what the vote said, as typed. */
function voteWords(input: Record<string, unknown>): string {
  const list = (value: unknown, from: number) => (Array.isArray(value) ? value.map((n) => Number(n) + from).join(",") : "");
  if (typeof input.pick === "number") return `Picked option ${input.pick + 1}`;
  if (Array.isArray(input.dots)) return `Gave dots ${list(input.dots, 0)}`;
  if (Array.isArray(input.times)) return input.times.length ? `Marked times ${list(input.times, 1)}` : "Marked that no time fits";
  return `Voted ${String(input.choice)}`;
}

export const decide = defineVerb<"proposal.decide">({
  verb: "decide",
  args: ["<PROPOSAL>"],
  flags: [
    { name: "passed", kind: "boolean", help: "the proposal passes" },
    { name: "rejected", kind: "boolean", help: "the proposal is rejected" },
    { name: "statement", kind: "value", value: "TEXT", help: "what you decided and why, in view of the advice (required)" },
  ],
  summary: "record your decision on your advice proposal, after its deadline",
  details: ['Example: commune decide 3f9a --passed --statement "Going ahead by the gate, as Bo advised"'],
  scoped: true,
  writes: always,
  build(args) {
    const text = args.positionals[0]!;
    if (args.flag("passed") === args.flag("rejected"))
      return fail("usage.noDecision", "say what you decide: --passed or --rejected (one of them)", { field: "outcome" });
    const statement = required(args, "statement");
    if (!statement.ok) return statement;
    return planned("proposal.decide", { proposal: text, outcome: args.flag("passed") ? "passed" : "rejected", statement: statement.value }, [
      { kind: "proposal", path: ["proposal"], text },
    ]);
  },
  print: (_answer, { input }) => `Decided: proposal ${shortId(String(input.proposal))} ${String(input.outcome)}.`,
});

export const execute = defineVerb<"proposal.execute">({
  verb: "execute",
  args: ["<PROPOSAL>"],
  flags: [],
  summary: "pay out a passed spend proposal, record the void a passed reverse proposal calls for, or grant or end a passed partnership",
  scoped: true,
  writes: always,
  build: (args) => planned("proposal.execute", { proposal: args.positionals[0]! }, [{ kind: "proposal", path: ["proposal"], text: args.positionals[0]! }]),
  print: ({ value }, { input }) =>
    // A partnership proposal answers with its own id: what it did is a grant or an end, shown by partner list.
    value.id === input.proposal
      ? `Executed proposal ${shortId(String(input.proposal))}: see commune partner list.`
      : `Executed proposal ${shortId(String(input.proposal))}: recorded entry ${shortId(value.id)}.`,
});

/** "EUR=100" as one currency's amount, or undefined when it is not that. */
function spendLimitText(text: string): Record<string, string> | undefined {
  const equals = text.indexOf("=");
  const code = equals > 0 ? currencyCode(text.slice(0, equals)) : "";
  return code === "" || equals === text.length - 1 ? undefined : { [code]: text.slice(equals + 1) };
}
