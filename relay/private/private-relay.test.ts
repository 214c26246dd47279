import { randomBytes } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bytesToHex } from "@noble/hashes/utils.js";
import { nobleSigner } from "../../shared/identity/crypto";
import { decodeItem, encodeItem, idOfItem, signItem } from "../../shared/privacy/headers";
import { startRelay, type RelayLogEvent, type RunningRelay } from "../relay";
import { batchItem, epochRecord, newKeys, PrivateClient, privateCommune } from "../testing/private-client";
import { tempDir, waitFor } from "../testing/relay-harness";
import { fromBase64 } from "./protocol";

let relay: RunningRelay;
let dataDir: { path: string; remove(): Promise<void> };
let logs: RelayLogEvent[];
const clients: PrivateClient[] = [];

beforeEach(async () => {
  dataDir = await tempDir("commune-private-relay-");
  logs = [];
  relay = await startRelay({ port: 0, dataDir: dataDir.path, log: (event) => logs.push(event) });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await relay.close();
  await dataDir.remove();
});

/** Every file's bytes under `path`: what the relay keeps on disk. */
async function folderBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function connect(): Promise<PrivateClient> {
  const client = await PrivateClient.connect(relay.url);
  clients.push(client);
  return client;
}

/** A commune registered on the relay by its founder, who stays connected. */
async function registered(options: { anchored?: boolean } = {}) {
  const commune = privateCommune(options);
  const founder = await connect();
  const welcome = await founder.join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first] });
  expect(welcome).toEqual({ type: "welcome", epoch: commune.firstId, head: 1 });
  return { ...commune, founderSocket: founder };
}

