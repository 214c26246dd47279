import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef, useState } from "react";
import type { LedgerRow } from "../../../shared/commands/views";
import type { Currency } from "../../../shared/money/currency";
import { EntryStatusBadge, ErrorText, RecordNotes, amountText, currencyOf, timeText } from "../../ui";
import type { LedgerQuery } from "./ledger-query";
import { useLedgerWindow } from "./useLedgerWindow";
import { correctable, reversible } from "./CorrectEntry";
import { partnerLabel } from "../partners/partner-words";

const ROW_HEIGHT = 44;
/** Room for one note under a row (two lines at most; the whole sentence is its title). Only a row with notes is taller. */
const NOTE_HEIGHT = 42;
/** An opened memo's lines (the memo spans the row, ~110 characters a line at the table's width), plus room below it. */
const memoHeight = (memo: string) => 12 + 21 * Math.ceil(memo.length / 110);
/** The line under a row that links it to its void or correction ("Voided by #12: “typed 5000 for 50”"). */
const LINK_HEIGHT = 26;
const heightOf = (row: LedgerRow | undefined, open = false) =>
  ROW_HEIGHT + NOTE_HEIGHT * (row?.notes?.length ?? 0) + (row && linkWords(row) ? LINK_HEIGHT : 0) + (open && row?.memo ? memoHeight(row.memo) : 0);
const OVERSCAN = 12;
const COLUMNS = ["#", "Date", "Kind", "From", "To", "Amount", "Currency", "Memo", "Proposal", "Status", "Action"] as const;

/** How a row is tied to its void or correction, or that the partner declined it, in words; undefined for the rows (nearly all) that are none of these. */
export function linkWords(row: LedgerRow): string | undefined {
  const parts: string[] = [];
  if (row.voids) parts.push(`Voids #${row.voids.n}`);
  if (row.corrects) parts.push(`Corrects #${row.corrects.n}`);
  if (row.voidedBy) parts.push(`Voided by #${row.voidedBy.n}${row.voidedBy.memo ? `: “${row.voidedBy.memo}”` : ""}`);
  if (row.correctedBy) parts.push(`corrected by #${row.correctedBy.n}`);
  if (row.declinedAt !== undefined) parts.push(`Declined by ${partnerLabel(row)} on ${timeText(row.declinedAt, false)}: it counts for nothing from then on`);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

/** Who is reading, and whether they may write: a member corrects only their own entries, and only while active. */
export interface LedgerReader {
  me: string;
  canWrite: boolean;
  onCorrect(row: LedgerRow): void;
  /** Another member's payment out of the purse: the commune may take it back by a proposal. */
  onProposeReversal(row: LedgerRow): void;
}

/**
 * The purse's entries as a virtualised table: only the rows on screen are
 * in the page and only the pages around them come from the host, so a
 * ledger of 100,000 entries scrolls like one of 100.
 */
export function Ledger({ query, currencies, reader }: { query: LedgerQuery; currencies: readonly Currency[]; reader: LedgerReader }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState({ first: 0, last: 40 });
  const ledger = useLedgerWindow(query, range.first, range.last);
  const total = ledger.total ?? 0;
  // Rows whose memo is opened in full, by entry number: the memo cell is a button, so the keyboard opens it as a mouse does.
  const [openMemos, setOpenMemos] = useState<ReadonlySet<number>>(() => new Set());
  const toggleMemo = useCallback(
    (n: number) =>
      setOpenMemos((previous) => {
        const next = new Set(previous);
        if (!next.delete(n)) next.add(n);
        return next;
      }),
    [],
  );

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => {
      const row = ledger.rowAt(index);
      return heightOf(row, row !== undefined && openMemos.has(row.n));
    },
    overscan: OVERSCAN,
    // The range is what is visible; the rows drawn reach OVERSCAN further each way, and their pages must load too.
    onChange: useCallback((instance: { range: { startIndex: number; endIndex: number } | null }) => {
      const visible = instance.range;
      if (!visible) return;
      const first = Math.max(0, visible.startIndex - OVERSCAN);
      const last = visible.endIndex + OVERSCAN;
      setRange((previous) => (previous.first === first && previous.last === last ? previous : { first, last }));
    }, []),
  });

  // Sizes are worked out once per change of which loaded rows carry notes, not per row drawn: an honest ledger never re-measures.
  useEffect(() => virtualizer.measure(), [ledger.notedRows, openMemos, virtualizer]);

  return (
    <div className="ledger">
      <ErrorText error={ledger.error} />
      {/* aria-rowcount counts the header row too, as ARIA defines it; data rows start at index 2. */}
      <div role="table" aria-label="Ledger" aria-rowcount={total + 1} className="ledger__table">
        <div role="rowgroup" className="ledger__head">
          <div role="row" aria-rowindex={1} className="ledger__row">
            {COLUMNS.map((column) => (
              <div role="columnheader" key={column} className={column === "Amount" ? "num" : undefined}>
                {column}
              </div>
            ))}
          </div>
        </div>
        <div ref={scroller} role="rowgroup" className="ledger__scroll" tabIndex={0} aria-label="Ledger rows, scrollable">
          {ledger.total === undefined || total === 0 ? (
            <div role="row" className="ledger__note-row">
              <div role="cell" className="muted ledger__note">
                {ledger.total === undefined ? "Loading the ledger…" : "No entries match."}
              </div>
            </div>
          ) : (
            <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
              {virtualizer.getVirtualItems().map((item) => (
                <Row
                  key={item.key}
                  index={item.index}
                  row={ledger.rowAt(item.index)}
                  top={item.start}
                  currencies={currencies}
                  openMemos={openMemos}
                  onToggleMemo={toggleMemo}
                  reader={reader}
                />
              ))}
            </div>
          )}
        </div>
      </div>
      <p className="muted small" aria-live="polite">
        {ledger.total === undefined ? "" : `${total.toLocaleString()} ${total === 1 ? "entry" : "entries"}`}
      </p>
    </div>
  );
}

