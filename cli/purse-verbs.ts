import type { FlagSpec } from "./args";
import { clean, shortId } from "./text";
import { all, always, currencyCode, defineVerb, exactlyOne, never, oneOf, planned, required, wholeNumber, type Reference } from "./verb";
import { balancesText, ledgerText } from "./views-text";

/** Verbs about the common purse. Amounts go to the host as typed: it parses them with the currency's rules. */

const memo: FlagSpec = { name: "memo", kind: "value", value: "TEXT", help: "a note for the ledger" };
const proposal: FlagSpec = { name: "proposal", kind: "value", value: "PROPOSAL", help: "the passed spend proposal that allows it (id or prefix)" };
const AMOUNT_ARGS = ["<AMOUNT>", "<CURRENCY>"];
const yes: FlagSpec = {
  name: "yes",
  kind: "boolean",
  help: "record it even if it is unusual (far above your usual amount, or taking your standing below zero)",
};
const confirmedOf = (args: { flag(name: string): boolean }) => (args.flag("yes") ? { confirmed: true } : {});
const recorded = (what: string, input: Record<string, unknown>, id: string) =>
  `Recorded: ${what} of ${clean(String(input.amount))} ${clean(String(input.currency))} (entry ${shortId(id)}).`;

const memoOf = (value: string | undefined) => (value === undefined ? {} : { memo: value });
const proposalRef = (text: string | undefined): Reference[] => (text === undefined ? [] : [{ kind: "proposal", path: ["proposal"], text }]);

export const contribute = defineVerb<"purse.contribute">({
  verb: "contribute",
  args: AMOUNT_ARGS,
  flags: [memo, yes],
  summary: "put money or hours into the common purse",
  details: ['Example: commune contribute 12.50 EUR --memo "market stall"'],
  scoped: true,
  writes: always,
  build: (args) =>
    planned("purse.contribute", {
      amount: args.positionals[0]!,
      currency: currencyCode(args.positionals[1]!),
      ...memoOf(args.value("memo")),
      ...confirmedOf(args),
    }),
  print: ({ value }, { input }) => recorded("contribution", input, value.id),
});

export const disburse = defineVerb<"purse.disburse">({
  verb: "disburse",
  args: AMOUNT_ARGS,
  flags: [
    { name: "to", kind: "value", value: "MEMBER", help: "pay a member (name, key or key prefix)" },
    { name: "payee", kind: "value", value: "NAME", help: "pay someone outside the commune" },
    proposal,
    memo,
    yes,
  ],
  summary: "pay from the purse (above the spend limit, cite a passed proposal)",
  synopsis: "(--to MEMBER | --payee NAME) [--proposal PROPOSAL] [--memo TEXT]",
  details: ["Give exactly one of --to and --payee."],
  scoped: true,
  writes: always,
  build(args) {
    const who = exactlyOne(args, ["to", "payee"]);
    if (!who.ok) return who;
    const text = args.value(who.value)!;
    const toMember = who.value === "to";
    const id = args.value("proposal");
    return planned(
      "purse.disburse",
      {
        amount: args.positionals[0]!,
        currency: currencyCode(args.positionals[1]!),
        payee: toMember ? { member: text } : { outside: text },
        ...memoOf(args.value("memo")),
        ...(id !== undefined ? { proposal: id } : {}),
        ...confirmedOf(args),
      },
      [...(toMember ? [{ kind: "member" as const, path: ["payee", "member"], text }] : []), ...proposalRef(id)],
    );
  },
  print: ({ value }, { input }) => recorded("disbursement", input, value.id),
});

export const transfer = defineVerb<"purse.transfer">({
  verb: "transfer",
  args: AMOUNT_ARGS,
  flags: [{ name: "to", kind: "value", value: "MEMBER", help: "the member who receives it (name, key or key prefix)" }, memo, yes],
  summary: "move some of your standing to another member",
  synopsis: "--to MEMBER [--memo TEXT]",
  scoped: true,
  writes: always,
  build(args) {
    const to = required(args, "to");
    if (!to.ok) return to;
    return planned(
      "purse.transfer",
      { amount: args.positionals[0]!, currency: currencyCode(args.positionals[1]!), to: to.value, ...memoOf(args.value("memo")), ...confirmedOf(args) },
      [{ kind: "member", path: ["to"], text: to.value }],
    );
  },
  print: ({ value }, { input }) => recorded("transfer", input, value.id),
});

