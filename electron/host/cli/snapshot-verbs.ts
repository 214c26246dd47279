import { resolve } from "node:path";
import { fail } from "../../../shared/result";
import { clean, formatTime, money, plural, table } from "./text";
import { defineVerb, never, oneOf, planned } from "./verb";

/** Verbs that take the purse away as a file, and check a file someone hands over. */

/** A path as the member typed it, from where they typed it (npm run moves to the package folder and leaves INIT_CWD). */
const fromWhereTyped = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

/** "2026-03-31" is the end of that day (UTC), so the snapshot holds everything dated on it. */
function endOfDay(text: string | undefined) {
  if (text === undefined) return { ok: true as const, value: undefined };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    return fail(`--as-of expects a date such as 2026-03-31, not ${JSON.stringify(text)}`);
  }
  return { ok: true as const, value: Date.parse(`${text}T23:59:59.999Z`) };
}

export const exportVerb = defineVerb<"snapshot.export">({
  verb: "export",
  args: [],
  flags: [
    { name: "format", kind: "value", value: "json|csv|journal", help: "signed JSON snapshot, CSV for spreadsheets, or a journal hledger and ledger read" },
    { name: "as-of", kind: "value", value: "DATE", help: "only entries up to the end of this day (UTC), e.g. 2026-03-31" },
    { name: "out", kind: "value", value: "FILE", help: "write to this file (else to standard output)" },
  ],
  summary: "take the purse away as a file: signed JSON, CSV or an accounting journal",
  synopsis: "--format json|csv|journal [--as-of DATE] [--out FILE]",
  details: ["Example: commune export --format journal --out purse.journal && hledger -f purse.journal balance"],
  scoped: true,
  writes: never,
  build(args) {
    const format = oneOf(args.value("format"), ["json", "csv", "journal"] as const, "--format");
    if (!format.ok) return format;
    if (format.value === undefined) return fail("say which --format: json, csv or journal");
    const asOf = endOfDay(args.value("as-of"));
    if (!asOf.ok) return asOf;
    const out = args.value("out");
    return planned("snapshot.export", {
      format: format.value,
      ...(asOf.value !== undefined ? { asOf: asOf.value } : {}),
      ...(out !== undefined ? { out: fromWhereTyped(out) } : {}),
    });
  },
  json: ({ value }) => (value.out ? { format: value.format, entries: value.entries, asOf: value.asOf, out: value.out } : value),
  print: ({ value }) =>
    value.out ? `Wrote ${plural(value.entries, "entry", "entries")} as of ${formatTime(value.asOf)} to ${value.out} (${value.format}).` : value.content.replace(/\n$/, ""),
});

export const verifyVerb = defineVerb<"snapshot.verify">({
  verb: "verify",
  args: ["<FILE>"],
  flags: [],
  summary: "check a purse snapshot file: every signature and the balances, before showing anything",
  scoped: false,
  writes: never,
  build: (args) => planned("snapshot.verify", { path: fromWhereTyped(args.positionals[0]!) }),
  print: ({ value }) =>
    [
      `Verified: a snapshot of ${clean(value.name)} exported by ${clean(value.exporter)} on ${formatTime(value.createdAt)}, as of ${formatTime(value.asOf)}, with ${plural(value.entries, "entry", "entries")}.`,
      table(
        ["CURRENCY", "PURSE"],
        value.currencies.map((currency) => [currency.code, money(value.purse[currency.code] ?? 0, currency.code, value.currencies)]),
        [1],
      ),
    ].join("\n"),
});
