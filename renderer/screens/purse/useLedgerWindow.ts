import { useRef } from "react";
import type { LedgerRow } from "../../../shared/commands/views";
import { useView } from "../../link/hooks";
import type { LedgerQuery } from "./ledger-query";

/** Rows per page asked of the host: a screenful many times over, and far below the 1,000 the host allows. */
export const PAGE_ROWS = 200;
/** Pages kept after they scroll out of view, so scrolling back shows rows at once while they refresh. */
const KEPT_PAGES = 6;

export interface LedgerWindow {
  /** Undefined until the host's first answer. */
  total: number | undefined;
  rowAt(index: number): LedgerRow | undefined;
  error: string | undefined;
  /** Which loaded rows carry notes, and how many: changes only when a page brings or drops a noted row, so the table re-measures then alone. */
  notedRows: string;
}

/**
 * The part of the ledger around what is on screen, never the whole of it:
 * the page holding the first visible row and, when the view crosses into it,
 * the next one, each a live view the host pushes again when the purse
 * changes. Use a fresh instance (a React key) per query: pages of one query
 * must never fill another's rows.
 */
export function useLedgerWindow(query: LedgerQuery, firstVisible: number, lastVisible: number): LedgerWindow {
  const firstPage = Math.floor(firstVisible / PAGE_ROWS);
  const lastPage = Math.max(firstPage, Math.floor(lastVisible / PAGE_ROWS));
  const current = useView("purse.ledger", { ...query, offset: firstPage * PAGE_ROWS, limit: PAGE_ROWS });
  const next = useView("purse.ledger", lastPage > firstPage ? { ...query, offset: lastPage * PAGE_ROWS, limit: PAGE_ROWS } : undefined);

  // Rows by page offset, newest answer last (a Map keeps insertion order, so the oldest page goes first).
  const pages = useRef(new Map<number, LedgerRow[]>());
  for (const page of [current.value, next.value]) {
    if (!page) continue;
    pages.current.delete(page.offset);
    pages.current.set(page.offset, page.rows);
  }
  while (pages.current.size > KEPT_PAGES) pages.current.delete(pages.current.keys().next().value!);

  const total = current.value?.total ?? next.value?.total;
  const noted: string[] = [];
  for (const [offset, rows] of pages.current) rows.forEach((row, index) => row.notes && noted.push(`${offset + index}:${row.notes.length}`));
  return {
    total,
    rowAt(index) {
      const offset = Math.floor(index / PAGE_ROWS) * PAGE_ROWS;
      return pages.current.get(offset)?.[index - offset];
    },
    error: current.error?.message ?? next.error?.message,
    notedRows: noted.sort().join(","),
  };
}