/** Money into the purse, out of it, or moved between members: shown by sign and colour, and said in the cell's title (not colour alone). */
type Flow = "in" | "out" | "within";
function flowOf(row: LedgerRow): Flow {
  if (row.kind === "contribution") return "in";
  if (row.kind === "exchange") return row.direction === "in" ? "in" : "out";
  if (row.kind === "disbursement") return "out";
  return "within";
}
const FLOW_WORDS: Record<Flow, string> = { in: "into the purse", out: "out of the purse", within: "between members" };

function counterpart(row: LedgerRow): string {
  if (row.toName) return row.toName;
  if (row.payee) return `${row.payee} (outside)`;
  if (row.partner) return `${row.partnerName ?? row.partner} (${row.direction === "in" ? "from partner" : "to partner"})`;
  return row.kind === "contribution" ? "the purse" : "";
}

function Row({
  index,
  row,
  top,
  currencies,
  openMemos,
  onToggleMemo,
  reader,
}: {
  index: number;
  row: LedgerRow | undefined;
  top: number;
  currencies: readonly Currency[];
  openMemos: ReadonlySet<number>;
  onToggleMemo(n: number): void;
  reader: LedgerReader;
}) {
  const open = row !== undefined && openMemos.has(row.n) && row.memo !== "";
  const style = { position: "absolute", top: 0, left: 0, right: 0, height: heightOf(row, open), transform: `translateY(${top}px)` } as const;
  if (!row) {
    return (
      <div role="row" aria-rowindex={index + 2} className="ledger__row ledger__row--loading" style={style}>
        <div role="cell" className="muted">
          Loading…
        </div>
      </div>
    );
  }
  const currency = currencyOf(row.currency, currencies);
  const flow = flowOf(row);
  const amount = `${flow === "in" ? "+" : flow === "out" ? "\u2212" : ""}${currency ? amountText(row.amount, currency) : String(row.amount)}`;
  const linked = linkWords(row);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`ledger__row ledger__row--${row.status}${row.voidedBy ? " ledger__row--voided" : ""}`}
      style={row.notes || open || linked ? { ...style, gridTemplateRows: `${ROW_HEIGHT}px auto auto auto` } : style}
    >
      <div role="cell" className="muted">
        {row.n}
      </div>
      <div role="cell">{timeText(row.at)}</div>
      <div role="cell">{row.kind}</div>
      <div role="cell" title={row.byName}>
        {row.byName}
      </div>
      <div role="cell" title={counterpart(row)}>
        {counterpart(row)}
      </div>
      <div role="cell" className={`num ledger__amount--${flow}`} title={FLOW_WORDS[flow]}>
        {amount}
      </div>
      <div role="cell">{row.currency}</div>
      <div role="cell">
        {row.memo ? (
          <button
            type="button"
            className="ledger__memo"
            aria-expanded={open}
            title={open ? "Hide the whole memo" : row.memo}
            onClick={() => onToggleMemo(row.n)}
          >
            {row.memo}
          </button>
        ) : null}
      </div>
      <div role="cell" className="mono" title={row.proposalTitle ? `${row.proposalTitle} (proposal ${row.proposal})` : row.proposal}>
        {row.proposal ? row.proposal.slice(0, 8) : ""}
      </div>
      <div role="cell" title={row.reason}>
        <EntryStatusBadge status={row.status} reason={row.reason} />
      </div>
      <div role="cell">
        {reader.canWrite && correctable(row, reader.me) ? (
          <button type="button" className="ledger__action" aria-label={`Correct or void entry ${row.n}`} onClick={() => reader.onCorrect(row)}>
            Correct…
          </button>
        ) : reader.canWrite && reversible(row, reader.me) ? (
          <button type="button" className="ledger__action" aria-label={`Propose reversing payment ${row.n}`} onClick={() => reader.onProposeReversal(row)}>
            Reverse…
          </button>
        ) : null}
      </div>
      {linked ? (
        <div role="cell" aria-colspan={COLUMNS.length} className="ledger__link">
          {linked}
        </div>
      ) : null}
      {open ? (
        <div role="cell" aria-colspan={COLUMNS.length} className="ledger__memo-full" aria-label={`Memo of entry ${row.n}`}>
          {row.memo}
        </div>
      ) : null}
      {row.notes ? (
        <div role="cell" aria-colspan={COLUMNS.length} className="ledger__notes">
          <RecordNotes notes={row.notes} compact />
        </div>
      ) : null}
    </div>
  );
}
