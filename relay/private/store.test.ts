import { randomBytes } from "node:crypto";
import { appendFile, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
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
