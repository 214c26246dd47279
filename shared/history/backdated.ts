import * as A from "@automerge/automerge";
import { CLOCK_SKEW_MS, isFutureDated } from "./claimed-time";
import type { RecordHistory } from "./change-graph";

/**
 * Backdating: a record dated earlier, by more than two honest clocks can
 * differ, than a record its author provably had in their copy when writing
 * it (in the change's dependencies, `RecordHistory.latestSeen`). Its date is
 * false, and what it provably follows is the earliest it can have been
 * written: its **effective time**, the later of its own date and that
 * record's, is where the purse and the membership replay place it. An author
 * who writes on an old copy on purpose is not caught (the graph proves
 * "after", never "before"); a careless one, or a clock set days back, is.
 */

export interface Dated {
  sig: string;
  at: number;
}

/**
 * For each record of `records` written after one of `witnesses` dated more
 * than CLOCK_SKEW_MS later: that witness. Witnesses dated ahead of the
 * clock (`now`) are left out: a record that counts only from 2099 proves
 * nothing about the records written after it today.
 */
export function writtenAfter<T extends Dated>(
  records: readonly Dated[],
  witnesses: readonly T[],
  latestSeen: RecordHistory["latestSeen"],
  now: number,
): Map<string, T> {
  const found = new Map<string, T>();
  if (records.length === 0) return found;
  const bySig = new Map<string, T>();
  for (const witness of witnesses) if (!isFutureDated(witness.at, now)) bySig.set(witness.sig, witness);
  const dated = new Map<string, number>();
  for (const [sig, witness] of bySig) dated.set(sig, witness.at);
  // Records that are not witnesses still need placing: latestSeen answers only for the records it was given.
  for (const record of records) if (!dated.has(record.sig)) dated.set(record.sig, record.at);
  const seen = latestSeen(dated);
  for (const record of records) {
    const latestSig = seen.get(record.sig);
    const latest = latestSig === undefined ? undefined : bySig.get(latestSig);
    if (latest && latest.at > record.at + CLOCK_SKEW_MS) found.set(record.sig, latest);
  }
  return found;
}

/**
 * Whether any record of a list may be backdated, from Automerge's op
 * counters alone, without the change graph: a change numbers its ops after
 * every op of the changes it depends on, so a record written after another
 * has the higher counter. When no record is dated more than CLOCK_SKEW_MS
 * before one with a lower counter, none is backdated, and the graph (about
 * two seconds for a shard of 100,000 changes) is never read. `counters` are
 * the records' counters by signature (`opCounters`); a record without one
 * (read from the history, no longer in the document) answers "maybe".
 */
export function mayBeBackdated(records: readonly Dated[], counters: ReadonlyMap<string, number>, now: number): boolean {
  const placed: { at: number; counter: number }[] = [];
  let sorted = true;
  for (const record of records) {
    const counter = counters.get(record.sig);
    if (counter === undefined) return true;
    if (placed.length > 0 && counter < placed[placed.length - 1]!.counter) sorted = false;
    placed.push({ at: record.at, counter });
  }
  // A shard one host appends to is in counter order already: sorting is for the rare merged one.
  if (!sorted) placed.sort((a, b) => a.counter - b.counter);
  let latest = -Infinity;
  for (const { at } of placed) {
    if (at + CLOCK_SKEW_MS < latest) return true;
    if (!isFutureDated(at, now) && at > latest) latest = at;
  }
  return false;
}

/**
 * The op counter of each signed record's map in `list` (a list of records
 * in an Automerge document), by signature; the lowest where a record was
 * copied (a copy is made after its original).
 */
export function opCounters(list: unknown): Map<string, number> {
  const counters = new Map<string, number>();
  if (!Array.isArray(list)) return counters;
  for (const record of list as unknown[]) {
    if (typeof record !== "object" || record === null) continue;
    const sig = (record as { sig?: unknown }).sig;
    const text = typeof sig === "string" ? sig : A.isImmutableString(sig) ? sig.val : undefined;
    const opId = A.getObjectId(record);
    if (text === undefined || opId === null) continue;
    const counter = Number.parseInt(opId, 10);
    const known = counters.get(text);
    if (known === undefined || counter < known) counters.set(text, counter);
  }
  return counters;
}
