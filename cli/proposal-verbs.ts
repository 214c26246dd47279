import type { CommandInput } from "../shared/commands/commands";
import { SPEND_PERIODS } from "../shared/commune/spend-period";
import type { Currency } from "../shared/money/currency";
import { fail, type Result } from "../shared/result";
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

/** Which flags each kind of proposal takes, beyond --title, --body and --days. */
const KIND_FLAGS: Record<Kind, string[]> = {
  spend: ["amount", "currency", "to", "payee"],
  admit: ["member", "name"],
  remove: ["member"],
  rule: ["quorum", "threshold", "block", "no-block", "spend-limit", "spend-period", "confirm-above", "admission", "add-currency"],
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
      ...(admission ? { admission } : {}),
      ...(added.length ? { addCurrencies: added } : {}),
    },
  };
}

export const propose = defineVerb<"proposal.create">({
  verb: "propose",
  args: ["<spend|admit|remove|rule|general|reverse>"],
  flags: PROPOSE_FLAGS,
  summary: "make a proposal for the commune to vote on",
  synopsis: "--title TEXT [options]",
  details: [
    "commune propose spend   --title T --amount A --currency C (--to MEMBER | --payee NAME)",
    "commune propose admit   --title T --member KEY --name NAME",
    "commune propose remove  --title T --member MEMBER",
    "commune propose rule    --title T [--quorum N] [--threshold N] [--block | --no-block] [--spend-limit C=A]... [--spend-period day|week|month|year] [--confirm-above C=A]... [--admission direct|proposal] [--add-currency CODE:Name:DEC]...",
    "commune propose general --title T",
    "commune propose reverse --title T --entry ENTRY   (take back another member's payment; once passed, commune execute PROPOSAL records the void)",
    "Every kind also takes --body TEXT, --days N and --hide-votes.",
  ],
  scoped: true,
  writes: always,
  build(args) {
    const kind = oneOf(args.positionals[0], KINDS, "the kind of proposal");
    if (!kind.ok) return kind;
    const k = kind.value!;
    const stray = args
      .given()
      .find((flag) => PROPOSE_FLAGS.some((spec) => spec.name === flag) && !["title", "body", "days", "hide-votes", ...KIND_FLAGS[k]].includes(flag));
    if (stray) return fail("usage.strayFlag", `--${stray} does not apply to a ${k} proposal`);
    const parts = all(required(args, "title"), days(args));
    if (!parts.ok) return parts;
    const [title, period] = parts.value;
    const body = args.value("body");
    const base = { title, deadline: { days: period ?? 7 }, ...(body !== undefined ? { body } : {}), ...(args.flag("hide-votes") ? { hideVotes: true } : {}) };
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

const CHOICES = ["yes", "no", "abstain", "block"] as const;

export const vote = defineVerb<"proposal.vote">({
  verb: "vote",
  args: ["<PROPOSAL>", "<yes|no|abstain|block>"],
  flags: [{ name: "reason", kind: "value", value: "TEXT", help: "why you vote so, shown beside your vote (at most 1000 characters)" }],
  summary: "vote on a proposal (id or a unique prefix of 4+ characters)",
  details: ['Example: commune vote 3f9a no --reason "we already have a mower"'],
  scoped: true,
  writes: always,
  build(args) {
    const [text, choiceText] = args.positionals as [string, string];
    const choice = oneOf(choiceText, CHOICES, "your vote");
    if (!choice.ok) return choice;
    const reason = args.value("reason");
    return planned("proposal.vote", { proposal: text, choice: choice.value!, ...(reason !== undefined ? { reason } : {}) }, [
      { kind: "proposal", path: ["proposal"], text },
    ]);
  },
  print: (_answer, { input }) => `Voted ${String(input.choice)} on proposal ${shortId(String(input.proposal))}.`,
});

export const execute = defineVerb<"proposal.execute">({
  verb: "execute",
  args: ["<PROPOSAL>"],
  flags: [],
  summary: "pay out a passed spend proposal, or record the void a passed reverse proposal calls for",
  scoped: true,
  writes: always,
  build: (args) => planned("proposal.execute", { proposal: args.positionals[0]! }, [{ kind: "proposal", path: ["proposal"], text: args.positionals[0]! }]),
  print: ({ value }, { input }) => `Executed proposal ${shortId(String(input.proposal))}: recorded entry ${shortId(value.id)}.`,
});
