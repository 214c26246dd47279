import type { FlagSpec } from "./args";
import { clean, shortId } from "./text";
import { all, always, currencyCode, defineVerb, exactlyOne, never, oneOf, planned, required, wholeNumber, type Reference } from "./verb";
import { balancesText, ledgerText } from "./views-text";
import { ENTRY_KINDS } from "../shared/purse/entry";
import { fail, ok, type Result } from "../shared/result";

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
const corrects: FlagSpec = {
  name: "corrects",
  kind: "value",
  value: "ENTRY",
  help: "replace one of your entries (id or prefix): it is voided first, with --reason as the void's note",
};
const reason: FlagSpec = { name: "reason", kind: "value", value: "TEXT", help: "why the entry is voided or corrected (kept in the ledger)" };
const CORRECTS_SYNOPSIS = "[--corrects ENTRY --reason TEXT]";

/** `--corrects ENTRY --reason TEXT`, or neither: the reason is what the ledger shows beside the void, so it is asked for. */
function correctingOf(args: {
  value(name: string): string | undefined;
}): Result<{ fields: { correcting?: { entry: string; reason: string } }; refs: Reference[] }> {
  const entry = args.value("corrects");
  const why = args.value("reason");
  if (entry === undefined)
    return why === undefined
      ? ok({ fields: {}, refs: [] })
      : fail("usage.missingFlag", "--reason goes with --corrects ENTRY (or use: commune void ENTRY --reason TEXT)");
  if (why === undefined || why.trim() === "")
    return fail("usage.missingFlag", '--corrects needs --reason TEXT: the ledger shows why the entry was replaced ("typed 5000 for 50")');
  return ok({ fields: { correcting: { entry, reason: why } }, refs: [{ kind: "entry", path: ["correcting", "entry"], text: entry }] });
}
const recorded = (what: string, input: Record<string, unknown>, id: string) =>
  `Recorded: ${what} of ${clean(String(input.amount))} ${clean(String(input.currency))} (entry ${shortId(id)}).`;

const memoOf = (value: string | undefined) => (value === undefined ? {} : { memo: value });
const proposalRef = (text: string | undefined): Reference[] => (text === undefined ? [] : [{ kind: "proposal", path: ["proposal"], text }]);

export const contribute = defineVerb<"purse.contribute">({
  verb: "contribute",
  args: AMOUNT_ARGS,
  flags: [memo, yes, corrects, reason],
  summary: "put money or hours into the common purse",
  details: ['Example: commune contribute 12.50 EUR --memo "market stall"'],
  scoped: true,
  writes: always,
  build(args) {
    const correcting = correctingOf(args);
    if (!correcting.ok) return correcting;
    return planned(
      "purse.contribute",
      {
        amount: args.positionals[0]!,
        currency: currencyCode(args.positionals[1]!),
        ...memoOf(args.value("memo")),
        ...confirmedOf(args),
        ...correcting.value.fields,
      },
      correcting.value.refs,
    );
  },
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
    corrects,
    reason,
  ],
  summary: "pay from the purse (above the spend limit, cite a passed proposal)",
  synopsis: `(--to MEMBER | --payee NAME) [--proposal PROPOSAL] [--memo TEXT] ${CORRECTS_SYNOPSIS}`,
  details: ["Give exactly one of --to and --payee."],
  scoped: true,
  writes: always,
  build(args) {
    const who = exactlyOne(args, ["to", "payee"]);
    if (!who.ok) return who;
    const text = args.value(who.value)!;
    const toMember = who.value === "to";
    const id = args.value("proposal");
    const correcting = correctingOf(args);
    if (!correcting.ok) return correcting;
    return planned(
      "purse.disburse",
      {
        amount: args.positionals[0]!,
        currency: currencyCode(args.positionals[1]!),
        payee: toMember ? { member: text } : { outside: text },
        ...memoOf(args.value("memo")),
        ...(id !== undefined ? { proposal: id } : {}),
        ...confirmedOf(args),
        ...correcting.value.fields,
      },
      [...(toMember ? [{ kind: "member" as const, path: ["payee", "member"], text }] : []), ...proposalRef(id), ...correcting.value.refs],
    );
  },
  print: ({ value }, { input }) => recorded("disbursement", input, value.id),
});

