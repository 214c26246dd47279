import { randomBytes } from "node:crypto";
import { appendFile, mkdir, readdir, readFile, rmdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { nobleSigner } from "../../shared/identity/crypto";
import { keyPairFromSecret } from "../../shared/identity/keys";
import { encodeItem, signItem, type SealedItem } from "../../shared/privacy/headers";
import { tempDir } from "../testing/relay-harness";
import { PrivateStore, type Quota } from "./store";

const commune = "0123456789abcdef0123456789abcdef";
const author = keyPairFromSecret(new Uint8Array(32).fill(3));
const admission = keyPairFromSecret(new Uint8Array(32).fill(4));
const genesis = { name: "test", by: author.publicKey, sig: "0".repeat(128) };
const roomy: Quota = { documents: 100, bytes: 10 * 1024 * 1024 };

const firstEpoch = signItem(
  nobleSigner,
  { kind: "epoch", commune, epoch: 1, parent: null, admission: admission.publicKey, by: author.publicKey, at: 1 },
  randomBytes(64),
  author,
);

function batch(document: string, payload: Uint8Array = randomBytes(100)): SealedItem {
  return signItem(nobleSigner, { kind: "batch", commune, document, epoch: "e".repeat(64), by: author.publicKey, at: Date.now() }, payload, author);
}

async function readAll(store: PrivateStore, since = 0): Promise<Array<[number, Uint8Array]>> {
  const items: Array<[number, Uint8Array]> = [];
  await store.read(since, async (seq, bytes) => void items.push([seq, bytes]));
  return items;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function freshStore(quota = roomy): Promise<{ dir: string; store: PrivateStore }> {
  const folder = await tempDir("commune-private-store-");
  const dir = join(folder.path, commune);
  const store = await PrivateStore.create(dir, genesis, [firstEpoch], quota);
  cleanups.push(async () => {
    await store.close();
    await folder.remove();
  });
  return { dir, store };
}

const logFile = async (dir: string): Promise<string> => join(dir, "log", (await readdir(join(dir, "log"))).sort().at(-1)!);

describe("the private store's log", () => {
  it("numbers items in arrival order and streams them back from any sequence number, byte for byte", async () => {
    const { store } = await freshStore();
    const items = [batch("DocumentAAAA1"), batch("DocumentBBBB2"), batch("DocumentAAAA1")];
    const seqs = [];
    for (const item of items) seqs.push(await store.append(item));
    expect(seqs).toEqual([
      { ok: true, seq: 2, duplicate: false },
      { ok: true, seq: 3, duplicate: false },
      { ok: true, seq: 4, duplicate: false },
    ]);
    const after = await readAll(store, 2);
    expect(after.map(([seq]) => seq)).toEqual([3, 4]);
    expect(after.map(([, bytes]) => Buffer.from(bytes))).toEqual([Buffer.from(encodeItem(items[1]!)), Buffer.from(encodeItem(items[2]!))]);
    expect(store.documents).toBe(2);
  });

  it("answers the same item sent twice with its first number, writing nothing", async () => {
    const { dir, store } = await freshStore();
    const item = batch("DocumentAAAA1");
    await store.append(item);
    const size = (await stat(await logFile(dir))).size;
    expect(await store.append(item)).toEqual({ ok: true, seq: 2, duplicate: true });
    expect((await stat(await logFile(dir))).size).toBe(size);
  });

  it("keeps every acknowledged item when the process died in the middle of writing the next one", async () => {
    const { dir, store } = await freshStore();
    const acknowledged = [batch("DocumentAAAA1"), batch("DocumentAAAA1"), batch("DocumentBBBB2")];
    for (const item of acknowledged) expect((await store.append(item)).ok).toBe(true);
    await store.close();
    // kill -9 mid-write: the next record's prefix and half its item reached the disk, no more.
    const torn = encodeItem(batch("DocumentCCCC3"));
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32BE(torn.length, 0);
    prefix.writeUInt32BE(12345, 4);
    await appendFile(await logFile(dir), Buffer.concat([prefix, torn.subarray(0, torn.length / 2)]));

    const reopened = await PrivateStore.open(dir, roomy);
    cleanups.push(() => reopened.close());
    expect(reopened.head).toBe(4);
    const read = await readAll(reopened);
    expect(read.slice(1).map(([, bytes]) => Buffer.from(bytes))).toEqual(acknowledged.map((item) => Buffer.from(encodeItem(item))));
    // The cut leaves a clean tail: the next item lands after the last acknowledged one and reads back after another open.
    expect(await reopened.append(batch("DocumentDDDD4"))).toMatchObject({ ok: true, seq: 5 });
    await reopened.close();
    const again = await PrivateStore.open(dir, roomy);
    cleanups.push(() => again.close());
    expect(again.head).toBe(5);
  });

  it("cuts a last record whose length is whole but whose bytes are not what was written", async () => {
    const { dir, store } = await freshStore();
    await store.append(batch("DocumentAAAA1"));
    await store.close();
    const garbage = randomBytes(300);
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32BE(garbage.length, 0);
    prefix.writeUInt32BE(1, 4);
    await appendFile(await logFile(dir), Buffer.concat([prefix, garbage]));
    const reopened = await PrivateStore.open(dir, roomy);
    cleanups.push(() => reopened.close());
    expect(reopened.head).toBe(2);
  });

  it("rebuilds the epoch tree and the latest snapshot of each document from the log", async () => {
    const { dir, store } = await freshStore();
    const epochs = JSON.parse(await readFile(join(dir, "epochs.json"), "utf8")) as { epochs: Array<{ admission: string; seq: number }> };
    expect(epochs.epochs).toEqual([expect.objectContaining({ admission: admission.publicKey, seq: 1, epoch: 1, parent: null })]);
    const snapshot = signItem(
      nobleSigner,
      { kind: "snapshot", commune, document: "DocumentAAAA1", epoch: "e".repeat(64), by: author.publicKey, at: 2, covers: 1 },
      randomBytes(50),
      author,
    );
    await store.append(snapshot);
    await store.close();
    const reopened = await PrivateStore.open(dir, roomy);
    cleanups.push(() => reopened.close());
    expect(reopened.latestSnapshot("DocumentAAAA1")).toBe(2);
    expect(reopened.tips().map((tip) => tip.admission)).toEqual([admission.publicKey]);
  });

  it("goes on in a new file past a file's size, and reads across files after a crash in the last", async () => {
    const small = { ...roomy, fileBytes: 1_500 };
    const { dir, store } = await freshStore(small);
    const items = Array.from({ length: 8 }, (_, n) => batch(`DocumentAAAA${"ABCDEFGH"[n]!}`, randomBytes(400)));
    for (const item of items) expect((await store.append(item)).ok).toBe(true);
    await store.close();
    const files = (await readdir(join(dir, "log"))).sort();
    expect(files.length).toBeGreaterThan(3);
    await appendFile(join(dir, "log", files.at(-1)!), randomBytes(5));
    const reopened = await PrivateStore.open(dir, small);
    cleanups.push(() => reopened.close());
    expect((await readAll(reopened, 1)).map(([, bytes]) => Buffer.from(bytes))).toEqual(items.map((item) => Buffer.from(encodeItem(item))));
    expect(await reopened.append(batch("DocumentZZZZ9"))).toMatchObject({ ok: true, seq: 10 });
  });

  it("refuses to open a log damaged before its last record rather than drop what follows", async () => {
    const small = { ...roomy, fileBytes: 1_500 };
    const { dir, store } = await freshStore(small);
    for (let n = 0; n < 8; n++) await store.append(batch(`DocumentAAAA${"ABCDEFGH"[n]!}`, randomBytes(400)));
    await store.close();
    const first = join(dir, "log", (await readdir(join(dir, "log"))).sort()[0]!);
    await appendFile(first, randomBytes(20));
    await expect(PrivateStore.open(dir, small)).rejects.toThrow(/damaged/);
  });
});

describe("the private store's quota", () => {
  it("refuses a document past the commune's count before writing a byte", async () => {
    const { dir, store } = await freshStore({ documents: 2, bytes: roomy.bytes });
    await store.append(batch("DocumentAAAA1"));
    await store.append(batch("DocumentBBBB2"));
    const size = (await stat(await logFile(dir))).size;
    const refused = await store.append(batch("DocumentCCCC3"));
    expect(refused).toMatchObject({ ok: false, problem: { code: "private.quota", params: { documents: 2, limit: 2 } } });
    expect((await stat(await logFile(dir))).size).toBe(size);
    // A document it already keeps still takes batches.
    expect(await store.append(batch("DocumentAAAA1"))).toMatchObject({ ok: true });
  });

  it("refuses an item that would pass the commune's bytes, and takes a smaller one", async () => {
    const { dir, store } = await freshStore({ documents: 100, bytes: 4_000 });
    const size = (await stat(await logFile(dir))).size;
    expect(await store.append(batch("DocumentAAAA1", randomBytes(4_000)))).toMatchObject({ ok: false, problem: { code: "private.quota" } });
    expect((await stat(await logFile(dir))).size).toBe(size);
    expect(await store.append(batch("DocumentAAAA1", randomBytes(100)))).toMatchObject({ ok: true, seq: 2 });
  });
});

function snapshot(document: string, covers: number, payload: Uint8Array = randomBytes(300)): SealedItem {
  return signItem(nobleSigner, { kind: "snapshot", commune, document, epoch: "e".repeat(64), by: author.publicKey, at: Date.now(), covers }, payload, author);
}

async function put(store: PrivateStore, item: SealedItem): Promise<number> {
  const appended = await store.append(item);
  if (!appended.ok) throw new Error(appended.problem.message);
  return appended.seq;
}

const seqsOf = async (store: PrivateStore, since = 0): Promise<number[]> => (await readAll(store, since)).map(([seq]) => seq);

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(join(dir, "log"))) total += (await stat(join(dir, "log", name))).size;
  return total;
}

