import type { Currency } from "../shared/money/currency";
import { formatMoney } from "../shared/money/amount";

/**
 * The small pieces of the CLI's human output: safe text, times, money and
 * aligned tables. Names, memos and titles come from other members' documents,
 * so they are untrusted: control characters (a terminal escape could rewrite
 * the screen) and bidirectional overrides (which can make "100" read "001")
 * never reach the terminal.
 */
const UNSAFE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** One line of untrusted text, safe to print: newlines and tabs become spaces, other controls "?". */
export function clean(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").replace(UNSAFE, "?");
}

/** Untrusted text that may keep its line breaks (a body). */
export function cleanBlock(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/\t/g, "  ").replace(UNSAFE, "?"))
    .join("\n");
}

/** "2025-03-01 14:05 UTC". */
export function formatTime(at: number, withZone = true): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return "?";
  const text = date.toISOString().slice(0, 16).replace("T", " ");
  return withZone ? `${text} UTC` : text;
}

/** Money in its currency's decimals; a code this member does not know yet shows its minor units. */
export function money(minor: number, code: string, currencies: readonly Currency[]): string {
  const currency = currencies.find((c) => c.code === code);
  return currency && Number.isSafeInteger(minor) ? formatMoney(minor, currency) : `${minor} ${clean(code)} (minor units)`;
}

/** The first characters of an id: enough to tell ids apart, and accepted back as a prefix. */
export const shortId = (id: string) => id.slice(0, 8);

/** A public key, short. */
export const shortKey = (key: string) => key.slice(0, 16);

const width = (text: string) => [...text].length;

/**
 * Columns separated by two spaces, padded to the widest cell, headers in
 * capitals. Columns listed in `right` are right-aligned (amounts).
 * Cells are cleaned here, so callers pass raw values. `under` gives lines
 * printed beneath a row (indented, cleaned, not counted in the widths): what
 * a row needs said in a sentence rather than a cell.
 */
export function table(headers: string[], rows: string[][], right: number[] = [], under?: (row: number) => readonly string[]): string {
  const cells = [headers, ...rows].map((row) => row.map(clean));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => width(row[column] ?? ""))));
  return cells
    .map((row, index) => {
      const line = widths
        .map((w, column) => {
          const cell = row[column] ?? "";
          const pad = " ".repeat(w - width(cell));
          return right.includes(column) ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd();
      const beneath = index > 0 && under ? under(index - 1) : [];
      return [line, ...beneath.map((text) => `    ${clean(text)}`)].join("\n");
    })
    .join("\n");
}

/** "1 document", "3 documents". */
export const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
