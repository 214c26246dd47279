import { describe, expect, it } from "vitest";
import { formatAmount } from "../money/amount";
import { createSnapshot, parseSnapshotText, type VerifiedSnapshot } from "./json-snapshot";
import { CSV_HEADER, purseCsv } from "./csv";
import { ada, AWKWARD_MEMOS, purseStory } from "../testing/snapshot-fixtures";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

/**
 * A strict RFC 4180 reader, for this test only: CRLF record ends, quoted
 * fields with doubled quotes, nothing else. It throws on anything RFC 4180
 * does not allow (a bare quote in an unquoted field, text after a closing
 * quote, a bare LF or CR outside quotes, a missing final CRLF). To use a
 * published parser instead (csv-parse as a dev dependency), replace its body
 * with `parse(text, { bom: false, relax_quotes: false, record_delimiter: "\r\n" })`.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unclosed quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r") {
        if (text[i] === '"' || text[i] === "\n") throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ",") {
      i++;
    } else if (text.startsWith("\r\n", i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else {
      throw new Error(`expected , or CRLF at ${i}`);
    }
  }
  if (row.length > 0) throw new Error("the last record has no CRLF");
  return rows;
}

const story = purseStory();
const read = parseSnapshotText(crypto, JSON.stringify(createSnapshot(crypto, story.input, ada, { now: story.end })), story.end);
if (!read.ok) throw new Error(read.error.message);
const verified: VerifiedSnapshot = read.value;
const csv = purseCsv({ entries: verified.view.entries, state: verified.state });
const rows = parseCsv(csv);

const guarded = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

describe("the purse as CSV", () => {
  it("has a header and one row per entry, every row as wide as the header", () => {
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows).toHaveLength(verified.view.entries.length + 1);
    expect(rows.every((row) => row.length === CSV_HEADER.length)).toBe(true);
  });

  it("gives each entry's date, kind, amount in the currency's units, currency, memo, status and reason", () => {
    const currencies = new Map(verified.state.rules.flatMap((version) => version.rules.currencies).map((c) => [c.code, c]));
    verified.view.entries.forEach(({ entry, status, reason }, index) => {
      const record = Object.fromEntries(CSV_HEADER.map((column, at) => [column, rows[index + 1]![at]!]));
      expect(record).toMatchObject({
        date: new Date(entry.at).toISOString(),
        kind: entry.kind,
        amount: formatAmount(entry.amount, currencies.get(entry.currency)!),
        currency: entry.currency,
        memo: guarded(entry.memo),
        status,
        reason: reason ?? "",
        id: entry.id,
      });
    });
  });

  it("keeps memos with commas, quotes and newlines intact", () => {
    const memos = rows.slice(1).map((row) => row[6]);
    for (const memo of AWKWARD_MEMOS) expect(memos).toContain(guarded(memo));
    expect(memos).toContain("line one\nline two\r\nline three");
    expect(memos).toContain('the "big" repair');
  });

  it("exports formula-looking text as text: a leading ' before = + - @ and tab", () => {
    const memos = rows.slice(1).map((row) => row[6]);
    expect(memos).toEqual(expect.arrayContaining(["'=1+1", "'+cash", "'-2", "'@SUM(A1:A2)", "'\ttabbed; with # and  two spaces"]));
    const cells = rows.slice(1).flat();
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
  });

  it("names the sides of each entry, with key prefixes for members who share a name", () => {
    const sides = rows.slice(1).map((row) => [row[1], row[2], row[3]]);
    expect(sides).toContainEqual(["transfer", `Ada (${ada.publicKey.slice(0, 8)})`, "Bo"]);
    expect(sides).toContainEqual(["disbursement", "purse", "Roofers, Inc."]);
    expect(sides).toContainEqual(["exchange", "partner fedcba9876543210fedcba9876543210", "purse"]);
  });

  it("shows the proposal a spend cites by its title, and every status", () => {
    expect(rows.slice(1).map((row) => row[7])).toContain("New roof");
    expect(new Set(rows.slice(1).map((row) => row[8]))).toEqual(new Set(["counted", "overdrawn", "untrusted"]));
  });

  it("is UTF-8 text without a byte-order mark, ending every record with CRLF", () => {
    expect(csv.startsWith("date,")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
  });
});
