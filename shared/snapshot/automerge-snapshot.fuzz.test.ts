import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openContainer, writeContainer } from "./automerge-container";
import { storyDocuments } from "../testing/automerge-fixtures";
import { createAutomergeBackup, verifyAutomergeBackup } from "./automerge-snapshot";
import { ada, purseStory } from "../testing/snapshot-fixtures";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

/**
 * Hostile backup files: each mutation of a valid Automerge backup is
 * rejected with a message, and nothing throws. Mutations: bit flips anywhere
 * (header, table of contents, documents), truncations, a table-of-contents
 * value replaced by one of another type, deep nesting, and huge strings.
 */
const story = purseStory();
const now = story.end;
const { file, manifestText, body } = await (async () => {
  const created = await createAutomergeBackup(crypto, storyDocuments(story), ada, now);
  if (!created.ok) throw new Error(created.error.message);
  const opened = openContainer(created.value.bytes);
  if (!opened.ok) throw new Error("not a container");
  return { file: created.value.bytes, manifestText: opened.value.manifestText, body: opened.value.body };
})();

type Path = (string | number)[];
function paths(value: unknown, at: Path = [], into: Path[] = []): Path[] {
  into.push(at);
  if (Array.isArray(value)) value.forEach((item, index) => paths(item, [...at, index], into));
  else if (typeof value === "object" && value !== null) for (const [key, item] of Object.entries(value)) paths(item, [...at, key], into);
  return into;
}

function replaced(path: Path, replacement: unknown): Uint8Array {
  const copy = JSON.parse(manifestText) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  parent[path.at(-1)!] = replacement;
  return writeContainer(JSON.stringify(copy), [body]);
}

const kindOf = (value: unknown) => (Array.isArray(value) ? "array" : value === null ? "null" : typeof value);

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

function mutations() {
  const tree = JSON.parse(manifestText) as unknown;
  const allPaths = paths(tree).slice(1);
  const valueAt = (path: Path): unknown => path.reduce<unknown>((value, step) => (value as Record<string | number, unknown>)[step], tree);
  return fc.oneof(
    fc.record({ at: fc.nat(file.length - 1), bit: fc.nat(7) }).map(({ at, bit }) => {
      const flipped = file.slice();
      flipped[at]! ^= 1 << bit;
      return flipped;
    }),
    fc.nat(file.length - 1).map((length) => file.slice(0, length)),
    fc
      .record({ path: fc.constantFrom(...allPaths), value: otherValues })
      .filter(({ path, value }) => kindOf(valueAt(path)) !== kindOf(value))
      .map(({ path, value }) => replaced(path, value)),
    fc.record({ path: fc.constantFrom(...allPaths), depth: fc.integer({ min: 17, max: 60_000 }) }).map(({ path, depth }) => {
      const marker = "__deep__";
      const copy = JSON.parse(manifestText) as Record<string | number, unknown>;
      let parent: Record<string | number, unknown> = copy;
      for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
      parent[path.at(-1)!] = marker;
      return writeContainer(JSON.stringify(copy).replace(`"${marker}"`, `${"[".repeat(depth)}${"]".repeat(depth)}`), [body]);
    }),
  );
}

describe("hostile Automerge backups", () => {
  it("rejects 1,000 mutated backups, each with a message, never throwing", async () => {
    await fc.assert(
      fc.asyncProperty(mutations(), async (mutated) => {
        fc.pre(mutated.length !== file.length || mutated.some((byte, i) => byte !== file[i]));
        const result = await verifyAutomergeBackup(crypto, mutated, now);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.message.length).toBeGreaterThan(10);
      }),
      { numRuns: 1000 },
    );
    // And the reader still works after all of that.
    expect((await verifyAutomergeBackup(crypto, file, now)).ok).toBe(true);
  }, 300_000);

  it("rejects a 50 MB string in the table of contents, and 50 MB of noise where a document belongs", async () => {
    const huge = "x".repeat(50 * 1024 * 1024);
    const manifestBytes = new TextEncoder().encode(JSON.stringify({ ...(JSON.parse(manifestText) as object), commune: { name: huge } }));
    const framed = new Uint8Array(16 + manifestBytes.length + body.length);
    framed.set(file.subarray(0, 12));
    new DataView(framed.buffer).setUint32(12, manifestBytes.length);
    framed.set(manifestBytes, 16);
    framed.set(body, 16 + manifestBytes.length);
    expect(await verifyAutomergeBackup(crypto, framed, now)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: "Not a Commune Automerge backup: its table of contents claims to be over 16 MB." }),
    });
    const noise = new Uint8Array(50 * 1024 * 1024).fill(0x85);
    const manifest = JSON.parse(manifestText) as { documents: { bytes: number }[] };
    const lengths = manifest.documents.map((document) => document.bytes);
    const shards = body.subarray(lengths[0]!);
    manifest.documents[0]!.bytes = noise.length;
    const result = await verifyAutomergeBackup(crypto, writeContainer(JSON.stringify(manifest), [noise, shards]), now);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ message: "Document #1 (the commune) is damaged: Automerge cannot load it." }) });
  }, 60_000);

  it("rejects a 50 MB memo inside a purse shard, naming the entry", async () => {
    const documents = storyDocuments(story);
    const shard = documents.find((document) => document.role === "purse-shard")!;
    shard.doc = A.change(shard.doc as A.Doc<{ entries: { memo: unknown }[] }>, (doc) => {
      doc.entries[0]!.memo = new A.ImmutableString("x".repeat(50 * 1024 * 1024));
    });
    const created = await createAutomergeBackup(crypto, documents, ada, now);
    if (!created.ok) throw new Error(created.error.message);
    const result = await verifyAutomergeBackup(crypto, created.value.bytes, now);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/^In the 2026 purse shard of \w{8}: Entry #1 is malformed: memo must be at most 1000 characters\.$/);
  }, 60_000);
});