describe("registering a private commune", () => {
  it("refuses a squatter who has the signed genesis but not the admission key it names, and registers the real member after", async () => {
    const commune = privateCommune();
    // The squatter makes up a first epoch with an admission key of their own.
    const squatter = newKeys();
    const madeUp = epochRecord(commune.id, 1, null, squatter, squatter);
    const refusedChain = await (await connect()).hello(commune.id, { genesis: commune.genesis, epochs: [madeUp] });
    expect(refusedChain).toMatchObject({ type: "refused", code: "private.registration" });
    expect(refusedChain.reason).toContain("admission key is not the one the commune's founding anchor names");

    // The full readable genesis (a member's copy) is refused outright: the relay never takes a private commune's name.
    const readable = await (await connect()).hello(commune.id, { genesis: commune.readable, epochs: [commune.first] });
    expect(readable).toMatchObject({ type: "refused", code: "private.readableGenesis" });

    // They replay the real first epoch record (seen on another relay) but cannot prove its key.
    const replaying = await connect();
    const answer = await replaying.join(commune.id, commune.firstId, squatter, { genesis: commune.genesis, epochs: [commune.first] });
    expect(answer).toMatchObject({ type: "refused", code: "private.badProof" });
    expect(await (await connect()).hello(commune.id)).toMatchObject({ type: "refused", code: "private.notServed" });

    const member = await connect();
    expect(await member.join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first] })).toEqual({
      type: "welcome",
      epoch: commune.firstId,
      head: 1,
    });
    expect(logs.filter((event) => event.event === "registered")).toHaveLength(1);
  });

  it("registers a commune once when two members register it at the same moment, and admits both", async () => {
    const commune = privateCommune();
    const register = { genesis: commune.genesis, epochs: [commune.first] };
    const [one, two] = await Promise.all([connect(), connect()]);
    await Promise.all([one.hello(commune.id, register), two.hello(commune.id, register)]);
    const answers = await Promise.all([one.prove(commune.firstId, commune.admission), two.prove(commune.firstId, commune.admission)]);
    expect(answers).toEqual([
      { type: "welcome", epoch: commune.firstId, head: 1 },
      { type: "welcome", epoch: commune.firstId, head: 1 },
    ]);
    expect(logs.filter((event) => event.event === "registered")).toHaveLength(1);
    expect((await one.fetch(0)).items).toHaveLength(1);
  });

  it("anchors an older commune's first epoch in its founder's signature", async () => {
    const commune = privateCommune({ anchored: false });
    const stranger = newKeys();
    const notFounders = epochRecord(commune.id, 1, null, commune.admission, stranger);
    const refused = await (await connect()).hello(commune.id, { genesis: commune.genesis, epochs: [notFounders] });
    expect(refused).toMatchObject({ type: "refused", code: "private.registration", reason: "The first epoch is not signed by the commune's founder" });
    const member = await connect();
    expect(await member.join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first] })).toMatchObject({
      type: "welcome",
    });
  });

  it("takes a moved commune's second first epoch, signed by its founder, from a member under a current epoch who proves the first one, and nothing less", async () => {
    // The founder's two hosts moved the commune at once; this relay registered one first epoch, another relay the other.
    const commune = privateCommune({ anchored: false });
    const member = await connect();
    await member.join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first] });
    const otherKeys = newKeys();
    const other = epochRecord(commune.id, 1, null, otherKeys, commune.founder);
    const otherId = idOfItem(other);
    const proof = member.proofFor(otherId, otherKeys);
    const provingFirst = [{ epoch: commune.firstId, sig: member.proofFor(commune.firstId, commune.admission) }];

    expect(await member.put(other, { proof })).toMatchObject({ type: "rejected", code: "private.fork" });
    const strangers = epochRecord(commune.id, 1, null, otherKeys, newKeys());
    expect(await member.put(strangers, { proof: member.proofFor(idOfItem(strangers), otherKeys), siblings: provingFirst })).toMatchObject({
      type: "rejected",
      code: "private.registration",
    });
    expect(await member.put(other, { proof: member.proofFor(otherId, newKeys()), siblings: provingFirst })).toMatchObject({
      type: "rejected",
      code: "private.badProof",
    });
    expect(await member.put(other, { proof, siblings: provingFirst })).toMatchObject({ type: "stored", id: otherId });
    // The rest of that line follows on the same socket.
    const nextKeys = newKeys();
    const next = epochRecord(commune.id, 2, otherId, nextKeys, commune.founder);
    expect(await member.put(next, { proof: member.proofFor(idOfItem(next), nextKeys) })).toMatchObject({ type: "stored", id: idOfItem(next) });
    // Both first epochs admit: the members decide which leads.
    expect(await (await connect()).join(commune.id, idOfItem(next), nextKeys)).toMatchObject({ type: "welcome", epoch: idOfItem(next) });
    expect(await (await connect()).join(commune.id, commune.firstId, commune.admission)).toMatchObject({ type: "welcome" });
  });

  it("refuses a second first epoch for a commune founded private, whose anchor names its one first epoch", async () => {
    const commune = await registered();
    const otherKeys = newKeys();
    const other = epochRecord(commune.id, 1, null, otherKeys, commune.founder);
    const member = commune.founderSocket;
    expect(
      await member.put(other, {
        proof: member.proofFor(idOfItem(other), otherKeys),
        siblings: [{ epoch: commune.firstId, sig: member.proofFor(commune.firstId, commune.admission) }],
      }),
    ).toMatchObject({ type: "rejected", code: "private.wrongEpoch" });
  });

  it("refuses a genesis of another commune, a chain that skips a link, and a proof for an epoch that is not the tip", async () => {
    const commune = privateCommune();
    const other = privateCommune();
    expect(await (await connect()).hello(commune.id, { genesis: other.genesis, epochs: [commune.first] })).toMatchObject({
      type: "refused",
      reason: "The founding anchor belongs to another commune",
    });
    const second = newKeys();
    const orphan = epochRecord(commune.id, 2, "f".repeat(64), second, commune.founder);
    expect(await (await connect()).hello(commune.id, { genesis: commune.genesis, epochs: [commune.first, orphan] })).toMatchObject({
      type: "refused",
      code: "private.registration",
    });
    const child = epochRecord(commune.id, 2, commune.firstId, second, commune.founder);
    const notTip = await (await connect()).join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first, child] });
    expect(notTip).toMatchObject({ type: "refused", code: "private.notTip" });
    const tip = await (await connect()).join(commune.id, idOfItem(child), second, { genesis: commune.genesis, epochs: [commune.first, child] });
    expect(tip).toEqual({ type: "welcome", epoch: idOfItem(child), head: 2 });
  });

  it("keeps no secret on disk: the registry holds admission public keys, signed headers and opaque payloads only", async () => {
    const commune = await registered();
    const author = newKeys();
    const payload = randomBytes(500);
    expect(await commune.founderSocket.put(batchItem(commune.id, commune.firstId, author, payload))).toMatchObject({ type: "stored", seq: 2 });
    const secrets = [commune.admission.secretKey, commune.founder.secretKey, author.secretKey].map((key) => bytesToHex(key));
    const files = await allFiles(dataDir.path);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = await readFile(file);
      for (const secret of secrets) {
        expect(bytes.toString("latin1").includes(secret), `${file} holds a secret key in hex`).toBe(false);
        expect(bytes.includes(Buffer.from(secret, "hex")), `${file} holds a secret key`).toBe(false);
      }
    }
    const epochs = JSON.parse(await readFile(join(dataDir.path, "private", commune.id, "epochs.json"), "utf8")) as unknown;
    expect(epochs).toEqual({ version: 1, epochs: [{ id: commune.firstId, epoch: 1, parent: null, admission: commune.admission.publicKey, seq: 1 }] });
  });
});

