import { resolve } from "node:path";
import { fail } from "../shared/result";
import { clean, formatTime, money, plural, table } from "./text";
import { always, defineVerb, never, oneOf, planned } from "./verb";

/** Verbs that take the purse away as a file, and check a file someone hands over. */

/** A path as the member typed it, from where they typed it (npm run moves to the package folder and leaves INIT_CWD). */
const fromWhereTyped = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

/** "2026-03-31" is the end of that day (UTC), so the snapshot holds everything dated on it. */
function endOfDay(text: string | undefined) {
  if (text === undefined) return { ok: true as const, value: undefined };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    return fail("usage.badDate", `--as-of expects a date such as 2026-03-31, not ${JSON.stringify(text)}`, { field: "asOf" });
  }
  return { ok: true as const, value: Date.parse(`${text}T23:59:59.999Z`) };
}

export const exportVerb = defineVerb<"snapshot.export">({
  verb: "export",
  args: [],
  flags: [
    {
      name: "format",
      kind: "value",
      value: "json|csv|journal|automerge",
      help: "signed JSON snapshot, CSV for spreadsheets, a journal hledger and ledger read, or an Automerge backup of every document",
    },
    {
      name: "as-of",
      kind: "value",
      value: "DATE",
      help: "only entries up to the end of this day (UTC), e.g. 2026-03-31 (not for automerge: a backup holds everything)",
    },
    { name: "out", kind: "value", value: "FILE", help: "write to this file (else to standard output; automerge needs a file)" },
  ],
  summary: "take the purse away as a file: signed JSON, CSV, an accounting journal, or a full Automerge backup",
  synopsis: "--format json|csv|journal|automerge [--as-of DATE] [--out FILE]",
  details: [
    "Example: commune export --format journal --out purse.journal && hledger -f purse.journal balance",
    "Example: commune export --format automerge --out riverside.commune  (restore with: commune import riverside.commune)",
  ],
  scoped: true,
  writes: never,
  build(args) {
    const format = oneOf(args.value("format"), ["json", "csv", "journal", "automerge"] as const, "--format");
    if (!format.ok) return format;
    if (format.value === undefined) return fail("usage.missingFlag", "say which --format: json, csv, journal or automerge", { field: "format" });
    const asOf = endOfDay(args.value("as-of"));
    if (!asOf.ok) return asOf;
    const out = args.value("out");
    if (format.value === "automerge" && out === undefined)
      return fail("usage.missingFlag", "an Automerge backup is binary: say where to write it with --out FILE", { field: "out" });
    if (format.value === "automerge" && asOf.value !== undefined)
      return fail("usage.conflictingFlags", "--as-of applies to json, csv and journal: an Automerge backup holds the whole history", { field: "asOf" });
    return planned("snapshot.export", {
      format: format.value,
      ...(asOf.value !== undefined ? { asOf: asOf.value } : {}),
      ...(out !== undefined ? { out: fromWhereTyped(out) } : {}),
    });
  },
  json: ({ value }) => (value.out ? { format: value.format, entries: value.entries, asOf: value.asOf, out: value.out } : value),
  print: ({ value }) =>
    value.out
      ? value.format === "automerge"
        ? `Wrote a backup of every document, with ${plural(value.entries, "entry", "entries")}, to ${value.out} (automerge).`
        : `Wrote ${plural(value.entries, "entry", "entries")} as of ${formatTime(value.asOf)} to ${value.out} (${value.format}).`
      : value.content.replace(/\n$/, ""),
});

export const verifyVerb = defineVerb<"snapshot.verify">({
  verb: "verify",
  args: ["<FILE>"],
  flags: [],
  summary: "check a purse snapshot or backup file: every signature and the balances, before showing anything",
  details: ["FILE is a JSON snapshot or an Automerge backup (commune export --format json or automerge)."],
  scoped: false,
  writes: never,
  build: (args) => planned("snapshot.verify", { path: fromWhereTyped(args.positionals[0]!) }),
  print: ({ value }) =>
    [
      value.format === "automerge"
        ? `Verified: an Automerge backup of ${clean(value.name)} exported by ${clean(value.exporter)} on ${formatTime(value.createdAt)}, with ${plural(value.entries, "entry", "entries")}.`
        : `Verified: a snapshot of ${clean(value.name)} exported by ${clean(value.exporter)} on ${formatTime(value.createdAt)}, as of ${formatTime(value.asOf)}, with ${plural(value.entries, "entry", "entries")}.`,
      table(
        ["CURRENCY", "PURSE"],
        value.currencies.map((currency) => [currency.code, money(value.purse[currency.code] ?? 0, currency.code, value.currencies)]),
        [1],
      ),
    ].join("\n"),
});

export const importVerb = defineVerb<"snapshot.import">({
  verb: "import",
  args: ["<FILE>"],
  flags: [],
  summary: "merge an Automerge backup into your copy of its commune (recovery); it is verified first",
  details: ["FILE is a backup made with: commune export --format automerge --out FILE. Only a commune you belong to on this machine takes it."],
  scoped: false,
  writes: always,
  wroteTo: ({ value }) => value.commune,
  build: (args) => planned("snapshot.import", { path: fromWhereTyped(args.positionals[0]!) }),
  print: ({ value }) =>
    value.updated + value.added === 0
      ? `Nothing new: your copy of ${clean(value.name)} already had everything in the backup ${clean(value.exporter)} exported on ${formatTime(value.createdAt)} (${plural(value.entriesAfter, "entry", "entries")}).`
      : `Imported the backup of ${clean(value.name)} that ${clean(value.exporter)} exported on ${formatTime(value.createdAt)}: ${plural(value.updated, "document", "documents")} updated, ${value.added} added; the purse now has ${plural(value.entriesAfter, "entry", "entries")} (was ${value.entriesBefore}).`,
});
