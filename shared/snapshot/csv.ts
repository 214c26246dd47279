import type { CommuneState } from "../commune/state";
import { formatAmount } from "../money/amount";
import type { Currency } from "../money/currency";
import type { EntryView } from "../purse/balances";
import { partiesOf, partyNames, type Party } from "./party-names";

/**
 * The purse as CSV for a spreadsheet: one row per entry, in the canonical
 * order, whatever its status.
 *
 * - RFC 4180: CRLF between records (and after the last), a field holding a
 *   comma, quote, CR or LF is quoted, quotes inside are doubled.
 * - UTF-8 without a byte-order mark: RFC 4180 tools, scripts and Unix tools
 *   read it as is; a BOM would show as junk in the first header for them.
 *   (Excel on Windows guesses the encoding without one; a member who opens
 *   the file there imports it as UTF-8.)
 * - Formula injection: a spreadsheet runs a cell beginning with = + - @ (and
 *   tab or CR, which some strip before looking) as a formula, so a memo such
 *   as `=HYPERLINK(...)` from another member could run in the treasurer's
 *   spreadsheet. Every text field beginning so gets a leading `'`, which
 *   spreadsheets show as text and people read past. Amounts are never
 *   negative (the kind says which way money went), so they stay numbers.
 */

/** `voids` and `corrects` come last, so a sheet that reads columns by position from an older export still finds the rest. */
export const CSV_HEADER = ["date", "kind", "from", "to", "amount", "currency", "memo", "proposal", "status", "reason", "id", "voids", "corrects"] as const;

export interface CsvView {
  entries: readonly EntryView[];
  state: CommuneState;
}

export function purseCsv(view: CsvView): string {
  const names = partyNames(view.state);
  const currencies = new Map<string, Currency>();
  for (const version of view.state.rules) for (const currency of version.rules.currencies) currencies.set(currency.code, currency);
  const partyName = (party: Party | undefined): string => {
    switch (party?.kind) {
      case undefined:
        return "";
      case "purse":
        return "purse";
      case "member":
        return names.member(party.key);
      case "payee":
        return party.name;
      case "partner":
        return `partner ${party.id}`;
    }
  };
  const rows: string[][] = [[...CSV_HEADER]];
  for (const { entry, status, reason, reverses } of view.entries) {
    const parties = partiesOf(entry, reverses);
    const currency = currencies.get(String(entry.currency));
    const amount = currency && Number.isSafeInteger(entry.amount) && entry.amount > 0 ? formatAmount(entry.amount, currency) : "";
    const cited = entry.proposal === undefined ? "" : (proposalTitle(view.state, entry.proposal) ?? entry.proposal);
    rows.push([
      Number.isSafeInteger(entry.at) ? new Date(entry.at).toISOString() : "",
      text(entry.kind),
      text(partyName(parties?.from)),
      text(partyName(parties?.to)),
      amount,
      text(entry.currency),
      text(entry.memo),
      text(cited),
      status,
      text(reason ?? ""),
      text(entry.id),
      text(entry.kind === "void" ? (entry.of ?? "") : ""),
      text(entry.kind === "void" ? "" : (entry.corrects ?? "")),
    ]);
  }
  return rows.map((row) => `${row.map(quoted).join(",")}\r\n`).join("");
}

function proposalTitle(state: CommuneState, id: string): string | undefined {
  return Object.hasOwn(state.proposals, id) ? state.proposals[id]!.proposal.title : undefined;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text field a spreadsheet will show as text, never run as a formula. */
export function text(value: unknown): string {
  const plain = typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
  return FORMULA_START.test(plain) ? `'${plain}` : plain;
}

const NEEDS_QUOTES = /[",\r\n]/;

export const quoted = (field: string): string => (NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field);