describe("two admitted members", () => {
  it("receive each other's items live and by fetch from a sequence number, bytes unaltered", async () => {
    const commune = await registered();
    const alice = commune.founderSocket;
    const bob = await connect();
    expect(await bob.join(commune.id, commune.firstId, commune.admission)).toMatchObject({ type: "welcome", head: 1 });
    const aliceKeys = newKeys();
    const bobKeys = newKeys();

    // Payloads the relay cannot parse as anything: it stores and forwards what it gets.
    const fromAlice = batchItem(commune.id, commune.firstId, aliceKeys, randomBytes(2_000));
    expect(await alice.put(fromAlice)).toEqual({ type: "stored", seq: 2, id: idOfItem(fromAlice) });
    await waitFor("Bob to receive Alice's batch live", () => bob.items.length === 1);
    expect(bob.items[0]!.seq).toBe(2);
    expect(Buffer.from(bob.items[0]!.bytes)).toEqual(Buffer.from(encodeItem(fromAlice)));

    const fromBob = batchItem(commune.id, commune.firstId, bobKeys, randomBytes(100), "7xKMnqy2AMqt5NVW1ztYjGfBzMF");
    expect(await bob.put(fromBob)).toMatchObject({ type: "stored", seq: 3 });
    await waitFor("Alice to receive Bob's batch live", () => alice.items.length === 1);
    expect(decodeItem(alice.items[0]!.bytes)).toEqual({ ok: true, item: fromBob });

    const newcomer = await connect();
    await newcomer.join(commune.id, commune.firstId, commune.admission);
    const fromStart = await newcomer.fetch(0);
    expect(fromStart.head).toBe(3);
    expect(fromStart.items.map((item) => item.seq)).toEqual([1, 2, 3]);
    expect(decodeItem(fromStart.items[0]!.bytes)).toEqual({ ok: true, item: commune.first });
    expect(Buffer.from(fromStart.items[1]!.bytes)).toEqual(Buffer.from(encodeItem(fromAlice)));
    const fromTwo = await newcomer.fetch(2);
    expect(fromTwo).toEqual({ head: 3, items: [{ seq: 3, bytes: encodeItem(fromBob) }] });

    // The log on disk holds the payload bytes verbatim: the relay rewrote nothing.
    const log = await readFile(join(dataDir.path, "private", commune.id, "log", "00000001"));
    expect(log.includes(Buffer.from(fromAlice.payload))).toBe(true);
  });

  it("give a newcomer the latest snapshot of each document, and the relay drops the batches and older snapshots it covers", async () => {
    const commune = await registered();
    const alice = commune.founderSocket;
    const author = newKeys();
    const snapshot = (document: string, covers: number) =>
      signItem(
        nobleSigner,
        { kind: "snapshot", commune: commune.id, document, epoch: commune.firstId, by: author.publicKey, at: Date.now(), covers },
        randomBytes(400),
        author,
      );
    const first = snapshot("DocumentAAAA1", 1);
    const ofB = snapshot("DocumentBBBB2", 1);
    const latest = snapshot("DocumentAAAA1", 4);
    for (const item of [first, batchItem(commune.id, commune.firstId, author, randomBytes(50), "DocumentAAAA1"), ofB, latest]) {
      expect(await alice.put(item)).toMatchObject({ type: "stored" });
    }
    const newcomer = await connect();
    await newcomer.join(commune.id, commune.firstId, commune.admission);
    newcomer.ws.send(JSON.stringify({ type: "snapshots" }));
    expect(await newcomer.next()).toEqual({ type: "snapshots-sent", head: 5 });
    expect(newcomer.items.map(({ seq, bytes }) => [seq, idOfItem(readItem(bytes))])).toEqual([
      [4, idOfItem(ofB)],
      [5, idOfItem(latest)],
    ]);
    // A's first snapshot (2) and batch (3) are covered by its latest: numbers kept, items gone.
    expect((await newcomer.fetch(0)).items.map(({ seq }) => seq)).toEqual([1, 4, 5]);
  });

  it("give a newcomer each document's latest snapshot, then its batches past what the snapshot covers, the smaller document first", async () => {
    const commune = await registered();
    const alice = commune.founderSocket;
    const author = newKeys();
    const snapshotOf = (document: string) =>
      signItem(
        nobleSigner,
        { kind: "snapshot", commune: commune.id, document, epoch: commune.firstId, by: author.publicKey, at: Date.now(), covers: 1 },
        randomBytes(400),
        author,
      );
    const batchOf = (document: string) => batchItem(commune.id, commune.firstId, author, randomBytes(50), document);
    // Log: 1 epoch, 2 batch A (before A's snapshot), 3 snapshot A, 4 snapshot B, 5 batch A, 6 batch B, 7 batch A.
    const puts = [
      batchOf("DocumentAAAA1"),
      snapshotOf("DocumentAAAA1"),
      snapshotOf("DocumentBBBB2"),
      batchOf("DocumentAAAA1"),
      batchOf("DocumentBBBB2"),
      batchOf("DocumentAAAA1"),
    ];
    for (const item of puts) expect(await alice.put(item)).toMatchObject({ type: "stored" });
    const newcomer = await connect();
    await newcomer.join(commune.id, commune.firstId, commune.admission);
    newcomer.ws.send(JSON.stringify({ type: "snapshots" }));
    expect(await newcomer.next()).toEqual({ type: "snapshots-sent", head: 7 });
    // A's batch 2 came after what A's snapshot covers (1), so the snapshot may not hold it: it is sent too, after the snapshot, which a
    // member with none of the document loads whole. B, the smaller of the two (a snapshot and one batch), comes first.
    expect(newcomer.items.map(({ seq }) => seq)).toEqual([4, 6, 3, 2, 5, 7]);
  });

  it("compact the log with a snapshot: a newcomer gets it and what follows, not the 50 batches it covers, and the data folder shrinks", async () => {
    const commune = await registered();
    const alice = commune.founderSocket;
    const author = newKeys();
    const document = "DocumentAAAA1";
    for (let n = 0; n < 50; n++) {
      expect(await alice.put(batchItem(commune.id, commune.firstId, author, randomBytes(1_000), document))).toMatchObject({ type: "stored", seq: n + 2 });
    }
    const full = await folderBytes(dataDir.path);
    const covering = signItem(
      nobleSigner,
      { kind: "snapshot", commune: commune.id, document, epoch: commune.firstId, by: author.publicKey, at: Date.now(), covers: 51 },
      randomBytes(2_000),
      author,
    );
    expect(await alice.put(covering)).toMatchObject({ type: "stored", seq: 52 });
    const after = batchItem(commune.id, commune.firstId, author, randomBytes(100), document);
    expect(await alice.put(after)).toMatchObject({ type: "stored", seq: 53 });

    const newcomer = await connect();
    await newcomer.join(commune.id, commune.firstId, commune.admission);
    newcomer.ws.send(JSON.stringify({ type: "snapshots" }));
    expect(await newcomer.next()).toEqual({ type: "snapshots-sent", head: 53 });
    expect(newcomer.items.map(({ seq, bytes }) => [seq, idOfItem(readItem(bytes))])).toEqual([
      [52, idOfItem(covering)],
      [53, idOfItem(after)],
    ]);
    const fetched = await newcomer.fetch(0);
    expect(fetched.head).toBe(53);
    expect(fetched.items.map(({ seq, bytes }) => [seq, idOfItem(readItem(bytes))])).toEqual([
      [1, commune.firstId],
      [52, idOfItem(covering)],
      [53, idOfItem(after)],
    ]);
    // 50 batches of about 1 KB went; a 2 KB snapshot and a small batch came.
    expect(await folderBytes(dataDir.path)).toBeLessThan(full - 40_000);
  });

  it("refuse a batch naming another commune, an epoch other than their admission's, or a payload changed after signing", async () => {
    const commune = await registered();
    const other = privateCommune();
    const author = newKeys();
    const socket = commune.founderSocket;
    const elsewhere = batchItem(other.id, commune.firstId, author);
    expect(await socket.put(elsewhere)).toMatchObject({ type: "rejected", code: "private.wrongCommune", id: idOfItem(elsewhere) });
    const unknownEpoch = batchItem(commune.id, "a".repeat(64), author);
    expect(await socket.put(unknownEpoch)).toMatchObject({ type: "rejected", code: "private.wrongEpoch" });
    const tampered = batchItem(commune.id, commune.firstId, author);
    tampered.payload[0] = tampered.payload[0]! ^ 1;
    expect(await socket.put(tampered)).toMatchObject({ type: "rejected", code: "private.badSignature" });
    expect(await socket.put(new Uint8Array([0, 0, 0, 1, 7]))).toMatchObject({ type: "rejected", code: "private.malformed" });
    // Refused puts changed nothing: the socket is still admitted, and the log holds the first epoch alone.
    expect(await socket.fetch(0)).toMatchObject({ head: 1 });
  });
});

