import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateKeyPair, randomId } from "../identity/keys";
import { checkSignature, sign } from "../identity/signed";
import type { SignedEntry } from "../purse/entry";
import { fromStored, toStored, type Stored } from "./automerge-form";
import { describeMalformed, readCommuneDoc, readInventoryDoc, readProposalsDoc, readPurseShardDoc, type PurseShardDoc } from "./documents";
import { ada, bo, comment, commune, communeDoc, entry, inventoryDoc, proposal, proposalsDoc, purseShardDoc, T0, vote } from "../testing/sample-docs";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const READERS = { readCommuneDoc, readPurseShardDoc, readProposalsDoc, readInventoryDoc };

/** A realistic entry with every field a disbursement to a member carries, signed with a fresh key pair. */
function realisticEntry(): SignedEntry {
  const author = generateKeyPair();
  return sign(
    crypto,
    "entry",
    {
      commune: randomId(),
      id: randomId(),
      kind: "disbursement",
      at: Date.UTC(2026, 2, 14, 9, 30),
      amount: 4250,
      currency: "EUR",
      memo: "Reimbursement: seeds and compost for the spring beds",
      to: generateKeyPair().publicKey,
      proposal: randomId(),
    } as const,
    author,
  );
}

/** Operations one change appending `record` to a shard's entries costs. */
function opsToAppend(record: unknown): number {
  let doc = A.from<{ entries: unknown[] }>({ entries: [] });
  const before = A.stats(doc).numOps;
  doc = A.change(doc, (d) => {
    d.entries.push(record);
  });
  return A.stats(doc).numOps - before;
}

describe("what one purse entry costs in Automerge", () => {
  it("stores a signed entry in at most 12 operations when its strings are ImmutableStrings", () => {
    const signed = realisticEntry();
    expect(Object.keys(signed)).toHaveLength(11);
    // One operation to insert the entry's map into the list, one per field: the length of a string costs nothing.
    expect(opsToAppend(toStored(signed))).toBeLessThanOrEqual(12);
  });

  it("costs over five times as many operations with plain strings, which Automerge 3 stores as collaborative text, one op per character", () => {
    const signed = realisticEntry();
    const stored = opsToAppend(toStored(signed));
    const plain = opsToAppend({ ...signed });
    // Measured: 12 stored, ~417 plain (the signature alone is 128 characters).
    expect(plain).toBeGreaterThan(5 * stored);
    expect(plain).toBeGreaterThan(300);
  });
});

describe("round trip through Automerge", () => {
  it("gives back the same plain shard after toStored, save, load and fromStored", () => {
    const plain = purseShardDoc([entry(), entry({ id: "second", kind: "transfer", to: bo.publicKey, amount: 100, memo: "" })]);
    const loaded = A.load<unknown>(A.save(A.from(toStored(plain))));
    expect(fromStored(loaded)).toEqual(plain);
  });

  it("reads every kind of document straight from a loaded Automerge doc, with nothing malformed", () => {
    const cases = [
      [communeDoc(), readCommuneDoc],
      [purseShardDoc(), readPurseShardDoc],
      [proposalsDoc(), readProposalsDoc],
      [inventoryDoc(), readInventoryDoc],
    ] as const;
    for (const [plain, read] of cases) {
      const loaded = A.load<unknown>(A.save(A.from(toStored(plain))));
      expect(read(loaded)).toEqual({ ok: true, value: { doc: plain, malformed: [] } });
    }
  });

  it("keeps signatures valid across the round trip", () => {
    const plain = purseShardDoc([entry(), entry({ id: "second", amount: 7 })]);
    let doc = A.from<Stored<PurseShardDoc>>(toStored({ ...plain, entries: [] }));
    for (const signed of plain.entries) {
      doc = A.change(doc, (d) => {
        d.entries.push(toStored(signed));
      });
    }
    const read = readPurseShardDoc(A.load(A.save(doc)));
    expect(read.ok && read.value.doc.entries.map((e) => checkSignature(crypto, "entry", e))).toEqual([undefined, undefined]);
  });

  it("reads the proxy Automerge hands out inside a change, as a host does before it appends", () => {
    const doc = A.from(toStored(purseShardDoc()));
    let read: unknown;
    A.change(doc, (d) => {
      read = readPurseShardDoc(d);
    });
    expect(read).toEqual({ ok: true, value: { doc: purseShardDoc(), malformed: [] } });
  });

  it("reads a document appended to with plain strings (collaborative text) too", () => {
    let doc = A.from(toStored({ ...purseShardDoc(), entries: [] }) as unknown as { entries: unknown[] });
    doc = A.change(doc, (d) => {
      d.entries.push({ ...entry() });
    });
    const read = readPurseShardDoc(doc);
    expect(read.ok && read.value.doc.entries).toEqual([entry()]);
  });
});

