import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { everyRecord, PLACES, rewrittenProblem, tamperingProblem } from "./every-record";

const S = (text: string) => new A.ImmutableString(text);
const entry = (n: number, amount: number) => ({ id: S(`e${n}`), by: S("a".repeat(64)), amount, sig: S(`sig${n}-${amount}`) });
type Shard = { type: A.ImmutableString; entries: ReturnType<typeof entry>[] };

function shard(...amounts: number[]): A.Doc<Shard> {
  let doc = A.from<Shard>({ type: S("purse-shard"), entries: [] });
  amounts.forEach((amount, n) => (doc = A.change(doc, (d) => void d.entries.push(entry(n, amount)))));
  return doc;
}

const read = (doc: A.Doc<unknown>, kind: keyof typeof PLACES = "purse-shard") => everyRecord(doc, PLACES[kind], () => A.getAllChanges(doc));
const entriesOf = (value: unknown) => (value as { entries: { sig: string }[] }).entries.map((e) => e.sig);

describe("a document read by the signed-history rule", () => {
  it("reads a shard with the owner it was made with when a peer rewrites it, and says so", () => {
    const ada = "a".repeat(64);
    let doc = A.from<Record<string, unknown>>({ type: S("purse-shard"), owner: S(ada), entries: [entry(0, 1000)] });
    doc = A.change(doc, (d) => void (d["owner"] = S("not a key")));
    const { doc: restored, rewritten } = read(doc);
    expect((restored as { owner: string }).owner).toBe(ada);
    expect(rewritten).toEqual([{ field: "owner", made: ada, now: "not a key" }]);
    expect(rewrittenProblem("purse-shard", rewritten[0]!, ada, () => "Ada").reason).toBe(
      `Ada's part of the purse was made with owner "${ada.slice(0, 37)}..."; someone changed it to "not a key". It is read as it was made.`,
    );
  });

  it("puts proposals and votes back in maps when a peer replaced their maps with text and a number", () => {
    const proposal = { id: S("p1"), by: S("a".repeat(64)), sig: S("sig-p1") };
    const vote = { proposal: S("p1"), by: S("b".repeat(64)), sig: S("sig-v1") };
    let doc = A.from<Record<string, unknown>>({ type: S("proposals"), proposals: { p1: proposal }, votes: { p1: [vote] } });
    doc = A.change(doc, (d) => {
      d["proposals"] = S("none");
      d["votes"] = 7;
    });
    const restored = read(doc, "proposals").doc as { proposals: Record<string, { sig: string }>; votes: Record<string, { sig: string }[]> };
    expect(restored.proposals["p1"]?.sig).toBe("sig-p1");
    expect(restored.votes["p1"]?.map((v) => v.sig)).toEqual(["sig-v1"]);
  });

  it("reads the commune's links to its other documents as it was founded with when a peer deletes them", () => {
    let doc = A.from<Record<string, unknown>>({ type: S("commune"), docs: { proposals: S("automerge:p"), inventory: S("automerge:i") } });
    doc = A.change(doc, (d) => void delete d["docs"]);
    const { doc: restored, rewritten } = read(doc, "commune");
    expect((restored as { docs: unknown }).docs).toEqual({ proposals: "automerge:p", inventory: "automerge:i" });
    expect(rewritten.map((r) => r.field).sort()).toEqual(["docs/inventory", "docs/proposals"]);
  });

  it("puts a shard's entries back in a list when a peer replaced the list with text", () => {
    let doc = A.from<Record<string, unknown>>({ type: S("purse-shard"), entries: [entry(0, 1000), entry(1, 30)] });
    doc = A.change(doc, (d) => void (d["entries"] = S("gone")));
    const { doc: restored, tampered } = read(doc);
    expect(entriesOf(restored)).toEqual(["sig0-1000", "sig1-30"]);
    expect(tampered.map((t) => [t.kind, t.id])).toEqual([
      ["deleted", "e0"],
      ["deleted", "e1"],
    ]);
  });

  it("is the document itself when nothing was ever hidden", () => {
    const doc = shard(1000, 30);
    expect(read(doc)).toEqual({ doc, tampered: [], indexes: new Map(), firstChange: new Map(), displaced: [], rewritten: [] });
  });

  it("puts a deleted entry back and says it was deleted", () => {
    const doc = A.change(shard(1000, 30), (d) => void d.entries.splice(0, 1));
    const { doc: restored, tampered } = read(doc);
    expect(entriesOf(restored)).toEqual(["sig0-1000", "sig1-30"]);
    expect(tampered).toEqual([{ kind: "deleted", place: ["entries"], id: "e0", by: "a".repeat(64), changed: [] }]);
  });

  it("keeps the signed original of an entry altered in place, and names what changed", () => {
    const doc = A.change(shard(1000, 30), (d) => void (d.entries[1]!.amount = 3));
    const { doc: restored, tampered } = read(doc);
    expect((restored as { entries: { amount: number }[] }).entries.map((e) => e.amount)).toEqual([1000, 30]);
    expect(tampered).toEqual([{ kind: "overwritten", place: ["entries"], id: "e1", by: "a".repeat(64), changed: [{ field: "amount", signed: 30, now: 3 }] }]);
  });

  it("keeps a proposal's first version under its key and every value an index key was set to", () => {
    let doc = A.from<Record<string, unknown>>({ proposals: {}, shards: {} });
    doc = A.change(doc, (d) => {
      (d.proposals as Record<string, unknown>).p1 = { id: S("p1"), by: S("b".repeat(64)), amount: 100, sig: S("first") };
      (d.shards as Record<string, unknown>)["k/2026"] = S("automerge:full");
    });
    doc = A.change(doc, (d) => {
      (d.proposals as Record<string, unknown>).p1 = { id: S("p1"), by: S("b".repeat(64)), amount: 900, sig: S("second") };
      (d.shards as Record<string, unknown>)["k/2026"] = S("automerge:empty");
    });
    const proposals = read(doc, "proposals");
    expect((proposals.doc as { proposals: Record<string, { amount: number }> }).proposals.p1?.amount).toBe(100);
    expect(proposals.tampered[0]).toMatchObject({
      kind: "overwritten",
      id: "p1",
      changed: expect.arrayContaining([{ field: "amount", signed: 100, now: 900 }]),
    });
    expect(read(doc, "commune").indexes.get("shards/k/2026")).toEqual(["automerge:full", "automerge:empty"]);
  });
});

describe("a hostile value in a tampered record", () => {
  it("is shown as its digits when it is an integer too large for a number, instead of failing the read", () => {
    const problem = tamperingProblem(
      { kind: "overwritten", place: ["entries"], id: "e1", by: undefined, changed: [{ field: "amount", signed: 100, now: 2n ** 64n }] },
      () => "Ada",
    );
    expect(problem.reason).toContain(`amount: 100 → "18446744073709551616"`);
  });
});
