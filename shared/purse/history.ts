import type { PublicKey } from "../identity/keys";
import { effectOf, type EntryView } from "./balances";

/** The purse balance in one currency at a moment: what the purse screen's chart draws. */
export interface BalancePoint {
  at: number;
  /** Minor units. */
  balance: number;
}

/**
 * The purse balance of one currency over time, from the judged entries in
 * canonical order, cut down to at most `maxPoints` points so a purse of
 * 100,000 entries draws as fast as one of 100 (`thinOut`).
 */
export function purseHistory(entries: readonly EntryView[], currency: string, maxPoints: number): BalancePoint[] {
  const all: BalancePoint[] = [];
  for (const view of entries) {
    if (view.status !== "counted" || view.entry.currency !== currency || view.balanceAfter === undefined) continue;
    all.push({ at: view.entry.at, balance: view.balanceAfter });
  }
  return thinOut(all, maxPoints);
}

/**
 * One member's standing in one currency over time: after each counted entry
 * that changes it, by the same rule the balances use (`effectOf`), so the
 * chart ends at the standing the member's row shows. Thinned out like the
 * purse's.
 */
export function standingHistory(entries: readonly EntryView[], member: PublicKey, currency: string, maxPoints: number): BalancePoint[] {
  const all: BalancePoint[] = [];
  let standing = 0;
  for (const view of entries) {
    if (view.status !== "counted" || view.entry.currency !== currency) continue;
    let changed = false;
    for (const [key, amount] of effectOf(view.entry, view.reverses).standings) {
      if (key !== member) continue;
      standing += amount;
      changed = true;
    }
    if (changed) all.push({ at: view.entry.at, balance: standing });
  }
  return thinOut(all, maxPoints);
}

/**
 * At most `maxPoints` of a history: the time span is split into equal
 * buckets and each keeps the balance after its last entry. The first and
 * the latest balance are always kept, so the chart starts and ends where the
 * ledger does.
 */
function thinOut(all: BalancePoint[], maxPoints: number): BalancePoint[] {
  const limit = Math.max(2, Math.floor(maxPoints));
  if (all.length <= limit) return all;
  const first = all[0]!;
  const last = all[all.length - 1]!;
  const span = Math.max(1, last.at - first.at);
  const buckets = limit - 1;
  const kept: BalancePoint[] = [first];
  const bucketOf = (at: number) => Math.min(buckets - 1, Math.floor(((at - first.at) / span) * buckets));
  for (let i = 1; i < all.length - 1; i++) {
    const point = all[i]!;
    const next = all[i + 1]!;
    // Keep a point when it is the last of its bucket.
    if (bucketOf(next.at) !== bucketOf(point.at)) kept.push(point);
  }
  kept.push(last);
  return kept.length <= limit ? kept : kept.slice(kept.length - limit);
}
