import { fail, ok, type Result } from "../shared/result";
import type { PartnerAccountView } from "../shared/commands/views";
import { partnerSideInput } from "../shared/commands/commands";
import { clean, shortId } from "./text";
import { always, defineVerb, never, planned } from "./verb";

/**
 * Verbs for exchanges between communes (issue 14): answering a partner's
 * exchange, and the account with a partner. A partner's record is given as
 * the JSON its shared document carries (`commune partner account --json`
 * on the partner's side prints its `records`), so nothing is retyped.
 */

/** A record or object given as JSON text, or why it cannot be read. */
function jsonArgument(text: string, what: string): Result<unknown> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return fail("usage.badValue", `${what} must be JSON, as the partner's shared document carries it (commune partner account --json prints ours)`);
  }
}

export const exchangeAccept = defineVerb<"exchange.accept">({
  verb: "exchange accept",
  args: ["<RECORD>"],
  flags: [{ name: "memo", kind: "value", value: "TEXT", help: "a note for the ledger" }],
  summary: "accept a partner commune's exchange into our purse, with our own entry citing theirs",
  details: ["RECORD: the partner's signed exchange out, as JSON."],
  scoped: true,
  writes: always,
  build(args) {
    const record = jsonArgument(args.positionals[0]!, "RECORD");
    if (!record.ok) return record;
    const memo = args.value("memo");
    return planned("exchange.accept", { exchange: record.value, ...(memo === undefined ? {} : { memo }) });
  },
  print: ({ value }) => `Accepted: the partner's exchange is in our purse (entry ${shortId(value.id)}).`,
});

export const exchangeDecline = defineVerb<"exchange.decline">({
  verb: "exchange decline",
  args: ["<RECORD>"],
  flags: [{ name: "reason", kind: "value", value: "TEXT", help: "why, for the partner to read" }],
  summary: "decline a partner commune's exchange with a signed decline (nothing moves in our purse)",
  details: ["RECORD: the partner's signed exchange out, as JSON."],
  scoped: true,
  writes: always,
  build(args) {
    const record = jsonArgument(args.positionals[0]!, "RECORD");
    if (!record.ok) return record;
    const reason = args.value("reason");
    return planned("exchange.decline", { exchange: record.value, ...(reason === undefined ? {} : { reason }) });
  },
  print: ({ value }) => `Declined: the partner's exchange under offer ${clean(value.id)} counts for nothing.`,
});

export const partnerAccount = defineVerb<"partner.account">({
  verb: "partner account",
  args: ["<PARTNER>"],
  flags: [
    { name: "name", kind: "value", value: "NAME", help: "the partner's name, when this commune does not list it" },
    {
      name: "theirs",
      kind: "value",
      value: "JSON",
      help: 'the partner\'s records, rosters and roster anchors: {"records": [...], "rosters": [...], "anchors": ["KEY"]}',
    },
  ],
  summary: "the account with a partner commune: what is owed either way, each exchange, and what does not match",
  details: ["PARTNER: the partner commune's id.", "Without --theirs only our side can be shown: nothing of the partner's can be checked."],
  scoped: true,
  writes: never,
  build(args) {
    const text = args.value("theirs");
    const json = text === undefined ? ok(undefined) : jsonArgument(text, "--theirs");
    if (!json.ok) return json;
    const theirs = json.value === undefined ? undefined : partnerSideInput.safeParse(json.value);
    if (theirs && !theirs.success)
      return fail("usage.badValue", '--theirs must be {"records": [...], "rosters": [...], "anchors": ["KEY", ...]} with at least one anchor key');
    const name = args.value("name");
    return planned("partner.account", {
      partner: args.positionals[0]!,
      ...(name === undefined ? {} : { name }),
      ...(theirs ? { theirs: theirs.data } : {}),
    });
  },
  print: ({ value }) => partnerAccountText(value),
});

export function partnerAccountText(account: PartnerAccountView): string {
  const lines = [clean(account.words)];
  if (!account.checked) lines.push(`(${clean(account.name)}'s records were not given or its roster could not be read: only our side is shown.)`);
  if (account.exchanges.length > 0) lines.push("", "Exchanges:", ...account.exchanges.map((exchange) => `  ${clean(exchange.words)}`));
  if (account.mismatches.length > 0) lines.push("", "Not matching:", ...account.mismatches.map((line) => `  ${clean(line)}`));
  return lines.join("\n");
}