describe("schema versions", () => {
  it("reads a document that says a newer version saved it, and names the newer schema beside its records", () => {
    // The schema number is unsigned: anyone holding the document can raise it, so it cannot take signed records out of count.
    const read = readCommuneDoc({ ...communeDoc(), schema: 2 });
    expect(read.ok && read.value.doc).toEqual(communeDoc());
    expect(read.ok && read.value.schemaNote).toEqual({
      code: "document.newerSchema",
      message:
        "This commune says it was saved by a newer version of Commune (document schema 2; this version reads up to 1). The records this version can read count as before; update Commune to read the rest.",
      params: { schema: 2, supported: 1 },
    });
    const shard = readPurseShardDoc({ ...purseShardDoc(), schema: 99 });
    expect(shard.ok && shard.value.doc.entries).toEqual(purseShardDoc().entries);
    expect(shard.ok && shard.value.schemaNote?.code).toBe("document.newerSchema");
  });

  it("asks for an update, not a repair, when a newer document's envelope is beyond this version", () => {
    const read = readPurseShardDoc(toStored({ schema: 7, type: "purse-shard", ledger: { v7: true } }));
    expect(read).toEqual({
      ok: false,
      error: {
        code: "document.newerSchema",
        message: "This part of the purse was saved by a newer version of Commune (document schema 7; this version reads up to 1). Update Commune to open it.",
        params: { schema: 7, supported: 1 },
      },
    });
  });

  it("refuses a document of the wrong type, naming what it is", () => {
    expect(readInventoryDoc(proposalsDoc())).toEqual({
      ok: false,
      error: expect.objectContaining({ message: "This is not a Commune inventory document (it is a Commune proposals document)." }),
    });
  });

  it("ignores unknown top-level keys of a document it can read", () => {
    const read = readPurseShardDoc({ ...purseShardDoc(), colour: "green" });
    expect(read.ok && read.value.doc).toEqual(purseShardDoc());
  });
});

describe("a shard with malformed entries", () => {
  const good = entry();
  const malformedEntries: [unknown, RegExp][] = [
    [{ ...entry({ id: "text-amount" }), amount: "12" }, /^amount must be a positive whole number of minor units$/],
    [{ ...entry({ id: "infinite" }), amount: JSON.parse("1e309") }, /^amount must be a positive whole number/],
    [entry({ id: "negative", amount: -500 }), /^amount must be a positive whole number/],
    [{ ...entry({ id: "minus-zero" }), amount: -0 }, /^amount must be a positive whole number/],
    [{ ...entry({ id: "float" }), amount: 1.5 }, /^amount must be a positive whole number/],
    [(({ sig: _sig, ...unsigned }) => unsigned)(entry({ id: "unsigned" })), /^sig is missing$/],
    [{ ...entry({ id: "unknown-kind" }), kind: "gift" }, /^kind must be one of contribution, disbursement, transfer, exchange, void$/],
    ["a string where an entry belongs", /is not a record \(it is text\)/],
    [null, /is not a record \(it is null\)/],
  ];

  const shard: PurseShardDoc = purseShardDoc([good, ...(malformedEntries.map(([raw]) => raw) as SignedEntry[]), good]);

  it("still reads, keeping the well-formed entries", () => {
    const read = readPurseShardDoc(shard);
    expect(read.ok && read.value.doc.entries).toEqual([good, good]);
  });

  it("reports each malformed entry with its index, its id when readable, and a reason", () => {
    const read = readPurseShardDoc(shard);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.malformed.map((m) => m.index)).toEqual(malformedEntries.map((_, i) => i + 1));
    read.value.malformed.forEach((m, i) => {
      expect(m.list).toBe("entries");
      expect(m.reason).toMatch(malformedEntries[i]![1]);
    });
    expect(read.value.malformed[0]).toMatchObject({ id: "text-amount", by: ada.publicKey });
  });

  it("leaves trust questions (whose shard, which commune) to the purse, which shows such entries as untrusted", () => {
    const misplaced = [entry({ id: "bo-in-ada-shard" }, bo), entry({ id: "other-commune", commune: "0".repeat(32) })];
    const read = readPurseShardDoc(purseShardDoc(misplaced));
    expect(read.ok && read.value.doc.entries).toEqual(misplaced);
  });

  it("reads the same from an Automerge document that holds the malformed entries", () => {
    const stored = A.load<unknown>(A.save(A.from(toStored(shard))));
    expect(readPurseShardDoc(stored)).toEqual(readPurseShardDoc(shard));
  });

  it("describes a malformed entry for people, counting from 1", () => {
    const read = readPurseShardDoc(purseShardDoc([good, { ...good, amount: "12" } as unknown as SignedEntry]));
    expect(read.ok && read.value.malformed.map(describeMalformed)).toEqual(["Entry #2 is malformed: amount must be a positive whole number of minor units"]);
  });
});