export const transfer = defineVerb<"purse.transfer">({
  verb: "transfer",
  args: AMOUNT_ARGS,
  flags: [{ name: "to", kind: "value", value: "MEMBER", help: "the member who receives it (name, key or key prefix)" }, memo, yes, corrects, reason],
  summary: "move some of your standing to another member",
  synopsis: `--to MEMBER [--memo TEXT] ${CORRECTS_SYNOPSIS}`,
  details: ['Correct a mistake: commune transfer 50 EUR --to Bo --corrects 3f2a91bc --reason "typed 5000 for 50"'],
  scoped: true,
  writes: always,
  build(args) {
    const to = required(args, "to");
    if (!to.ok) return to;
    const correcting = correctingOf(args);
    if (!correcting.ok) return correcting;
    return planned(
      "purse.transfer",
      {
        amount: args.positionals[0]!,
        currency: currencyCode(args.positionals[1]!),
        to: to.value,
        ...memoOf(args.value("memo")),
        ...confirmedOf(args),
        ...correcting.value.fields,
      },
      [{ kind: "member", path: ["to"], text: to.value }, ...correcting.value.refs],
    );
  },
  print: ({ value }, { input }) => recorded("transfer", input, value.id),
});

export const exchange = defineVerb<"purse.exchange">({
  verb: "exchange",
  args: AMOUNT_ARGS,
  flags: [
    {
      name: "partner",
      kind: "value",
      value: "COMMUNE",
      help: "the partner commune's id (out only: what a partner gives is accepted, with commune exchange accept); a name for a trade outside the app",
    },
    { name: "direction", kind: "value", value: "in|out", help: "in: the partner gives to us; out: we give to the partner" },
    proposal,
    memo,
    yes,
    corrects,
    reason,
  ],
  summary: "record an exchange with a partner commune",
  details: [
    "Example: commune exchange 30 EUR --partner 0123456789abcdef0123456789abcdef --direction out",
    "Out to a partner commune's id, it carries an offer id the partner accepts (commune exchange accept) or declines.",
  ],
  synopsis: `--partner COMMUNE --direction in|out [--proposal PROPOSAL] [--memo TEXT] ${CORRECTS_SYNOPSIS}`,
  scoped: true,
  writes: always,
  build(args) {
    const parts = all(required(args, "partner"), required(args, "direction"));
    if (!parts.ok) return parts;
    const direction = oneOf(parts.value[1], ["in", "out"] as const, "--direction");
    if (!direction.ok) return direction;
    const id = args.value("proposal");
    const correcting = correctingOf(args);
    if (!correcting.ok) return correcting;
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
        ...correcting.value.fields,
      },
      [...proposalRef(id), ...correcting.value.refs],
    );
  },
  print: ({ value }, { input }) => recorded(`exchange ${input.direction === "in" ? "from" : "to"} ${clean(String(input.partner))}`, input, value.id),
});

export const voidEntry = defineVerb<"purse.void">({
  verb: "void",
  args: ["<ENTRY>"],
  flags: [reason],
  summary: "take back one of your own entries with a signed void (nothing is deleted)",
  synopsis: "--reason TEXT",
  details: [
    'Example: commune void 3f2a91bc --reason "counted twice"',
    "ENTRY is the id (or its first characters) of an entry of yours that counts; commune ledger lists ids.",
    "To replace it with the right amount in one step, write the entry again with --corrects ENTRY --reason TEXT.",
  ],
  scoped: true,
  writes: always,
  build(args) {
    const why = required(args, "reason");
    if (!why.ok) return why;
    const entry = args.positionals[0]!;
    return planned("purse.void", { entry, reason: why.value }, [{ kind: "entry", path: ["entry"], text: entry }]);
  },
  print: ({ value }, { input }) => `Voided: your entry ${shortId(String(input.entry))} no longer counts (void ${shortId(value.id)}).`,
});

export const ledger = defineVerb<"purse.ledger">({
  verb: "ledger",
  args: [],
  flags: [
    { name: "limit", kind: "value", value: "N", help: "entries per page (default 50, at most 1000)" },
    { name: "offset", kind: "value", value: "N", help: "skip this many entries" },
    { name: "member", kind: "value", value: "MEMBER", help: "only entries by or to this member" },
    { name: "kind", kind: "value", value: "KIND", help: "contribution, disbursement, transfer, exchange or void" },
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
      oneOf(args.value("kind"), ENTRY_KINDS, "--kind"),
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