export const exchange = defineVerb<"purse.exchange">({
  verb: "exchange",
  args: AMOUNT_ARGS,
  flags: [
    { name: "partner", kind: "value", value: "NAME", help: "the partner commune" },
    { name: "direction", kind: "value", value: "in|out", help: "in: the partner gives to us; out: we give to the partner" },
    proposal,
    memo,
    yes,
  ],
  summary: "record an exchange with a partner commune",
  synopsis: "--partner NAME --direction in|out [--proposal PROPOSAL] [--memo TEXT]",
  scoped: true,
  writes: always,
  build(args) {
    const parts = all(required(args, "partner"), required(args, "direction"));
    if (!parts.ok) return parts;
    const direction = oneOf(parts.value[1], ["in", "out"] as const, "--direction");
    if (!direction.ok) return direction;
    const id = args.value("proposal");
    return planned(
      "purse.exchange",
      {
        amount: args.positionals[0]!,
        currency: currencyCode(args.positionals[1]!),
        partner: parts.value[0],
        direction: direction.value!,
        ...memoOf(args.value("memo")),
        ...(id !== undefined ? { proposal: id } : {}),
        ...confirmedOf(args),
      },
      proposalRef(id),
    );
  },
  print: ({ value }, { input }) => recorded(`exchange ${input.direction === "in" ? "from" : "to"} ${clean(String(input.partner))}`, input, value.id),
});

export const ledger = defineVerb<"purse.ledger">({
  verb: "ledger",
  args: [],
  flags: [
    { name: "limit", kind: "value", value: "N", help: "entries per page (default 50, at most 1000)" },
    { name: "offset", kind: "value", value: "N", help: "skip this many entries" },
    { name: "member", kind: "value", value: "MEMBER", help: "only entries by or to this member" },
    { name: "kind", kind: "value", value: "KIND", help: "contribution, disbursement, transfer or exchange" },
    { name: "currency", kind: "value", value: "CODE", help: "only this currency" },
    { name: "status", kind: "value", value: "STATUS", help: "counted, overdrawn or untrusted" },
    { name: "oldest-first", kind: "boolean", help: "oldest entries first (default: newest first)" },
  ],
  summary: "the purse's entries, newest first",
  scoped: true,
  writes: never,
  needsCurrencies: true,
  build(args) {
    const parts = all(
      wholeNumber(args, "limit"),
      wholeNumber(args, "offset"),
      oneOf(args.value("kind"), ["contribution", "disbursement", "transfer", "exchange"] as const, "--kind"),
      oneOf(args.value("status"), ["counted", "overdrawn", "untrusted"] as const, "--status"),
    );
    if (!parts.ok) return parts;
    const [limit, offset, kind, status] = parts.value;
    const member = args.value("member");
    const currency = args.value("currency");
    return planned(
      "purse.ledger",
      {
        ...(limit !== undefined ? { limit } : {}),
        ...(offset !== undefined ? { offset } : {}),
        ...(member !== undefined ? { member } : {}),
        ...(kind ? { kind } : {}),
        ...(currency !== undefined ? { currency: currencyCode(currency) } : {}),
        ...(status ? { status } : {}),
        ...(args.flag("oldest-first") ? { newestFirst: false } : {}),
      },
      member !== undefined ? [{ kind: "member", path: ["member"], text: member }] : [],
    );
  },
  print: ({ value }, { currencies, input }) => ledgerText(value, currencies, input.newestFirst !== false),
});

export const balances = defineVerb<"commune.show">({
  verb: "balances",
  args: [],
  flags: [],
  summary: "the purse per currency and each member's standing",
  scoped: true,
  writes: never,
  build: () => planned("commune.show", {}),
  json: ({ value }) => value.balances,
  print: ({ value }) => balancesText(value.balances, value.me),
});