describe("other documents with malformed records", () => {
  it("leaves out a vote filed under the wrong proposal and keeps the others", () => {
    const doc = proposalsDoc();
    doc.votes["p1"]!.push(vote({ proposal: "p2" }));
    const read = readProposalsDoc(doc);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.doc.votes["p1"]).toHaveLength(2);
    expect(read.value.malformed).toEqual([
      { list: "votes", key: "p1", index: 2, by: bo.publicKey, reason: 'is filed under proposal "p1" but is a vote on "p2"' },
    ]);
  });

  it("leaves out a comment filed under the wrong proposal and keeps the others", () => {
    const doc = proposalsDoc();
    doc.comments!["p1"]!.push(comment({ id: "c3", proposal: "p2" }));
    const read = readProposalsDoc(doc);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.doc.comments!["p1"]).toHaveLength(2);
    expect(read.value.malformed.map(describeMalformed)).toEqual([
      'Comment #3 on proposal "p1" is malformed: is filed under proposal "p1" but is a comment on "p2"',
    ]);
  });

  it("leaves out a comment that is empty, or both a retraction and a text", () => {
    const doc = proposalsDoc();
    doc.comments!["p1"]!.push(comment({ id: "c3", text: " \n " }), comment({ id: "c4", retracts: "c1" }));
    const read = readProposalsDoc(doc);
    expect(read.ok && read.value.malformed.map((m) => [m.id, m.reason])).toEqual([
      ["c3", "text must not be empty"],
      ["c4", "text a retraction carries no text"],
    ]);
  });

  it("reads a proposals document made before discussions existed as having none", () => {
    const { comments: _none, ...older } = proposalsDoc();
    const read = readProposalsDoc(older);
    expect(read.ok && read.value.doc.comments).toEqual({});
    expect(read.ok && read.value.malformed).toEqual([]);
  });

  it("leaves out a proposal filed under another id and votes that are not a list", () => {
    const doc = { ...proposalsDoc(), votes: { p1: "yes please" } } as unknown as ReturnType<typeof proposalsDoc>;
    doc.proposals["p9"] = proposal({ id: "p1" });
    const read = readProposalsDoc(doc);
    expect(read.ok && read.value.malformed.map(describeMalformed)).toEqual([
      'Proposal "p9" is malformed: is filed under "p9" but its id is "p1"',
      'The votes on proposal "p1" are malformed: are text, not a list',
    ]);
  });

  it("leaves out a knowledge item with a javascript: link", () => {
    const doc = inventoryDoc();
    doc.items["compost"]!.push({ ...doc.items["compost"]![0]!, version: 3, link: "JaVaScRiPt:alert(1)" });
    const read = readInventoryDoc(doc);
    expect(read.ok && read.value.malformed.map((m) => [m.key, m.index, m.reason])).toEqual([["compost", 2, "link must start with http:// or https://"]]);
  });

  it("leaves out a bad relay address and a shard link under a malformed key", () => {
    const doc = communeDoc();
    doc.relays.push("file:///etc/passwd");
    doc.shards["not-a-key"] = doc.shards[`${ada.publicKey}/2026`]!;
    const read = readCommuneDoc(doc);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.doc.relays).toEqual(["wss://relay.example.org"]);
    expect(Object.keys(read.value.doc.shards)).toEqual([`${ada.publicKey}/2026`]);
    expect(read.value.malformed.map(describeMalformed)).toEqual([
      "Relay address #2 is malformed: must start with ws:// or wss://",
      'The link to purse shard "not-a-key" is malformed: is filed under a key that is not "<owner public key>/<year>"',
    ]);
  });

  it("reads a commune made before epoch records as having none, and leaves out an epoch record that is not base64", () => {
    const before = readCommuneDoc(communeDoc());
    expect(before.ok && before.value.doc.epochs).toBeUndefined();
    expect(before.ok && before.value.malformed).toEqual([]);
    const read = readCommuneDoc({ ...communeDoc(), epochs: ["AAAABHt9fX0=", "not base64!", 7] });
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.doc.epochs).toEqual(["AAAABHt9fX0="]);
    expect(read.value.malformed.map(describeMalformed)).toEqual([
      "Epoch record #2 is malformed: must be an encoded epoch record (base64)",
      "Epoch record #3 is malformed: must be an encoded epoch record (base64)",
    ]);
  });

  it("cannot read a commune whose founding record is malformed", () => {
    const read = readCommuneDoc({ ...communeDoc(), genesis: { ...communeDoc().genesis, rules: { quorumPercent: 50 } } });
    expect(read.ok).toBe(false);
    expect(!read.ok && read.error.message).toMatch(/^This commune's document is damaged: genesis\.rules\.thresholdPercent is missing/);
  });
});