describe("a snapshot compacting the private store", () => {
  it("drops the document's batches and older snapshots it covers, and nothing of another document or the epochs", async () => {
    const { store } = await freshStore();
    const a1 = await put(store, batch("DocumentAAAA1"));
    const b1 = await put(store, batch("DocumentBBBB2"));
    const a2 = await put(store, batch("DocumentAAAA1"));
    const older = await put(store, snapshot("DocumentAAAA1", a2));
    const a3 = await put(store, batch("DocumentAAAA1"));
    const bSnapshot = await put(store, snapshot("DocumentBBBB2", b1));
    expect(await seqsOf(store)).toEqual([1, older, a3, bSnapshot]);
    expect([a1, a2]).toEqual([2, 4]);

    const newest = await put(store, snapshot("DocumentAAAA1", a3));
    expect(await seqsOf(store)).toEqual([1, bSnapshot, newest]);
    expect(store.head).toBe(newest);
    expect(store.latestSnapshotsAndAfter()).toEqual([bSnapshot, newest]);
    // An item listed before a compaction dropped it reads as not kept, not as other bytes.
    expect(await store.keptItem(a3)).toBeUndefined();
    expect(Buffer.from((await store.keptItem(newest))!)).toEqual(Buffer.from(await store.itemAt(newest)));
    // What follows keeps its number, right after the head.
    expect(await put(store, batch("DocumentAAAA1"))).toBe(newest + 1);
  });

  it("keeps every number and what a fetch since any of them brings after a reopen", async () => {
    const { dir, store } = await freshStore();
    for (let n = 0; n < 5; n++) await put(store, batch("DocumentAAAA1"));
    const other = await put(store, batch("DocumentBBBB2"));
    const covering = await put(store, snapshot("DocumentAAAA1", 6));
    const after = await put(store, batch("DocumentAAAA1"));
    const before = await readAll(store);
    await store.close();

    const reopened = await PrivateStore.open(dir, roomy);
    cleanups.push(() => reopened.close());
    expect(reopened.head).toBe(after);
    expect((await readAll(reopened)).map(([seq, bytes]) => [seq, Buffer.from(bytes)])).toEqual(before.map(([seq, bytes]) => [seq, Buffer.from(bytes)]));
    expect(await seqsOf(reopened)).toEqual([1, other, covering, after]);
    expect(await seqsOf(reopened, 3)).toEqual([other, covering, after]);
    expect(await seqsOf(reopened, other)).toEqual([covering, after]);
    expect(reopened.bytes).toBe(store.bytes);
    expect(await reopened.append(batch("DocumentAAAA1"))).toMatchObject({ ok: true, seq: after + 1 });
  });

  it("shrinks the bytes it counts and keeps on disk to what is kept", async () => {
    const { dir, store } = await freshStore();
    for (let n = 0; n < 40; n++) await put(store, batch("DocumentAAAA1", randomBytes(1_000)));
    const full = store.bytes;
    expect(await folderBytes(dir)).toBe(full);
    await put(store, snapshot("DocumentAAAA1", 41, randomBytes(2_000)));
    expect(store.bytes).toBeLessThan(full / 5);
    // The kept records and one gap record of 12 bytes.
    expect(await folderBytes(dir)).toBe(store.bytes + 12);
    expect(await seqsOf(store)).toEqual([1, 42]);
  });

  it("starts a newcomer from the snapshot with the batches numbered past what it covers, those put before it included", async () => {
    const { store } = await freshStore();
    const first = await put(store, batch("DocumentAAAA1"));
    const notCovered = await put(store, batch("DocumentAAAA1"));
    const covering = await put(store, snapshot("DocumentAAAA1", first));
    const later = await put(store, batch("DocumentAAAA1"));
    expect(store.latestSnapshotsAndAfter()).toEqual([covering, notCovered, later]);
    expect(await seqsOf(store)).toEqual([1, notCovered, covering, later]);
  });

  it("answers a newcomer with the smallest documents first, so a commune document compacted after the purse's shards comes before them", async () => {
    const { store } = await freshStore();
    // The founder's first upload: the commune document, then two large shards; then the commune document grows and is compacted.
    const firstCommune = await put(store, snapshot("DocumentCCCC3", 1, randomBytes(4_000)));
    const shardA = await put(store, snapshot("DocumentAAAA1", 1, randomBytes(400_000)));
    const shardB = await put(store, snapshot("DocumentBBBB2", 1, randomBytes(300_000)));
    const checkpoint = await put(store, batch("DocumentCCCC3", randomBytes(6_000)));
    const entry = await put(store, batch("DocumentBBBB2", randomBytes(1_000)));
    const compacted = await put(store, snapshot("DocumentCCCC3", checkpoint, randomBytes(8_000)));
    const invite = await put(store, batch("DocumentCCCC3", randomBytes(6_000)));
    expect(firstCommune).toBe(2);

    // The commune document (8 KB and a 6 KB batch) before shard B (301 KB), before shard A (400 KB); each snapshot before its batches.
    expect(store.latestSnapshotsAndAfter()).toEqual([compacted, invite, shardB, entry, shardA]);
  });

  it("drops nothing for a snapshot that covers 0", async () => {
    const { dir, store } = await freshStore();
    await put(store, batch("DocumentAAAA1"));
    await put(store, batch("DocumentAAAA1"));
    const bytes = store.bytes;
    const covering = await put(store, snapshot("DocumentAAAA1", 0));
    expect(await seqsOf(store)).toEqual([1, 2, 3, covering]);
    expect(store.bytes).toBeGreaterThan(bytes);
    expect(await readdir(join(dir, "log"))).toEqual(["00000001"]);
  });

  it("keeps many documents apart, across a log of many files", async () => {
    const small = { ...roomy, fileBytes: 2_000 };
    const { dir, store } = await freshStore(small);
    const documents = ["DocumentAAAA1", "DocumentBBBB2", "DocumentCCCC3", "DocumentDDDD4", "DocumentEEEE5"];
    const seqs = new Map<string, number[]>(documents.map((document) => [document, []]));
    for (let round = 0; round < 6; round++) {
      for (const document of documents) seqs.get(document)!.push(await put(store, batch(document, randomBytes(300))));
    }
    const filesBefore = (await readdir(join(dir, "log"))).length;
    expect(filesBefore).toBeGreaterThan(5);
    const snapshots = [];
    for (const document of ["DocumentBBBB2", "DocumentDDDD4"]) snapshots.push(await put(store, snapshot(document, store.head, randomBytes(100))));
    const expected = [
      1,
      ...[...seqs].flatMap(([document, batches]) => (document === "DocumentBBBB2" || document === "DocumentDDDD4" ? [] : batches)),
      ...snapshots,
    ].sort((a, b) => a - b);
    expect(await seqsOf(store)).toEqual(expected);
    // Every file was rewritten in place: none is left half made.
    expect((await readdir(join(dir, "log"))).filter((name) => !/^\d{8}$/.test(name))).toEqual([]);
    await store.close();

    const reopened = await PrivateStore.open(dir, small);
    cleanups.push(() => reopened.close());
    expect(await seqsOf(reopened)).toEqual(expected);
    expect(reopened.documents).toBe(5);
    const next = await reopened.append(batch("DocumentAAAA1", randomBytes(300)));
    expect(next).toMatchObject({ ok: true, seq: snapshots.at(-1)! + 1 });
    expect(await seqsOf(reopened, snapshots.at(-1)!)).toEqual([snapshots.at(-1)! + 1]);
  });

  it("serves a fetch that began before a compaction the items as they were, without the dropped ones after", async () => {
    const { store } = await freshStore();
    const items = [];
    for (let n = 0; n < 10; n++) items.push(batch(n % 2 === 0 ? "DocumentAAAA1" : "DocumentBBBB2"));
    for (const item of items) await put(store, item);
    const read: Array<[number, Buffer]> = [];
    await store.read(0, async (seq, bytes) => {
      read.push([seq, Buffer.from(bytes)]);
      // Midway, a snapshot of A compacts the very file this fetch is reading.
      if (seq === 4) await put(store, snapshot("DocumentAAAA1", 11));
    });
    const expected = new Map(items.map((item, n) => [n + 2, Buffer.from(encodeItem(item))]));
    for (const [seq, bytes] of read.slice(1, -1)) expect(bytes, `item ${seq}`).toEqual(expected.get(seq));
    // Past the snapshot, A's batches are holes: only B's and the snapshot itself come.
    expect(read.map(([seq]) => seq)).toEqual([1, 2, 3, 4, 5, 7, 9, 11, 12]);
  });
});

