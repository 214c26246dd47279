import { describe, expect, it } from "vitest";
import { droppedBySnapshot, effectiveCovers, startingSnapshot } from "./compaction";

describe("what a snapshot lets the relay drop", () => {
  it("drops the batches and earlier snapshots at or below what the snapshot covers, never the snapshot", () => {
    expect([...droppedBySnapshot([{ seq: 2 }, { seq: 3, covers: 2 }, { seq: 5 }, { seq: 9 }, { seq: 10, covers: 9 }])]).toEqual([2, 3, 5, 9]);
  });

  it("takes a snapshot to cover at most what came before it, whatever number it names", () => {
    expect(effectiveCovers(10, Number.MAX_SAFE_INTEGER)).toBe(9);
    expect([...droppedBySnapshot([{ seq: 4, covers: 1_000_000 }, { seq: 8 }])]).toEqual([]);
  });

  it("drops nothing for a snapshot that covers 0, or a document without one", () => {
    expect(droppedBySnapshot([{ seq: 2 }, { seq: 3, covers: 0 }]).size).toBe(0);
    expect(droppedBySnapshot([{ seq: 2 }, { seq: 3 }]).size).toBe(0);
  });

  it("starts a newcomer from the snapshot covering most, so a later one covering less hides nothing", () => {
    const kept = [{ seq: 6 }, { seq: 12, covers: 10 }, { seq: 13 }, { seq: 14, covers: 5 }];
    expect(startingSnapshot(kept)).toEqual({ seq: 12, covers: 10 });
    expect(startingSnapshot([...kept, { seq: 20, covers: 10 }])).toEqual({ seq: 20, covers: 10 });
  });
});