describe("garbage in place of a document", () => {
  const garbage: unknown[] = [
    null,
    undefined,
    42,
    "commune",
    [],
    [communeDoc()],
    {},
    { type: "commune" },
    { type: "commune", schema: "1" },
    { type: "commune", schema: 1.5 },
    { type: "commune", schema: -1 },
    { type: "purse-shard", schema: 1 },
    { type: "purse-shard", schema: 1, commune, owner: ada.publicKey, period: "2026", entries: "none" },
    { type: "purse-shard", schema: 1, commune, owner: ada.publicKey, period: "2026", entries: { 0: entry() } },
    { type: "proposals", schema: 1, commune, proposals: [], votes: {} },
    { type: "inventory", schema: 1, commune, items: null },
    { type: "commune", schema: 1, genesis: "founded", events: [], relays: [], docs: {}, shards: {}, partners: {} },
  ];

  it("gives an error, never a throw, for every reader", () => {
    for (const raw of garbage) {
      for (const read of Object.values(READERS)) {
        const result = read(raw);
        expect(result.ok).toBe(false);
        expect(!result.ok && result.error.message).toMatch(/^(This is not a Commune|This .* is damaged|This commune's .* is damaged)/);
      }
    }
  });

  it("says what is wrong with a shard whose entries are not a list", () => {
    expect(readPurseShardDoc(garbage[12])).toEqual({
      ok: false,
      error: expect.objectContaining({ message: "This part of the purse is damaged: entries is text, not a list." }),
    });
  });

  it("reads a commune whose unsigned lists a peer replaced with something else as having none of them, and says so", () => {
    const read = readCommuneDoc({ ...communeDoc(), relays: "gone", shards: 5, partners: [] });
    expect(read.ok && read.value.doc.relays).toEqual([]);
    expect(read.ok && read.value.doc.shards).toEqual({});
    expect(read.ok && read.value.malformed.map(describeMalformed)).toEqual([
      "The commune's relay addresses are text, not a list; read as none",
      "The commune's links to its purse shards are a number, not a map; read as none",
      "The commune's partners are a list, not a map; read as none",
    ]);
  });

  it("survives nesting far deeper than any record", () => {
    let deep: unknown = entry();
    for (let i = 0; i < 100_000; i++) deep = { memo: deep };
    const read = readPurseShardDoc(purseShardDoc([entry(), deep as SignedEntry]));
    expect(read.ok && read.value.malformed.map((m) => m.index)).toEqual([1]);
  });

  it("never throws on arbitrary values, in any place of a shard", () => {
    fc.assert(
      fc.property(fc.anything(), fc.constantFrom("commune", "owner", "period", "entries", "schema", "type"), (value, key) => {
        expect(() => readPurseShardDoc(value)).not.toThrow();
        expect(() => readPurseShardDoc({ ...purseShardDoc(), [key]: value })).not.toThrow();
        expect(() => readPurseShardDoc(purseShardDoc([value as SignedEntry]))).not.toThrow();
      }),
    );
  });

  it("never throws when any field of any record is replaced by an arbitrary value", () => {
    const docs = [
      [communeDoc(), readCommuneDoc, ["events", 0]],
      [purseShardDoc(), readPurseShardDoc, ["entries", 0]],
      [proposalsDoc(), readProposalsDoc, ["proposals", "p1"]],
      [inventoryDoc(), readInventoryDoc, ["items", "compost", 0]],
    ] as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.string(), fc.anything(), (which, field, value) => {
        const [plain, read, path] = docs[which]!;
        const doc = structuredClone(plain) as unknown as Record<string, unknown>;
        let record: Record<string | number, unknown> = doc;
        for (const step of path) record = record[step] as Record<string | number, unknown>;
        record[field] = value;
        expect(() => read(doc)).not.toThrow();
        expect(read(doc).ok).toBe(true);
      }),
    );
  });
});

it("reports nothing malformed for the sample documents, so the tests above start from good data", () => {
  expect(readPurseShardDoc(purseShardDoc())).toEqual({ ok: true, value: { doc: purseShardDoc(), malformed: [] } });
  expect(commune).toMatch(/^[0-9a-f]{32}$/);
  expect(T0).toBe(Date.UTC(2026, 0, 1));
});
