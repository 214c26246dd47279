import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INFLATION_LIMITS, measureAutomerge, measureSyncMessage } from "../shared/sync/automerge-chunks";
import { writeContainer } from "../shared/snapshot/automerge-container";
import { backupInflationProblem } from "../shared/snapshot/automerge-snapshot";
import { boundedInflate } from "./bounded-inflate";
import { compressedChangeBomb, syncMessageCarrying, uleb } from "./testing/automerge-bombs";

const heapAndBuffers = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

describe("an attacker's compressed change", () => {
  it("is a real change Automerge would inflate in full, and the measure refuses it before that", () => {
    const small = compressedChangeBomb(1024 * 1024);
    const [doc] = A.applyChanges(A.init<{ s?: A.ImmutableString }>(), [small]);
    expect(String(doc.s).length).toBe(1024 * 1024);
    expect(measureAutomerge(small, boundedInflate)).toMatchObject({ ok: true, value: { chunks: 1 } });

    const bomb = compressedChangeBomb(64 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(128 * 1024);
    const before = heapAndBuffers();
    const verdict = measureAutomerge(bomb, boundedInflate);
    expect(heapAndBuffers() - before).toBeLessThan(64 * 1024 * 1024);
    expect(verdict).toMatchObject({ ok: false, error: { code: "automerge.inflatesTooLarge", params: { limit: INFLATION_LIMITS.changeBytes } } });
  });

  it("is refused in a sync message, and so are many changes each under the limit that add up past the message's", () => {
    expect(measureSyncMessage(syncMessageCarrying([compressedChangeBomb(8 * 1024 * 1024)]), boundedInflate)).toMatchObject({
      ok: false,
      error: { code: "automerge.inflatesTooLarge" },
    });
    const justUnder = compressedChangeBomb(INFLATION_LIMITS.changeBytes - 4096);
    const copies = Math.ceil(INFLATION_LIMITS.syncMessageBytes / INFLATION_LIMITS.changeBytes) + 1;
    const swarm = syncMessageCarrying(Array.from({ length: copies }, () => justUnder));
    expect(measureSyncMessage(swarm, boundedInflate)).toMatchObject({
      ok: false,
      error: { code: "automerge.inflatesTooLarge", params: { limit: INFLATION_LIMITS.syncMessageBytes } },
    });
  });

  it("is refused uncompressed too, by its raw size", () => {
    const doc = A.change(A.from<{ s?: A.ImmutableString }>({}), (d) => {
      d.s = new A.ImmutableString("x".repeat(INFLATION_LIMITS.changeBytes + 1));
    });
    expect(measureAutomerge(A.getLastLocalChange(doc)!, boundedInflate)).toMatchObject({ ok: false, error: { code: "automerge.inflatesTooLarge" } });
  });

  it("is refused as a saved document whose compressed columns inflate past the document limit", () => {
    const doc = A.change(A.from<{ s?: A.ImmutableString }>({}), (d) => {
      d.s = new A.ImmutableString("x".repeat(64 * 1024 * 1024));
    });
    const saved = A.save(doc);
    expect(saved.length).toBeLessThan(1024 * 1024);
    const before = heapAndBuffers();
    const verdict = measureAutomerge(saved, boundedInflate);
    expect(heapAndBuffers() - before).toBeLessThan(64 * 1024 * 1024);
    expect(verdict).toMatchObject({ ok: false, error: { code: "automerge.inflatesTooLarge", params: { limit: INFLATION_LIMITS.documentBytes } } });
  });
});

describe("a backup file of bombs", () => {
  it("is refused by verify and import before any document loads, with the reason", () => {
    const doc = A.change(A.from<{ s?: A.ImmutableString }>({}), (d) => {
      d.s = new A.ImmutableString("x".repeat(64 * 1024 * 1024));
    });
    const file = writeContainer(JSON.stringify({ format: "commune-automerge-backup" }), [A.save(A.from({ n: 1 })), A.save(doc)]);
    expect(file.length).toBeLessThan(1024 * 1024);
    const before = heapAndBuffers();
    const verdict = backupInflationProblem(file, boundedInflate);
    expect(heapAndBuffers() - before).toBeLessThan(64 * 1024 * 1024);
    expect(verdict).toMatchObject({
      ok: false,
      error: { code: "backup.bomb", message: expect.stringMatching(/^This backup was refused: The document would inflate to more than 48 MiB/) },
    });
    expect(backupInflationProblem(writeContainer("{}", [A.save(A.from({ n: 1 }))]), boundedInflate)).toEqual({ ok: true, value: undefined });
  });
});

describe("honest Automerge data", () => {
  it("passes: a saved document with compressed columns, its changes, and the real sync messages of two peers", () => {
    let doc = A.from<{ notes: string[] }>({ notes: [] });
    for (let index = 0; index < 200; index++)
      doc = A.change(doc, (d) => {
        d.notes.push(`entry ${index} `.repeat(50));
      });
    const saved = A.save(doc);
    const measured = measureAutomerge(saved, boundedInflate);
    expect(measured).toMatchObject({ ok: true, value: { chunks: 1 } });
    expect(measured.ok && measured.value.largest).toBeGreaterThan(saved.length);
    const appended = new Uint8Array([...saved, ...A.getLastLocalChange(doc)!]);
    expect(measureAutomerge(appended, boundedInflate)).toMatchObject({ ok: true, value: { chunks: 2 } });

    let theirs = A.init<{ notes: string[] }>();
    let [ours, mine] = [A.initSyncState(), A.initSyncState()];
    let carried = 0;
    for (let round = 0; round < 10; round++) {
      const [nextOurs, out] = A.generateSyncMessage(doc, ours);
      ours = nextOurs;
      if (out) {
        expect(measureSyncMessage(out, boundedInflate)).toMatchObject({ ok: true });
        carried += A.decodeSyncMessage(out).changes.length;
        [theirs, mine] = A.receiveSyncMessage(theirs, mine, out);
      }
      const [nextMine, back] = A.generateSyncMessage(theirs, mine);
      mine = nextMine;
      if (back) {
        expect(measureSyncMessage(back, boundedInflate)).toMatchObject({ ok: true });
        [doc, ours] = A.receiveSyncMessage(doc, ours, back);
      }
      if (!out && !back) break;
    }
    expect(carried).toBeGreaterThan(0);
    expect(theirs.notes).toHaveLength(200);
  });
});

describe("the chunk parser, given anything", () => {
  const verdictFor = (bytes: Uint8Array) => {
    const chunks = measureAutomerge(bytes, boundedInflate);
    const message = measureSyncMessage(bytes, boundedInflate);
    return [chunks, message].every((verdict) => verdict.ok || typeof verdict.error.message === "string");
  };
  const honest = A.save(A.change(A.from<{ text: string }>({ text: "x".repeat(5000) }), (d) => (d.text = "y".repeat(6000))));

  it("answers random bytes with a verdict, never a throw", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => verdictFor(bytes)));
  });

  it("answers truncated, corrupted and lying-length documents with a verdict", () => {
    fc.assert(
      fc.property(fc.nat(honest.length), fc.nat(honest.length - 1), fc.integer({ min: 0, max: 255 }), (cut, at, byte) => {
        const changed = honest.slice();
        changed[at] = byte;
        return verdictFor(honest.subarray(0, cut)) && verdictFor(changed) && verdictFor(new Uint8Array([0x42, ...changed]));
      }),
    );
  });

  it("refuses a chunk whose length claims more bytes than there are", () => {
    const lying = new Uint8Array([0x85, 0x6f, 0x4a, 0x83, 1, 2, 3, 4, 2, ...uleb(2 ** 40), 0, 0]);
    expect(measureAutomerge(lying, boundedInflate)).toMatchObject({ ok: false, error: { code: "automerge.malformed" } });
    expect(measureSyncMessage(syncMessageCarrying([lying]), boundedInflate)).toMatchObject({ ok: false, error: { code: "automerge.malformed" } });
  });
});
