/**
 * When a member compacts a private commune's document on a relay, and what it
 * checks of a snapshot another member made (docs/relay.md, "A newcomer, and
 * compaction"). The relay drops the batches a snapshot says it covers, so the
 * store a newcomer reads stays near the size of the document itself; the
 * relay cannot read a snapshot, so members judge it.
 */

/** What one link knows of a document's items on its relay since the latest snapshot it saw there. */
export interface SinceSnapshot {
  /** Bytes of the document's batches stored after that snapshot (as the relay keeps them, with their headers). */
  batchBytes: number;
  /** Bytes of that snapshot; 0 when the link has seen none. */
  snapshotBytes: number;
  /** Its sequence number on the relay. */
  snapshotSeq?: number;
  /** The highest sequence number counted in `batchBytes`: a batch read again after a reconnect is not counted twice. */
  lastSeq?: number;
  /** The snapshot's heads, when known: every later snapshot must hold them. */
  snapshotHeads?: readonly string[];
  /**
   * The batches after that snapshot this member holds, by sequence number:
   * its own, and every other member's it applied. A later snapshot that says
   * it covers one must hold it, whoever wrote it: the author may be gone, and
   * then no one else would put it back.
   */
  held: ReadonlyArray<{ seq: number; heads: readonly string[] }>;
}

export const COMPACTION = {
  /** Below this, batches are left as they are: a snapshot costs a whole document's upload. */
  minBatchBytes: 16 * 1024,
  /** Compacted once the batches reach this share of the snapshot... */
  shareOfSnapshot: 0.5,
  /** ...or this many bytes, whichever is less, so a large document's store stays within about 1.2x of it. */
  maxBatchBytes: 1024 * 1024,
  /** Batches remembered for the check; older ones go unchecked (a document compacts after at most 1 MiB of batches, about 900 small ones). */
  heldRemembered: 1024,
} as const;

/**
 * Whether the member whose batch was just stored should now put a snapshot:
 * the batches after the latest snapshot weigh more than half of it (at most
 * 1 MiB, at least 16 KiB). So the relay keeps at most about 1.5x the
 * document, and a snapshot is uploaded at most once per half its size.
 */
export function shouldCompact(since: Pick<SinceSnapshot, "batchBytes" | "snapshotBytes">): boolean {
  const limit = Math.max(COMPACTION.minBatchBytes, Math.min(since.snapshotBytes * COMPACTION.shareOfSnapshot, COMPACTION.maxBatchBytes));
  return since.batchBytes > limit;
}

export type SnapshotShortfall = { kind: "earlier-snapshot"; missing: number } | { kind: "held-batch"; seq: number; missing: number };

/**
 * What a snapshot another member put leaves out that it says it holds: the
 * heads of the snapshot before it (every member who read that one knows
 * them), and each batch this member holds that it says it covers. `holds`
 * answers whether the snapshot holds a change (A.hasHeads on the snapshot
 * loaded alone). Undefined when it holds all of them.
 */
export function snapshotShortfall(since: SinceSnapshot, covers: number, holds: (heads: readonly string[]) => boolean): SnapshotShortfall | undefined {
  if (since.snapshotSeq !== undefined && since.snapshotSeq <= covers && since.snapshotHeads && since.snapshotHeads.length > 0) {
    const missing = since.snapshotHeads.filter((head) => !holds([head])).length;
    if (missing > 0) return { kind: "earlier-snapshot", missing };
  }
  for (const batch of since.held) {
    if (batch.seq > covers) continue;
    const missing = batch.heads.filter((head) => !holds([head])).length;
    if (missing > 0) return { kind: "held-batch", seq: batch.seq, missing };
  }
  return undefined;
}

/** The shortfall in words, for the commune's problems. */
export function shortfallWords(shortfall: SnapshotShortfall): string {
  return shortfall.kind === "earlier-snapshot"
    ? `The snapshot leaves out ${shortfall.missing} change${shortfall.missing === 1 ? "" : "s"} of the snapshot before it, which it says it covers; this member put its own copy back`
    : `The snapshot leaves out batch #${shortfall.seq}, which it says it covers and this member holds; this member put its own copy back`;
}
