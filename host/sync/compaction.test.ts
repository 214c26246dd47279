import { describe, expect, it } from "vitest";
import { COMPACTION, shortfallWords, shouldCompact, snapshotShortfall, type SinceSnapshot } from "./compaction";

const h = (n: number) => n.toString(16).padStart(64, "0");

describe("when a member compacts a document", () => {
  it("waits until the batches after the latest snapshot weigh more than half of it, and at least 16 KiB", () => {
    expect(shouldCompact({ batchBytes: 10_000, snapshotBytes: 0 })).toBe(false);
    expect(shouldCompact({ batchBytes: COMPACTION.minBatchBytes + 1, snapshotBytes: 0 })).toBe(true);
    expect(shouldCompact({ batchBytes: 40_000, snapshotBytes: 100_000 })).toBe(false);
    expect(shouldCompact({ batchBytes: 50_001, snapshotBytes: 100_000 })).toBe(true);
  });

  it("compacts a large document at 1 MiB of batches, so its store stays near its size", () => {
    expect(shouldCompact({ batchBytes: 1024 * 1024, snapshotBytes: 50 * 1024 * 1024 })).toBe(false);
    expect(shouldCompact({ batchBytes: 1024 * 1024 + 1, snapshotBytes: 50 * 1024 * 1024 })).toBe(true);
  });
});

describe("what a member checks of another member's snapshot", () => {
  const since: SinceSnapshot = {
    batchBytes: 0,
    snapshotBytes: 1_000,
    snapshotSeq: 10,
    snapshotHeads: [h(1)],
    held: [
      { seq: 12, heads: [h(2)] },
      { seq: 20, heads: [h(3)] },
    ],
  };
  const holding =
    (...held: string[]) =>
    (heads: readonly string[]) =>
      heads.every((head) => held.includes(head));

  it("passes a snapshot holding the one before it and every batch it says it covers that this member holds", () => {
    expect(snapshotShortfall(since, 15, holding(h(1), h(2)))).toBeUndefined();
  });

  it("does not ask for batches put after what it covers: the relay keeps those", () => {
    expect(snapshotShortfall(since, 15, holding(h(1), h(2)))).toBeUndefined();
    expect(snapshotShortfall(since, 20, holding(h(1), h(2)))).toEqual({ kind: "held-batch", seq: 20, missing: 1 });
  });

  it("finds a snapshot that leaves out the snapshot before it", () => {
    const shortfall = snapshotShortfall(since, 15, holding(h(2)));
    expect(shortfall).toEqual({ kind: "earlier-snapshot", missing: 1 });
    expect(shortfallWords(shortfall!)).toMatch(/leaves out 1 change of the snapshot before it/);
  });

  it("finds a snapshot that leaves out a batch this member holds, and says which", () => {
    const shortfall = snapshotShortfall(since, 25, holding(h(1), h(3)));
    expect(shortfall).toEqual({ kind: "held-batch", seq: 12, missing: 1 });
    expect(shortfallWords(shortfall!)).toMatch(/leaves out batch #12, which it says it covers and this member holds/);
  });

  it("cannot judge an earlier snapshot it never read whole, nor one after what the new one covers", () => {
    expect(snapshotShortfall({ ...since, snapshotHeads: undefined, held: [] }, 15, holding())).toBeUndefined();
    expect(snapshotShortfall({ ...since, snapshotSeq: 30, held: [] }, 15, holding())).toBeUndefined();
  });
});
