import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanHistory, type Places, type Sighting } from "./scan";
import { isWholeHistory } from "./whole-history";

const S = (text: string) => new A.ImmutableString(text);

/** A shard-like and proposals-like document, as Commune's readers know them. */
type Doc = { entries: Record<string, unknown>[]; proposals: Record<string, Record<string, unknown>>; shards: Record<string, unknown> };
const places: Places = {
  record: (place) => (place.length === 1 && place[0] === "entries") || (place.length === 2 && place[0] === "proposals"),
  index: (place) => place.length === 2 && place[0] === "shards",
};

const record = (author: string, n: number) => ({
  id: S(`${author}${n}`),
  by: S(author),
  amount: n * 100,
  tags: [S("x"), S(`t${n}`)],
  sig: S(`sig-${author}-${n}`),
});
const plainRecord = (author: string, n: number) => ({ id: `${author}${n}`, by: author, amount: n * 100, tags: ["x", `t${n}`], sig: `sig-${author}-${n}` });

const sightedValues = (sightings: Sighting[], place: string) => sightings.filter((s) => s.place.join("/") === place).map((s) => s.value);

describe("every record the history ever showed", () => {
  it("finds a record that was deleted, and the signed fields of one overwritten in place", () => {
    let doc = A.from<Doc>({ entries: [], proposals: {}, shards: {} });
    doc = A.change(doc, (d) => void d.entries.push(record("ada", 1), record("ada", 2)));
    doc = A.change(doc, (d) => void d.entries.splice(0, 1));
    doc = A.change(doc, (d) => void (d.entries[0]!.amount = 90_000));
    const seen = sightedValues(scanHistory(A.getAllChanges(doc), places), "entries");
    expect(seen).toContainEqual(plainRecord("ada", 1));
    expect(seen).toContainEqual(plainRecord("ada", 2));
    expect(seen).toContainEqual({ ...plainRecord("ada", 2), amount: 90_000 });
  });

  it("sees every value an index key was ever pointed at, and a record filed under a key", () => {
    let doc = A.from<Doc>({ entries: [], proposals: {}, shards: {} });
    doc = A.change(doc, (d) => {
      d.shards["ada/2026"] = S("automerge:first");
      d.proposals.p1 = record("bo", 1);
    });
    doc = A.change(doc, (d) => {
      d.shards["ada/2026"] = S("automerge:empty");
      delete d.proposals.p1;
    });
    const sightings = scanHistory(A.getAllChanges(doc), places);
    expect(sightedValues(sightings, "shards/ada/2026")).toEqual(["automerge:first", "automerge:empty"]);
    expect(sightedValues(sightings, "proposals/p1")).toEqual([plainRecord("bo", 1)]);
  });

  it("holds for 1,000 generated histories: honest appends by three writers, then any tampering, merged in any order", () => {
    type Attack = { kind: "delete" | "overwrite" | "splice" | "move" | "duplicate" | "repoint" | "conflict"; at: number; by: number };
    const attack = fc.record({
      kind: fc.constantFrom("delete", "overwrite", "splice", "move", "duplicate", "repoint", "conflict"),
      at: fc.nat(20),
      by: fc.nat(2),
    }) as fc.Arbitrary<Attack>;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2), fc.boolean()), { minLength: 1, maxLength: 8 }),
        fc.array(attack, { maxLength: 4 }),
        fc.nat(),
        (appends, attacks, seed) => {
          const writers = ["a", "b", "c"].map((name, i) => A.init<Doc>({ actor: `${String(i + 1).repeat(2)}${"0".repeat(30)}` }));
          const base = A.change(writers[0]!, (d) => {
            d.entries = [];
            d.proposals = {};
            d.shards = { "a/2026": S("automerge:start") };
          });
          let copies = writers.map((writer, i) => (i === 0 ? base : A.merge(writer, base)));
          const honest: ReturnType<typeof plainRecord>[] = [];
          appends.forEach(([who, sync], n) => {
            const name = ["a", "b", "c"][who]!;
            copies[who] = A.change(copies[who]!, (d) => void d.entries.push(record(name, n)));
            honest.push(plainRecord(name, n));
            if (sync) copies = copies.map((copy, i) => (i === who ? copy : A.merge(copy, copies[who]!)));
          });
          for (const { kind, at, by } of attacks) {
            copies[by] = A.change(copies[by]!, (d) => {
              const target = d.entries.length === 0 ? undefined : at % d.entries.length;
              if (kind === "repoint") d.shards["a/2026"] = S(`automerge:other${at}`);
              else if (target === undefined) return;
              else if (kind === "delete") d.entries.splice(target, 1);
              else if (kind === "overwrite" || kind === "conflict") d.entries[target]!.amount = at + 1;
              else if (kind === "splice") d.entries.splice(target, 1, record("z", at));
              else if (kind === "move") {
                const [moved] = d.entries.splice(target, 1);
                d.proposals[`p${at}`] = JSON.parse(JSON.stringify(moved)) as Record<string, unknown>;
              } else d.entries.push(JSON.parse(JSON.stringify(d.entries[target])) as Record<string, unknown>);
            });
          }
          const merged = copies.slice(1).reduce((all, copy) => A.merge(all, copy), A.clone(copies[0]!));
          const changes = A.getAllChanges(merged);
          const sightings = scanHistory(changes, places);
          const everSeen = sightings.filter((s) => s.place[0] === "entries").map((s) => sorted(s.value));
          for (const record of honest) expect(everSeen).toContain(sorted(record));
          // The same history in another arrival order gives the same sightings.
          const shuffled = [...changes].sort((x, y) => hashOf(x, seed) - hashOf(y, seed));
          expect(scanHistory(shuffled, places)).toEqual(sightings);
          // Whole history only when nothing was hidden: any delete, overwrite, splice or move hides an operation.
          if (attacks.length === 0) expect(isWholeHistory(merged)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
    // A thousand Automerge histories take ~30 s on two busy cores: a bound on the run, not a timing assertion.
  }, 240_000);
});

/** JSON with keys in order, so two readings of one record compare equal whatever order their keys came in. */
const sorted = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1))) : inner,
  );

/** A stable shuffle key for a change's bytes. */
function hashOf(bytes: Uint8Array, seed: number): number {
  let hash = seed | 0;
  for (const byte of bytes) hash = (Math.imul(hash, 31) + byte) | 0;
  return hash;
}