/** One log record as the store writes it: length, CRC-32, the item. */
function record(item: SealedItem): Buffer {
  const bytes = encodeItem(item);
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32BE(bytes.length, 0);
  prefix.writeUInt32BE(crc32(bytes), 4);
  return Buffer.concat([prefix, bytes]);
}

describe("a relay killed while a snapshot compacts its log", () => {
  it("finishes on open a compaction that never began: the snapshot was on disk, the old file whole", async () => {
    const { dir, store } = await freshStore();
    const kept = batch("DocumentBBBB2");
    for (let n = 0; n < 5; n++) await put(store, batch("DocumentAAAA1"));
    await put(store, kept);
    await store.close();
    // The snapshot was written and acknowledged; the kill came before the file was rewritten.
    const covering = snapshot("DocumentAAAA1", 7);
    await appendFile(await logFile(dir), record(covering));

    const reopened = await PrivateStore.open(dir, roomy);
    cleanups.push(() => reopened.close());
    const read = await readAll(reopened);
    expect(read.map(([seq]) => seq)).toEqual([1, 7, 8]);
    expect(read.slice(1).map(([, bytes]) => Buffer.from(bytes))).toEqual([kept, covering].map((item) => Buffer.from(encodeItem(item))));
    expect(await folderBytes(dir)).toBe(reopened.bytes + 12);
  });

  it("opens the old file when the kill left the rewritten copy half made, and loses nothing acknowledged", async () => {
    const { dir, store } = await freshStore();
    const items = [batch("DocumentAAAA1"), batch("DocumentBBBB2"), batch("DocumentAAAA1")];
    for (const item of items) await put(store, item);
    await store.close();
    const old = await readFile(await logFile(dir));
    // A compaction's copy, cut anywhere: never read, and removed.
    await writeFile(`${await logFile(dir)}.tmp`, old.subarray(0, old.length - 7));

    const reopened = await PrivateStore.open(dir, roomy);
    cleanups.push(() => reopened.close());
    expect((await readAll(reopened, 1)).map(([, bytes]) => Buffer.from(bytes))).toEqual(items.map((item) => Buffer.from(encodeItem(item))));
    expect(await readdir(join(dir, "log"))).toEqual(["00000001"]);
    expect(await put(reopened, snapshot("DocumentAAAA1", 4))).toBe(5);
    expect(await seqsOf(reopened)).toEqual([1, 3, 5]);
  });

  it("stores a snapshot whose rewrite could not be written, serves without what it covers, and drops it on disk at the next open", async () => {
    const { dir, store } = await freshStore();
    for (let n = 0; n < 3; n++) await put(store, batch("DocumentAAAA1"));
    const onDisk = await folderBytes(dir);
    // Something sits where the rewritten copy would go, as a full disk would refuse it.
    const copy = join(dir, "log", "00000001.tmp");
    await mkdir(copy);
    expect(await store.append(snapshot("DocumentAAAA1", 4))).toMatchObject({ ok: true, seq: 5 });
    expect(await seqsOf(store)).toEqual([1, 5]);
    expect(await folderBytes(dir)).toBeGreaterThan(onDisk);
    await store.close();

    await rmdir(copy);
    const reopened = await PrivateStore.open(dir, roomy);
    cleanups.push(() => reopened.close());
    expect(await seqsOf(reopened)).toEqual([1, 5]);
    expect(await folderBytes(dir)).toBe(reopened.bytes + 12);
  });

  it("reads a rewritten file's gaps as the same numbers after a reopen, a crash after the rename included", async () => {
    const small = { ...roomy, fileBytes: 1_500 };
    const { dir, store } = await freshStore(small);
    for (let n = 0; n < 8; n++) await put(store, batch(n % 2 === 0 ? "DocumentAAAA1" : "DocumentBBBB2", randomBytes(400)));
    await put(store, snapshot("DocumentAAAA1", 9, randomBytes(50)));
    const before = await readAll(store);
    await store.close();
    const reopened = await PrivateStore.open(dir, small);
    cleanups.push(() => reopened.close());
    expect((await readAll(reopened)).map(([seq, bytes]) => [seq, Buffer.from(bytes)])).toEqual(before.map(([seq, bytes]) => [seq, Buffer.from(bytes)]));
    expect(await seqsOf(reopened)).toEqual([1, 3, 5, 7, 9, 10]);
  });
});