describe("a rotation", () => {
  /** Alice rotates to a child epoch sealed without Mallory; Mallory was admitted under the old one. */
  async function rotated() {
    const commune = await registered();
    const mallory = await connect();
    expect(await mallory.join(commune.id, commune.firstId, commune.admission)).toMatchObject({ type: "welcome" });
    const childKeys = newKeys();
    const child = epochRecord(commune.id, 2, commune.firstId, childKeys, commune.founder);
    const childId = idOfItem(child);
    const alice = commune.founderSocket;
    expect(await alice.put(child, { proof: alice.proofFor(childId, childKeys) })).toEqual({ type: "stored", seq: 2, id: childId });
    return { ...commune, alice, mallory, child, childId, childKeys };
  }

  it("tells a socket still admitted under the old epoch it is superseded, with the new records, and closes it", async () => {
    const { mallory, child } = await rotated();
    const superseded = await mallory.next();
    expect(superseded.type).toBe("superseded");
    expect((superseded.records as string[]).map((record) => decodeItem(fromBase64(record)))).toEqual([{ ok: true, item: child }]);
    expect((await mallory.waitClosed()).code).toBe(1000);
    expect(mallory.items).toEqual([]);
  });

  it("answers a socket proving the old epoch with superseded and no data, and stores nothing it puts", async () => {
    const commune = await rotated();
    const late = await connect();
    await late.hello(commune.id);
    expect(await late.prove(commune.firstId, commune.admission)).toMatchObject({ type: "superseded" });
    late.sendPut(batchItem(commune.id, commune.firstId, newKeys()));
    expect((await late.waitClosed()).code).toBe(1000);

    // Another one does not wait for the answer: it puts at once, as if admitted under the old epoch.
    const eager = await connect();
    await eager.hello(commune.id);
    eager.ws.send(JSON.stringify({ type: "proof", epoch: commune.firstId, sig: eager.proofFor(commune.firstId, commune.admission) }));
    eager.sendPut(batchItem(commune.id, commune.firstId, newKeys()));
    expect(await eager.waitClosed()).toEqual({ code: 1008, reason: "frame before the relay answered" });

    for (const client of [late, eager]) expect(client.items).toEqual([]);
    expect(await commune.alice.fetch(0)).toMatchObject({ head: 2 });
  });

  it("keeps the member who proved the child admitted under it, and refuses its batches under the old epoch", async () => {
    const { alice, id, firstId, childId, childKeys } = await rotated();
    const author = newKeys();
    expect(await alice.put(batchItem(id, firstId, author))).toMatchObject({ type: "rejected", code: "private.wrongEpoch" });
    expect(await alice.put(batchItem(id, childId, author))).toMatchObject({ type: "stored", seq: 3 });
    // A remaining member, who opened the child's lockbox, gets in under it.
    const bob = await connect();
    expect(await bob.join(id, childId, childKeys)).toEqual({ type: "welcome", epoch: childId, head: 3 });
  });

  it("refuses a removed member's fork: a second child of the old epoch from one who cannot prove the first child", async () => {
    const commune = await rotated();
    // Mallory, removed, still holds the old epoch's key: she signs a child of her own and tries every way in.
    const forkKeys = newKeys();
    const fork = epochRecord(commune.id, 2, commune.firstId, forkKeys, newKeys());
    const forkId = idOfItem(fork);
    const fresh = await connect();
    await fresh.hello(commune.id);
    expect(await fresh.prove(commune.firstId, commune.admission)).toMatchObject({ type: "superseded" });
    fresh.sendPut(fork, { proof: fresh.proofFor(forkId, forkKeys) });
    await fresh.waitClosed();
    const proving = await connect();
    await proving.hello(commune.id);
    expect(await proving.prove(forkId, forkKeys)).toMatchObject({ type: "refused", code: "private.unknownEpoch" });
    // Her socket admitted before the rotation was told superseded and closed, so it cannot put the fork either.
    await commune.mallory.waitClosed();

    // An admitted member under the child who does not prove it to the relay again is refused a sibling too.
    const alice = commune.alice;
    const sibling = epochRecord(commune.id, 2, commune.firstId, forkKeys, commune.founder);
    const siblingId = idOfItem(sibling);
    expect(await alice.put(sibling, { proof: alice.proofFor(siblingId, forkKeys) })).toMatchObject({ type: "rejected", code: "private.fork" });
    expect(
      await alice.put(sibling, {
        proof: alice.proofFor(siblingId, forkKeys),
        siblings: [{ epoch: commune.childId, sig: alice.proofFor(commune.childId, forkKeys) }],
      }),
    ).toMatchObject({
      type: "rejected",
      code: "private.fork",
    });
    // A member holding both keys (merging) may add it.
    expect(
      await alice.put(sibling, {
        proof: alice.proofFor(siblingId, forkKeys),
        siblings: [{ epoch: commune.childId, sig: alice.proofFor(commune.childId, commune.childKeys) }],
      }),
    ).toMatchObject({ type: "stored", seq: 3 });
    const { head, items } = await alice.fetch(0);
    expect(head).toBe(3);
    expect(items.map((item) => idOfItem(readItem(item.bytes)))).toEqual([commune.firstId, commune.childId, siblingId]);
    expect(forkId).not.toBe(siblingId);
  });

  it("admits a member who merges a second child under it, so the rest of that line follows on the same socket, and keeps both children's lines open", async () => {
    const commune = await rotated();
    // Bob rotated on another relay while out of touch with Alice: his epoch 2 and its child 3 never reached this one. He holds both epochs 2.
    const bobKeys = newKeys();
    const bobs = epochRecord(commune.id, 2, commune.firstId, bobKeys, commune.founder);
    const bobsId = idOfItem(bobs);
    const thirdKeys = newKeys();
    const third = epochRecord(commune.id, 3, bobsId, thirdKeys, commune.founder);
    const thirdId = idOfItem(third);
    const bob = await connect();
    expect(await bob.join(commune.id, commune.childId, commune.childKeys)).toMatchObject({ type: "welcome", epoch: commune.childId });
    expect(
      await bob.put(bobs, {
        proof: bob.proofFor(bobsId, bobKeys),
        siblings: [{ epoch: commune.childId, sig: bob.proofFor(commune.childId, commune.childKeys) }],
      }),
    ).toMatchObject({ type: "stored", id: bobsId });
    expect(await bob.put(third, { proof: bob.proofFor(thirdId, thirdKeys) })).toMatchObject({ type: "stored", id: thirdId });
    expect(await bob.put(batchItem(commune.id, thirdId, newKeys()))).toMatchObject({ type: "stored" });

    // The relay does not pick between the lines: a socket proving Alice's child, a tip, is still let in; one proving Bob's epoch 2 is told it moved on.
    const alice = await connect();
    expect(await alice.join(commune.id, commune.childId, commune.childKeys)).toMatchObject({ type: "welcome", epoch: commune.childId });
    const late = await connect();
    expect(await late.join(commune.id, bobsId, bobKeys)).toMatchObject({ type: "superseded" });
  });

  it("takes a second child from a member admitted under a later epoch of the first child's line, who proves the first child", async () => {
    const commune = await rotated();
    // Alice's line went on to epoch 3 here; Bob's epoch 2, made while apart, leads by the members' rule and is brought here by one who holds both.
    const thirdKeys = newKeys();
    const third = epochRecord(commune.id, 3, commune.childId, thirdKeys, commune.founder);
    const thirdId = idOfItem(third);
    expect(await commune.alice.put(third, { proof: commune.alice.proofFor(thirdId, thirdKeys) })).toMatchObject({ type: "stored", id: thirdId });
    const bobKeys = newKeys();
    const bobs = epochRecord(commune.id, 2, commune.firstId, bobKeys, commune.founder);
    const bobsId = idOfItem(bobs);
    const merging = await connect();
    expect(await merging.join(commune.id, thirdId, thirdKeys)).toMatchObject({ type: "welcome", epoch: thirdId });
    expect(
      await merging.put(bobs, {
        proof: merging.proofFor(bobsId, bobKeys),
        siblings: [{ epoch: commune.childId, sig: merging.proofFor(commune.childId, commune.childKeys) }],
      }),
    ).toMatchObject({ type: "stored", id: bobsId });
  });

  it("refuses a child without a proof by its own admission key, or with a number that skips", async () => {
    const commune = await registered();
    const alice = commune.founderSocket;
    const keys = newKeys();
    const child = epochRecord(commune.id, 2, commune.firstId, keys, commune.founder);
    expect(await alice.put(child)).toMatchObject({ type: "rejected", code: "private.badProof" });
    expect(await alice.put(child, { proof: alice.proofFor(idOfItem(child), commune.admission) })).toMatchObject({ type: "rejected", code: "private.badProof" });
    const skipping = epochRecord(commune.id, 5, commune.firstId, keys, commune.founder);
    expect(await alice.put(skipping, { proof: alice.proofFor(idOfItem(skipping), keys) })).toMatchObject({ type: "rejected", code: "private.wrongEpoch" });
    const signedFirst = signItem(nobleSigner, { ...commune.first.signed.header, at: 5 }, randomBytes(10), commune.founder);
    expect(await alice.put(signedFirst, { proof: alice.proofFor(idOfItem(signedFirst), commune.admission) })).toMatchObject({
      type: "rejected",
      code: "private.wrongEpoch",
    });
  });
});

function readItem(bytes: Uint8Array) {
  const decoded = decodeItem(bytes);
  if (!decoded.ok) throw new Error(decoded.problem.message);
  return decoded.item;
}

async function allFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await allFiles(path)));
    else found.push(path);
  }
  return found;
}
