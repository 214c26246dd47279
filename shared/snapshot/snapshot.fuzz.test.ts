import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSnapshot, parseSnapshotText } from "./json-snapshot";
import { ada, purseStory } from "../testing/snapshot-fixtures";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

/**
 * Hostile snapshot files: each mutation of a valid snapshot is rejected with
 * a message, and nothing throws. Mutations: bit flips, truncations, a value
 * replaced by one of another type, and a value replaced by deep nesting.
 */
const story = purseStory();
const now = story.end;
const text = JSON.stringify(createSnapshot(crypto, story.input, ada, { now }));
const tree = JSON.parse(text) as unknown;

type Path = (string | number)[];
function paths(value: unknown, at: Path = [], into: Path[] = []): Path[] {
  into.push(at);
  if (Array.isArray(value)) value.forEach((item, index) => paths(item, [...at, index], into));
  else if (typeof value === "object" && value !== null) for (const [key, item] of Object.entries(value)) paths(item, [...at, key], into);
  return into;
}
const allPaths = paths(tree).slice(1);

function replaced(path: Path, replacement: unknown): string {
  const copy = JSON.parse(text) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  parent[path.at(-1)!] = replacement;
  return JSON.stringify(copy);
}

const kindOf = (value: unknown) => (Array.isArray(value) ? "array" : value === null ? "null" : typeof value);
function valueAt(path: Path): unknown {
  let value: unknown = tree;
  for (const step of path) value = (value as Record<string | number, unknown>)[step];
  return value;
}

const otherValues = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant(-0),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.constant("__proto__"),
  fc.constant({ __proto__: { polluted: true } }),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(text.length - 1), bit: fc.nat(15) }).map(({ at, bit }) => {
    const flipped = String.fromCharCode(text.charCodeAt(at) ^ (1 << bit));
    return text.slice(0, at) + flipped + text.slice(at + 1);
  }),
  fc.nat(text.length - 1).map((length) => text.slice(0, length)),
  fc
    .record({ path: fc.constantFrom(...allPaths), value: otherValues })
    .filter(({ path, value }) => kindOf(valueAt(path)) !== kindOf(value))
    .map(({ path, value }) => replaced(path, value)),
  fc.record({ path: fc.constantFrom(...allPaths), depth: fc.integer({ min: 65, max: 60_000 }) }).map(({ path, depth }) => {
    const marker = "__deep__";
    return replaced(path, marker).replace(`"${marker}"`, `${"[".repeat(depth)}${"]".repeat(depth)}`);
  }),
);

describe("hostile snapshot files", () => {
  it("rejects 1,000 mutated snapshots, each with a message, never throwing", () => {
    fc.assert(
      fc.property(mutation, (mutated) => {
        fc.pre(mutated !== text);
        const result = parseSnapshotText(crypto, mutated, now);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.message.length).toBeGreaterThan(10);
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it("rejects a 50 MB string where a memo belongs, and in a field the signatures cover", () => {
    const huge = "x".repeat(50 * 1024 * 1024);
    const inMemo = replaced(["entries", 0, "entry", "memo"], huge);
    expect(parseSnapshotText(crypto, inMemo, now)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: "The snapshot is malformed: entries[0].entry.memo must be at most 1000 characters." }),
    });
    const inExtraField = replaced(["entries", 0, "entry", "note"], huge);
    const result = parseSnapshotText(crypto, inExtraField, now);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/^Entry #1 \(by \w+, 2026-01-06\) was altered after it was signed\.$/);
  }, 60_000);
});
