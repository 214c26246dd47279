/**
 * What a private commune's relay drops once a snapshot is stored
 * (docs/relay.md, "A newcomer, and compaction"). A snapshot of a document
 * whose header says `covers: N` holds every batch of that document numbered N
 * or lower. The relay cannot open it to check, so it bounds the claim: a
 * snapshot cannot hold what was put after it, whatever number it names.
 */

/** One of a document's kept items: a batch, or a snapshot with the number its header says it covers. */
export interface KeptItem {
  seq: number;
  covers?: number;
}

/** What a snapshot stored as `seq` may be taken to cover: at most the items before it. */
export const effectiveCovers = (seq: number, covers: number): number => Math.max(0, Math.min(covers, seq - 1));

/**
 * The snapshot a newcomer starts from: the one that covers most, the later of
 * two that cover as much. A later snapshot that covers less (its author had
 * read less) does not hide the batches an earlier one already replaced.
 */
export function startingSnapshot(kept: readonly KeptItem[]): { seq: number; covers: number } | undefined {
  let best: { seq: number; covers: number } | undefined;
  for (const item of kept) {
    if (item.covers === undefined) continue;
    const covers = effectiveCovers(item.seq, item.covers);
    if (!best || covers >= best.covers) best = { seq: item.seq, covers };
  }
  return best;
}

/**
 * The sequence numbers of a document's items that its snapshots make
 * redundant: every batch and earlier snapshot numbered at or below what the
 * starting snapshot covers. The starting snapshot itself is never among them
 * (it covers only what came before it).
 */
export function droppedBySnapshot(kept: readonly KeptItem[]): Set<number> {
  const start = startingSnapshot(kept);
  return new Set(start ? kept.filter((item) => item.seq <= start.covers).map((item) => item.seq) : []);
}
