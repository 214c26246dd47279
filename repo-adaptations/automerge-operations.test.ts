import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INFLATION_LIMITS, measureAutomerge, measureSyncMessage } from "../shared/sync/automerge-chunks";
import { boundedInflate } from "./bounded-inflate";
import { syncMessageCarrying, uleb } from "./testing/automerge-bombs";

const sleb = (value: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value = Math.floor(value / 128);
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
};

type Playground = { text?: string; list?: unknown[]; map?: Record<string, unknown>; count?: A.Counter; note?: A.ImmutableString };

/** One edit of the kinds Automerge encodes differently: text splices, list inserts and deletes, map puts, counters, raw strings. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant("text" as const), at: fc.nat(50), remove: fc.nat(5), insert: fc.string({ maxLength: 40 }) }),
  fc.record({
    kind: fc.constant("push" as const),
    values: fc.array(fc.oneof(fc.integer(), fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.boolean(), fc.constant(null), fc.string()), { maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat(20) }),
  fc.record({ kind: fc.constant("put" as const), key: fc.string({ minLength: 1, maxLength: 6 }), value: fc.oneof(fc.integer(), fc.string({ maxLength: 20 })) }),
  fc.record({ kind: fc.constant("count" as const), by: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ kind: fc.constant("note" as const), text: fc.string({ maxLength: 300 }) }),
);

function apply(doc: A.Doc<Playground>, step: { kind: string; [key: string]: unknown }, message?: string): A.Doc<Playground> {
  return A.change(doc, message === undefined ? {} : { message }, (d) => {
    if (step.kind === "text") {
      d.text ??= "";
      A.splice(d, ["text"], Math.min(step.at as number, d.text.length), step.remove as number, step.insert as string);
    } else if (step.kind === "push") (d.list ??= []).push(...(step.values as unknown[]));
    else if (step.kind === "drop") {
      if (d.list && d.list.length > 0) d.list.splice((step.at as number) % d.list.length, 1);
    } else if (step.kind === "put") (d.map ??= {})[step.key as string] = step.value;
    else if (step.kind === "count") {
      if (d.count) d.count.increment(step.by as number);
      else d.count = new A.Counter(step.by as number);
    } else d.note = new A.ImmutableString(step.text as string);
  });
}

describe("counting a chunk's operations from its columns", () => {
  /** What Automerge keeps of a change: each operation, each predecessor it names, and the change itself. */
  const rowsOfChange = (change: Uint8Array) => {
    const decoded = A.decodeChange(change);
    return decoded.ops.length + decoded.ops.reduce((sum, op) => sum + op.pred.length, 0) + 1;
  };

  it("counts exactly the operations and predecessors Automerge decodes from any honest change, and at least every operation and change in a saved document", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), edit, fc.option(fc.string({ maxLength: 30 }))), { minLength: 1, maxLength: 25 }), (steps) => {
        // Two actors editing and merging, so changes carry other actors and dependencies.
        let ours = A.init<Playground>({ actor: "aa".repeat(16) });
        let theirs = A.init<Playground>({ actor: "bb".repeat(16) });
        for (const [mine, step, message] of steps) {
          if (mine) ours = apply(ours, step, message ?? undefined);
          else theirs = apply(A.merge(theirs, ours), step, message ?? undefined);
        }
        const doc = A.merge(ours, theirs);
        for (const change of A.getAllChanges(doc)) {
          expect(measureAutomerge(change, boundedInflate)).toMatchObject({ ok: true, value: { ops: rowsOfChange(change) } });
        }
        const stats = A.stats(doc);
        const saved = measureAutomerge(A.save(doc), boundedInflate);
        // A saved document also keeps each operation's successors and each change's dependencies: never more than its operations and changes again.
        expect(saved.ok && saved.value.ops).toBeGreaterThanOrEqual(stats.numOps + stats.numChanges);
        expect(saved.ok && saved.value.ops).toBeLessThanOrEqual(2 * (stats.numOps + stats.numChanges));
      }),
      { numRuns: 150 },
    );
  });

  it("counts the operations of a long change Automerge compresses", () => {
    const doc = A.change(A.from<{ items: A.ImmutableString[] }>({ items: [] }), (d) => {
      for (let index = 0; index < 2_000; index++) d.items.push(new A.ImmutableString(`item ${index} `.repeat(10)));
    });
    const change = A.getLastLocalChange(doc)!;
    expect(measureAutomerge(change, boundedInflate)).toMatchObject({ ok: true, value: { ops: rowsOfChange(change) } });
  });
});

describe("an attacker's string of millions of characters", () => {
  /** Automerge stores a plain string as text, one operation per character, and run-length encodes the repeats. */
  const inflatedString = (characters: number) => A.getLastLocalChange(A.change(A.from<{ s?: string }>({}), (d) => void (d.s = "t".repeat(characters))))!;

  it("is a change of a few kilobytes that is refused for its operations, not its bytes", () => {
    const bomb = inflatedString(2_000_000);
    expect(bomb.length).toBeLessThan(INFLATION_LIMITS.changeBytes);
    expect(measureAutomerge(bomb, boundedInflate)).toMatchObject({
      ok: false,
      error: { code: "automerge.tooManyOperations", params: { limit: INFLATION_LIMITS.changeOps } },
    });
    expect(measureSyncMessage(syncMessageCarrying([bomb]), boundedInflate)).toMatchObject({ ok: false, error: { code: "automerge.tooManyOperations" } });
  });

  it("is refused in a saved document too, and in a sync message of many changes each under the change limit", () => {
    const doc = A.change(A.from<{ s?: string }>({}), (d) => void (d.s = "t".repeat(INFLATION_LIMITS.documentOps + 1)));
    const saved = A.save(doc);
    expect(saved.length).toBeLessThan(64 * 1024);
    expect(measureAutomerge(saved, boundedInflate)).toMatchObject({
      ok: false,
      error: { code: "automerge.tooManyOperations", params: { limit: INFLATION_LIMITS.documentOps } },
    });
    let many = A.from<{ parts: string[] }>({ parts: [] });
    const changes: Uint8Array[] = [];
    for (let index = 0; index * (INFLATION_LIMITS.changeOps - 10) <= INFLATION_LIMITS.documentOps; index++) {
      many = A.change(many, (d) => void d.parts.push("t".repeat(INFLATION_LIMITS.changeOps - 10)));
      changes.push(A.getLastLocalChange(many)!);
    }
    expect(changes.every((change) => measureAutomerge(change, boundedInflate).ok)).toBe(true);
    expect(measureSyncMessage(syncMessageCarrying(changes), boundedInflate)).toMatchObject({
      ok: false,
      error: { code: "automerge.tooManyOperations", params: { limit: INFLATION_LIMITS.documentOps } },
    });
  });

  it("is refused when one column claims a run of 2^50 operations in nine bytes", () => {
    const run = sleb(2 ** 50);
    const action = [...run, 0];
    // deps, actor, seq, start op, time, message, other actors, then one column: the actions (id 4, unsigned LEB128 run-length).
    const contents = [0, 1, 0xaa, 1, 1, 0, 0, 0, 1, (4 << 4) | 2, action.length, ...action];
    const chunk = new Uint8Array([0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1, ...uleb(contents.length), ...contents]);
    expect(chunk.length).toBeLessThan(32);
    expect(measureAutomerge(chunk, boundedInflate)).toMatchObject({ ok: false, error: { code: "automerge.tooManyOperations" } });
  });
});
