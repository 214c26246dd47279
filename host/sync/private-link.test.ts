import * as A from "@automerge/automerge";
import { Repo, type AutomergeUrl, type DocHandle } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { communeIdOf, createGenesis } from "../../shared/commune/genesis";
import { nobleCrypto } from "../../shared/identity/crypto";
import type { KeyPair } from "../../shared/identity/keys";
import type { Signed } from "../../shared/identity/signed";
import type { Genesis } from "../../shared/commune/genesis";
import { sodiumPrivacyCrypto } from "../../shared/privacy/crypto";
import type { MemberHistories } from "../../shared/privacy/current-epoch";
import { sealBatch, sealSnapshot } from "../../shared/privacy/envelopes";
import { epochKeysOf, makeEpochRecord } from "../../shared/privacy/epochs";
import { decodeItem, idOfItem, signItem } from "../../shared/privacy/headers";
import { defaultRules, T0, testKeys } from "../../shared/testing/commune-builder";
import { startRelay, type RunningRelay } from "../../relay/relay";
import { PrivateStore } from "../../relay/private/store";
import type { SealedItem } from "../../shared/privacy/headers";
import { batchItem, PrivateClient } from "../../relay/testing/private-client";
import { tempDir, waitFor } from "../../relay/testing/relay-harness";
import { EpochKeyring } from "./epoch-keyring";
import { PrivateRelayLink } from "./private-link";
import { RefusedItems } from "./refused-items";

/**
 * Issue 13, step 3: a member's host syncs a private commune with a real relay
 * through encrypted, signed batches. The relay stores only what it cannot
 * read; every member opens and checks what it fetches.
 */
const privacy = await sodiumPrivacyCrypto();
const crypto = nobleCrypto();
const [ada, bo, cy] = [testKeys(11), testKeys(12), testKeys(13)];
const MEMO = "Rent for the river house, 900.00 EUR";

let relay: RunningRelay;
let relayDir: { path: string; remove(): Promise<void> };
let hostDir: { path: string; remove(): Promise<void> };
const stops: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  relayDir = await tempDir("commune-private-link-relay-");
  hostDir = await tempDir("commune-private-link-host-");
  relay = await startRelay({ port: 0, dataDir: relayDir.path, log: () => {} });
});

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await relay.close();
  await relayDir.remove();
  await hostDir.remove();
});

/** A private commune read by Ada and Bo: its genesis names the first epoch's admission key. */
function privateCommune(readers: KeyPair[] = [ada, bo]) {
  const epochKey = privacy.randomKey();
  const admission = epochKeysOf(privacy, crypto, epochKey).admission.publicKey;
  const genesis: Signed<Genesis> = createGenesis(crypto, { name: "Riverside", founderName: "Ada", at: Date.now(), rules: defaultRules, admission }, ada);
  const id = communeIdOf(genesis);
  const first = makeEpochRecord(privacy, crypto, {
    commune: id,
    epoch: 1,
    parent: null,
    epochKey,
    readers: readers.map((reader) => reader.publicKey),
    author: ada,
    at: Date.now(),
  });
  return { id, genesis, epochKey, first: first.item, firstId: idOfItem(first.item) };
}

type Commune = ReturnType<typeof privateCommune>;

/** A member's Repo (no disk) with one private link to the relay; `key` is how they hold the epoch: a lockbox, or the key from an invite. */
async function member(
  name: string,
  me: KeyPair,
  commune: Commune,
  options: {
    viaInvite?: boolean;
    log?: string[];
    keyring?: EpochKeyring;
    refused?: RefusedItems;
    membership?: () => MemberHistories;
    /** A newcomer's join holding the snapshots of other documents (holdSnapshots); the member is returned before it is connected. */
    hold?: { waits: (documentId: string) => boolean; until: Promise<unknown> };
    /** The link's backoff, for a test of when it tries again; the member is then returned before it is connected. */
    reconnect?: { initialDelayMs: number; maxDelayMs: number };
  } = {},
) {
  const keyring =
    options.keyring ?? new EpochKeyring({ commune: commune.id, privacy, crypto, me, ...(options.membership ? { membership: options.membership } : {}) });
  if (options.viaInvite) await keyring.hold(commune.firstId, 1, commune.epochKey);
  else if (!options.keyring) keyring.learn(commune.first);
  let repo: Repo | undefined;
  const link = new PrivateRelayLink({
    url: relay.url,
    commune: commune.id,
    keyring,
    privacy,
    crypto,
    me,
    stateDir: join(hostDir.path, name),
    repo: () => repo,
    held: () => ({ document: 0, commune: 0 }),
    genesis: commune.genesis,
    reconnect: options.reconnect ?? { initialDelayMs: 50, maxDelayMs: 200 },
    ...(options.log ? { log: (line: string) => options.log!.push(line) } : {}),
    ...(options.refused ? { refused: options.refused } : {}),
  });
  if (options.hold) link.holdSnapshots(options.hold.waits, options.hold.until);
  repo = new Repo({ network: [link.adapter], storage: new NodeFSStorageAdapter(join(hostDir.path, name, "repo")), sharePolicy: async () => true });
  stops.push(async () => {
    link.stop();
    await link.flush();
    await repo!.shutdown().catch(() => {});
  });
  if (!options.hold && !options.reconnect) await waitFor(`${name} to be connected`, () => link.status().state === "connected");
  return { repo, link, keyring };
}

const memoOf = (handle: DocHandle<unknown>) => (handle.doc() as { memo?: string } | undefined)?.memo;

async function findWhenThere(repo: Repo, url: string): Promise<DocHandle<unknown>> {
  await waitFor("the document to arrive", () => repo.handles[url.slice("automerge:".length) as keyof typeof repo.handles]?.isReady() === true);
  return repo.find(url as AutomergeUrl);
}

/**
 * What a relay's operator can do with his own data folder: stop the relay,
 * append items to a commune's log, and start it again on the same address
 * (the members' links reconnect and fetch what follows).
 */
async function operatorAppends(commune: string, items: SealedItem[]): Promise<void> {
  const port = relay.port;
  await relay.close();
  const store = await PrivateStore.open(join(relayDir.path, "private", commune), { documents: 1_000, bytes: 1024 * 1024 * 1024 });
  for (const item of items) expect(await store.append(item)).toMatchObject({ ok: true });
  await store.close();
  relay = await startRelay({ port, dataDir: relayDir.path, log: () => {} });
}

/** The document as this member holds it: what "changes nothing" is asserted on. */
const stateOf = (handle: DocHandle<unknown>) => ({ heads: A.getHeads(handle.doc() as A.Doc<unknown>), doc: structuredClone(handle.doc()) });

async function relayFiles(): Promise<Buffer> {
  const root = join(relayDir.path, "private");
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  return Buffer.concat(await Promise.all(files.map((file) => readFile(join(file.parentPath, file.name)))));
}

describe("a private commune's relay link", () => {
  it("carries a member's change to another member through a relay that stores only ciphertext", async () => {
    const commune = privateCommune();
    const founder = await member("ada", ada, commune);
    const handle = founder.repo.create<{ memo: string }>({ memo: MEMO });
    const other = await member("bo", bo, commune);
    const copy = await findWhenThere(other.repo, handle.url);
    expect(memoOf(copy)).toBe(MEMO);

    copy.change((doc) => ((doc as { memo: string }).memo = "Paid"));
    await waitFor("Bo's change to reach Ada", () => memoOf(handle as DocHandle<unknown>) === "Paid");

    const stored = await relayFiles();
    expect(stored.includes(Buffer.from(MEMO))).toBe(false);
    expect(stored.includes(Buffer.from("Paid"))).toBe(false);
    // The registration was the genesis's anchor: neither the commune's name nor its founder's is on the relay's disk.
    expect(stored.includes(Buffer.from("Riverside"))).toBe(false);
    expect(stored.includes(Buffer.from('"Ada"'))).toBe(false);
    expect(founder.link.refusedItems + other.link.refusedItems).toBe(0);
  });

  it("lets a newcomer holding the invite's key read the snapshots, then the log", async () => {
    const commune = privateCommune();
    const founder = await member("ada", ada, commune);
    const handle = founder.repo.create<{ memo: string; count: number }>({ memo: MEMO, count: 0 });
    await waitFor("the snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    for (let i = 1; i <= 5; i++) handle.change((doc) => (doc.count = i));
    await waitFor("the batches to be stored", () => founder.link.holds(handle as DocHandle<unknown>));

    // Cy holds no lockbox in epoch 1 (he joined after it began): the invite carries its key.
    const newcomer = await member("cy", cy, commune, { viaInvite: true });
    const copy = await findWhenThere(newcomer.repo, handle.url);
    expect(copy.doc()).toEqual({ memo: MEMO, count: 5 });
    expect(newcomer.link.refusedItems).toBe(0);
  });

  it("holds a newcomer's snapshots of other documents while its join opens the commune with the small ones, then reads them on", async () => {
    const commune = privateCommune();
    const founder = await member("ada", ada, commune);
    // The commune's small document with a batch after its snapshot (as the inviter's signed count is), and a large one (a shard).
    const small = founder.repo.create<{ memo: string; count: number }>({ memo: MEMO, count: 0 });
    const large = founder.repo.create<{ notes: string[] }>({ notes: Array.from({ length: 40 }, () => randomBytes(700).toString("hex")) });
    await waitFor("both snapshots to be stored", () => founder.link.holds(small as DocHandle<unknown>) && founder.link.holds(large as DocHandle<unknown>));
    small.change((doc) => (doc.count = 1));
    await waitFor("the batch to be stored", () => founder.link.holds(small as DocHandle<unknown>));

    let release = () => {};
    const joined = new Promise<void>((resolve) => (release = resolve));
    let newcomerRepo: Repo | undefined;
    const waited: string[] = [];
    // As the join says: once the documents it opens the commune with are in, every other one waits.
    const waits = (documentId: string) => {
      const opened = newcomerRepo?.handles[small.documentId]?.isReady() === true;
      if (opened && documentId !== small.documentId) waited.push(documentId);
      return opened && documentId !== small.documentId;
    };
    const newcomer = await member("cy", cy, commune, { viaInvite: true, hold: { waits, until: joined } });
    newcomerRepo = newcomer.repo;

    // The relay sent the small document first, its batch after it; the large one waits, unread, while the join goes on.
    await waitFor("the large document's snapshot to wait", () => waited.length > 0);
    expect(waited).toEqual([large.documentId]);
    expect((await findWhenThere(newcomer.repo, small.url)).doc()).toEqual({ memo: MEMO, count: 1 });
    expect(newcomer.repo.handles[large.documentId]?.isReady() ?? false).toBe(false);
    expect(newcomer.link.status().state).toBe("connecting");

    release();
    await waitFor("the newcomer to read on to the end of the log", () => newcomer.link.status().state === "connected");
    expect((await findWhenThere(newcomer.repo, large.url)).doc()).toEqual(large.doc());
    expect(newcomer.link.refusedItems).toBe(0);
  });

  it("sends nothing back that it received, and reads only what follows after a restart", async () => {
    const commune = privateCommune();
    const founder = await member("ada", ada, commune);
    const handle = founder.repo.create<{ memo: string }>({ memo: MEMO });
    await waitFor("the snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    const first = await member("bo", bo, commune);
    await findWhenThere(first.repo, handle.url);
    await stops.pop()!();

    const watcher = await PrivateClient.connect(relay.url);
    stops.push(() => watcher.close());
    const { head: before } = await fetchAll(watcher, commune);

    handle.change((doc) => (doc.memo = "second"));
    await waitFor("the change to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    const again = await member("bo", bo, commune);
    // From Bo's disk, then the change from the relay.
    const copy = await again.repo.find<unknown>(handle.url);
    await waitFor("Bo to see the change", () => memoOf(copy) === "second");

    // Bo's host put nothing: everything it holds came from the relay.
    const { items } = await watcher.fetch(before);
    expect(items.map((item) => item.seq)).toEqual([before + 1]);
  });

  it("sends nothing back to a relay whose snapshot it already held whole (a commune moved from plaintext, a copy synced on a LAN)", async () => {
    const commune = privateCommune();
    const founder = await member("ada", ada, commune);
    const handle = founder.repo.create<{ memo: string; count: number }>({ memo: MEMO, count: 0 });
    for (let i = 1; i <= 20; i++) handle.change((doc) => (doc.count = i));
    await waitFor("the snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    const watcher = await PrivateClient.connect(relay.url);
    stops.push(() => watcher.close());
    const { head: before } = await fetchAll(watcher, commune);

    // Bo's disk holds the same document, every change of it, before his host ever talks to this relay.
    const disk = new Repo({ network: [], storage: new NodeFSStorageAdapter(join(hostDir.path, "bo", "repo")) });
    disk.import(A.save(handle.doc() as A.Doc<unknown>), { docId: handle.documentId });
    await disk.flush();
    await disk.shutdown();
    const bob = await member("bo", bo, commune);
    const copy = await bob.repo.find<unknown>(handle.url);
    await waitFor("Bo's link to count the relay as holding the document", () => bob.link.holds(copy));

    const { items } = await watcher.fetch(before);
    expect(items).toEqual([]);
  });

  it("skips, with a reason, a batch whose ciphertext is junk or was sealed under another commune's key, and applies the next one", async () => {
    const commune = privateCommune();
    const log: string[] = [];
    const founder = await member("ada", ada, commune);
    const handle = founder.repo.create<{ memo: string }>({ memo: MEMO });
    await waitFor("the snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    const other = await member("bo", bo, commune, { log });
    const copy = await findWhenThere(other.repo, handle.url);

    // A member's socket (it holds the admission key) puts junk: random bytes as ciphertext, and a batch sealed under another commune's key.
    const attacker = await PrivateClient.connect(relay.url);
    stops.push(() => attacker.close());
    expect(await attacker.join(commune.id, commune.firstId, epochKeysOf(privacy, crypto, commune.epochKey).admission)).toMatchObject({ type: "welcome" });
    expect(await attacker.put(batchItem(commune.id, commune.firstId, cy, new Uint8Array(200), handle.documentId))).toMatchObject({ type: "stored" });
    const elsewhere = privateCommune();
    const change = A.saveSince(
      A.change(A.clone(handle.doc()), (doc) => (doc.memo = "forged")),
      A.getHeads(handle.doc()),
    );
    const foreign = sealBatch(
      privacy,
      crypto,
      {
        commune: commune.id,
        document: handle.documentId,
        epoch: commune.firstId,
        dataKey: epochKeysOf(privacy, crypto, elsewhere.epochKey).dataKey,
        author: cy,
        at: 1,
      },
      change,
    );
    expect(await attacker.put(foreign)).toMatchObject({ type: "stored" });
    await waitFor("Bo's host to refuse both", () => other.link.refusedItems === 2);
    // Refused whole: Bo's copy is what it was, to the heads.
    expect(stateOf(copy)).toEqual({ heads: A.getHeads(handle.doc()), doc: { memo: MEMO } });

    handle.change((doc) => (doc.memo = "after the junk"));
    await waitFor("Bo to see the honest change", () => memoOf(copy) === "after the junk");
    expect(other.link.refusedItems).toBe(2);
    expect(log.filter((line) => line.includes("does not open under its epoch's key"))).toHaveLength(2);
  });

  it("judges once, when the log brings it, an item of a newcomer's latest snapshots that does not open", async () => {
    const commune = privateCommune();
    const founder = await member("ada", ada, commune);
    const handle = founder.repo.create<{ memo: string }>({ memo: MEMO });
    await waitFor("the snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    // A member's socket puts junk after the snapshot: the relay sends it to a newcomer with the snapshot, and again in the log.
    const attacker = await PrivateClient.connect(relay.url);
    stops.push(() => attacker.close());
    expect(await attacker.join(commune.id, commune.firstId, epochKeysOf(privacy, crypto, commune.epochKey).admission)).toMatchObject({ type: "welcome" });
    expect(await attacker.put(batchItem(commune.id, commune.firstId, cy, new Uint8Array(200), handle.documentId))).toMatchObject({ type: "stored" });

    const log: string[] = [];
    const refused = new RefusedItems();
    const newcomer = await member("cy", cy, commune, { viaInvite: true, log, refused });
    expect((await findWhenThere(newcomer.repo, handle.url)).doc()).toEqual({ memo: MEMO });
    expect(newcomer.link.refusedItems).toBe(1);
    expect(log).toHaveLength(1);
    expect(refused.list()).toHaveLength(1);
  });

  it("follows the commune into a child epoch sealed to it, and is refused when the child was sealed to others only", async () => {
    const commune = privateCommune();
    const founder = await member("ada", ada, commune);
    const other = await member("bo", bo, commune);
    const handle = founder.repo.create<{ memo: string }>({ memo: MEMO });
    const copy = await findWhenThere(other.repo, handle.url);

    // Bo is removed: Ada's host starts epoch 2, read by Ada alone, and puts it on the relay.
    const second = makeEpochRecord(privacy, crypto, {
      commune: commune.id,
      epoch: 2,
      parent: commune.firstId,
      epochKey: privacy.randomKey(),
      previousKey: commune.epochKey,
      readers: [ada.publicKey],
      author: ada,
      at: Date.now(),
    });
    const secondId = idOfItem(second.item);
    const rotating = await PrivateClient.connect(relay.url);
    stops.push(() => rotating.close());
    expect(await rotating.join(commune.id, commune.firstId, epochKeysOf(privacy, crypto, commune.epochKey).admission)).toMatchObject({ type: "welcome" });
    expect(await rotating.put(second.item, { proof: rotating.proofFor(secondId, second.keys.admission) })).toMatchObject({ type: "stored" });

    await waitFor("Bo's host to be refused", () => other.link.status().state === "refused");
    expect(other.link.status().reason).toContain("was not given");
    await waitFor("Ada's host to be admitted under epoch 2", () => founder.keyring.current()?.id === secondId && founder.link.status().state === "connected");

    handle.change((doc) => (doc.memo = "after Bo left"));
    await waitFor("the change to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    expect(memoOf(copy)).toBe(MEMO);
    // What Ada wrote after the rotation is sealed under epoch 2, which Bo's key does not open.
    const watcher = await PrivateClient.connect(relay.url);
    stops.push(() => watcher.close());
    expect(await watcher.join(commune.id, secondId, second.keys.admission)).toMatchObject({ type: "welcome" });
    const { items } = await watcher.fetch(0);
    const last = decodeItem(items.at(-1)!.bytes);
    expect(last.ok && last.item.signed.header).toMatchObject({ kind: "batch", epoch: secondId });
  });

  it("refuses a snapshot the relay's operator copied into this commune's log from another commune, and changes nothing", async () => {
    const riverside = privateCommune();
    const ada1 = await member("ada-riverside", ada, riverside);
    const theirs = ada1.repo.create<{ memo: string }>({ memo: MEMO });
    await waitFor("Riverside's document to be stored", () => ada1.link.holds(theirs as DocHandle<unknown>));
    const hillside = privateCommune();
    const refused = new RefusedItems();
    const bo1 = await member("bo-hillside", bo, hillside, { refused });
    const ours = bo1.repo.create<{ memo: string }>({ memo: "Hillside's own" });
    await waitFor("Hillside's document to be stored", () => bo1.link.holds(ours as DocHandle<unknown>));
    const before = stateOf(ours as DocHandle<unknown>);

    // The operator serves both communes: he copies Riverside's stored snapshot into Hillside's log.
    const watcher = await PrivateClient.connect(relay.url);
    const { items } = await fetchAll(watcher, riverside);
    watcher.close();
    const copied = decodeItem(items.at(-1)!.bytes);
    if (!copied.ok) throw new Error(copied.problem.message);
    await operatorAppends(hillside.id, [copied.item]);

    await waitFor("Bo's host to refuse it", () => bo1.link.refusedItems === 1);
    expect(refused.list()).toEqual([
      { subject: "snapshot", id: idOfItem(copied.item), by: ada.publicKey, reason: "This batch belongs to another commune: it was replayed here" },
    ]);
    expect(stateOf(ours as DocHandle<unknown>)).toEqual(before);
    expect(bo1.repo.handles[theirs.documentId]).toBeUndefined();
  });

  it("refuses a batch a member re-signed to name another document of the commune, and changes neither document", async () => {
    const commune = privateCommune([ada, bo, cy]);
    const founder = await member("ada", ada, commune);
    const rent = founder.repo.create<{ memo: string }>({ memo: MEMO });
    const tools = founder.repo.create<{ memo: string }>({ memo: "Ladder, drill" });
    await waitFor("both documents to be stored", () => founder.link.holds(rent as DocHandle<unknown>) && founder.link.holds(tools as DocHandle<unknown>));
    const refused = new RefusedItems();
    const other = await member("bo", bo, commune, { refused });
    const [rentCopy, toolsCopy] = [await findWhenThere(other.repo, rent.url), await findWhenThere(other.repo, tools.url)];
    rent.change((doc) => (doc.memo = "Rent paid"));
    await waitFor("Bo to see the change", () => memoOf(rentCopy) === "Rent paid");
    const before = { rent: stateOf(rentCopy), tools: stateOf(toolsCopy) };

    // Cy, a member (admitted), takes Ada's batch for the rent and signs it again as his, naming the tools document: the relay cannot tell.
    const cyClient = await PrivateClient.connect(relay.url);
    stops.push(() => cyClient.close());
    const { items } = await fetchAll(cyClient, commune);
    const batch = items.map((item) => decodeItem(item.bytes)).find((decoded) => decoded.ok && decoded.item.signed.header.kind === "batch");
    if (!batch?.ok || batch.item.signed.header.kind !== "batch") throw new Error("no batch in the log");
    const moved = signItem(crypto, { ...batch.item.signed.header, document: tools.documentId, by: cy.publicKey }, batch.item.payload, cy);
    expect(await cyClient.put(moved)).toMatchObject({ type: "stored" });

    await waitFor("Bo's host to refuse it", () => other.link.refusedItems === 1);
    expect(refused.list()).toEqual([
      { subject: "batch", id: idOfItem(moved), by: cy.publicKey, reason: "This batch's ciphertext was altered: it does not open under its epoch's key" },
    ]);
    expect({ rent: stateOf(rentCopy), tools: stateOf(toolsCopy) }).toEqual(before);
  });

  it("after a rotation, the relay refuses the old key's admission, and a member refuses the batch the operator slipped in under the old epoch; nothing changes", async () => {
    const commune = privateCommune();
    const refused = new RefusedItems();
    const founder = await member("ada", ada, commune, { refused });
    const handle = founder.repo.create<{ memo: string }>({ memo: MEMO });
    await waitFor("the snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    // Bo is removed: epoch 2 is read by Ada alone.
    const second = makeEpochRecord(privacy, crypto, {
      commune: commune.id,
      epoch: 2,
      parent: commune.firstId,
      epochKey: privacy.randomKey(),
      previousKey: commune.epochKey,
      readers: [ada.publicKey],
      author: ada,
      at: Date.now(),
    });
    const secondId = idOfItem(second.item);
    const rotating = await PrivateClient.connect(relay.url);
    stops.push(() => rotating.close());
    expect(await rotating.join(commune.id, commune.firstId, epochKeysOf(privacy, crypto, commune.epochKey).admission)).toMatchObject({ type: "welcome" });
    expect(await rotating.put(second.item, { proof: rotating.proofFor(secondId, second.keys.admission) })).toMatchObject({ type: "stored" });
    await waitFor("Ada's host to be admitted under epoch 2", () => founder.keyring.current()?.id === secondId && founder.link.status().state === "connected");
    const before = stateOf(handle as DocHandle<unknown>);

    // Bo, with epoch 1's key, is not let in by the relay.
    const removed = await PrivateClient.connect(relay.url);
    stops.push(() => removed.close());
    expect(await removed.join(commune.id, commune.firstId, epochKeysOf(privacy, crypto, commune.epochKey).admission)).toMatchObject({ type: "superseded" });
    // So he has the operator append his change, sealed under epoch 1, to the log after the rotation.
    const change = A.saveSince(
      A.change(A.clone(handle.doc()), (doc) => (doc.memo = "Bo was here")),
      A.getHeads(handle.doc()),
    );
    const late = sealBatch(
      privacy,
      crypto,
      {
        commune: commune.id,
        document: handle.documentId,
        epoch: commune.firstId,
        dataKey: epochKeysOf(privacy, crypto, commune.epochKey).dataKey,
        author: bo,
        at: Date.now(),
      },
      change,
    );
    await operatorAppends(commune.id, [late]);

    await waitFor("Ada's host to refuse it", () => founder.link.refusedItems === 1);
    expect(refused.list()).toEqual([
      {
        subject: "batch",
        id: idOfItem(late),
        by: bo.publicKey,
        reason: "This batch is sealed under an epoch that had ended: whoever sent it holds only an old key",
      },
    ]);
    expect(stateOf(handle as DocHandle<unknown>)).toEqual(before);
  });

  it("is let in under a child its history cannot judge yet, seals nothing until the history makes it current, then writes under it", async () => {
    const commune = privateCommune([ada, bo, cy]);
    const founder = await member("ada", ada, commune);
    const handle = founder.repo.create<{ memo: string }>({ memo: MEMO });
    await waitFor("the snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    // Bo is removed: Ada's host starts epoch 2 for Ada and Cy.
    const second = makeEpochRecord(privacy, crypto, {
      commune: commune.id,
      epoch: 2,
      parent: commune.firstId,
      epochKey: privacy.randomKey(),
      previousKey: commune.epochKey,
      readers: [ada.publicKey, cy.publicKey],
      author: ada,
      at: Date.now(),
    });
    const secondId = idOfItem(second.item);
    expect(await founder.link.putEpoch(second.item, second.keys.admission)).toBe(true);
    await founder.keyring.hold(secondId, 2, second.keys.epochKey, second.item);

    // Cy's copy of the history does not hold the removal yet: for Cy, epoch 2 leaves Bo out.
    const active = [ada, bo, cy].map((key) => [key.publicKey, { history: [{ at: T0, status: "active" as const }] }] as const);
    let members: MemberHistories = Object.fromEntries(active);
    const other = await member("cy", cy, commune, { membership: () => members });
    expect(other.keyring.newest()?.id).toBe(secondId);
    expect(other.keyring.current()?.id).toBe(commune.firstId);
    const copy = await findWhenThere(other.repo, handle.url);
    copy.change((doc) => ((doc as { memo: string }).memo = "written while Cy's history lags"));
    // Timers of one delay run in the order they were set: the link's push for this change has run after these two turns.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setTimeout(resolve, 0));

    // The removal's votes arrive: epoch 2 is current for Cy too, and the next push sends everything under it.
    members = {
      ...members,
      [bo.publicKey]: {
        history: [
          { at: T0, status: "active" },
          { at: Date.now() - 60_000, status: "removed" },
        ],
      },
    };
    copy.change((doc) => ((doc as { memo: string }).memo = "written once it is current"));
    await waitFor("Cy's change to be stored", () => other.link.holds(copy));
    await waitFor("Ada to see it", () => memoOf(handle as DocHandle<unknown>) === "written once it is current");
    // Had it sealed under epoch 1 while lagging, the relay (admitting it under epoch 2) would have refused that put first.
    expect(other.link.lastRefusal).toBeUndefined();
    const watcher = await PrivateClient.connect(relay.url);
    stops.push(() => watcher.close());
    expect(await watcher.join(commune.id, secondId, second.keys.admission)).toMatchObject({ type: "welcome" });
    const byCy = (await watcher.fetch(0)).items
      .map((item) => decodeItem(item.bytes))
      .flatMap((decoded) => (decoded.ok && decoded.item.signed.header.by === cy.publicKey ? [decoded.item.signed.header] : []));
    expect(byCy).toEqual([expect.objectContaining({ kind: "batch", epoch: secondId })]);
  });

  it("drops a relay that breaks the protocol, says why, and tries again with the backoff", async () => {
    const commune = privateCommune();
    // A hostile relay: a binary frame before any welcome, then junk JSON.
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    let connections = 0;
    server.on("connection", (socket) => {
      connections++;
      socket.once("message", () => socket.send(connections === 1 ? Buffer.from([0, 0, 0, 9, 1, 2, 3]) : "{not json"));
    });
    const { link } = await linkToFake(server, commune, "hostile", { initialDelayMs: 20, maxDelayMs: 50 });
    const reasons: string[] = [];
    link.onStatus((status) => status.reason && reasons.push(status.reason));
    link.start();
    await waitFor("two attempts", () => connections >= 2 && reasons.some((reason) => reason.includes("not JSON")));
    expect(reasons).toContain("The relay sent data before admitting us");
    expect(link.status().state).not.toBe("connected");
  });

  it("brings a relay that missed a rotation up to the current epoch: proves the epoch it knows, then puts the child", async () => {
    const commune = privateCommune();
    const founder = await member("ada", ada, commune);
    await stops.pop()!();
    // The commune rotated while this relay was out of reach: Ada's keyring holds epoch 2, the relay knows epoch 1 only.
    const second = makeEpochRecord(privacy, crypto, {
      commune: commune.id,
      epoch: 2,
      parent: commune.firstId,
      epochKey: privacy.randomKey(),
      previousKey: commune.epochKey,
      readers: [ada.publicKey],
      author: ada,
      at: Date.now(),
    });
    const secondId = idOfItem(second.item);
    await founder.keyring.hold(secondId, 2, second.keys.epochKey, second.item);

    const again = await member("ada", ada, commune, { keyring: founder.keyring });
    const handle = again.repo.create<{ memo: string }>({ memo: MEMO });
    await waitFor("the document to be stored", () => again.link.holds(handle as DocHandle<unknown>));
    // The relay now admits epoch 2, and what Ada wrote is sealed under it.
    const watcher = await PrivateClient.connect(relay.url);
    stops.push(() => watcher.close());
    expect(await watcher.join(commune.id, secondId, second.keys.admission)).toMatchObject({ type: "welcome", epoch: secondId });
    const { items } = await watcher.fetch(0);
    const last = decodeItem(items.at(-1)!.bytes);
    expect(last.ok && last.item.signed.header).toMatchObject({ kind: "snapshot", epoch: secondId });
    expect(again.link.lastRefusal).toBeUndefined();
  });

  // A refused link waits the longest backoff (a minute here), so each of these connects only if a new key lets it in at once.
  const patient = { initialDelayMs: 50, maxDelayMs: 60_000 };

  it("connects as soon as its keyring holds a key, after starting with none (the lockbox arrived after the link started)", async () => {
    const commune = privateCommune();
    await member("ada", ada, commune);
    const keyring = new EpochKeyring({ commune: commune.id, privacy, crypto, me: bo });
    const bos = await member("bo", bo, commune, { keyring, reconnect: patient });
    await waitFor("Bo's link to say it holds no key", () => bos.link.status().state === "refused");
    expect(bos.link.status().reason).toBe("This machine holds no key to the commune's current epoch");

    keyring.learn(commune.first);
    await waitFor("Bo's link to connect under the epoch his lockbox opened", () => bos.link.status().state === "connected", 20_000);
  });

  it("tries again at once when the relay refused the first epoch it proved and its keyring then learns the one the relay holds", async () => {
    const commune = privateCommune();
    await member("ada", ada, commune);
    // Offline, Bo's host made a first epoch of its own (two moves at once); its id sorts after Ada's, so Ada's leads once he holds it.
    const own = ownFirstEpoch(commune, bo, "after");
    const keyring = new EpochKeyring({ commune: commune.id, privacy, crypto, me: bo });
    keyring.learn(own.item);
    const bos = await member("bo", bo, commune, { keyring, reconnect: patient });
    await waitFor("the relay to refuse Bo's own first epoch", () => bos.link.status().state === "refused");
    expect(bos.link.status().reason).toContain("This relay knows no such epoch");

    // Ada's first epoch reaches Bo another way (the commune document): the refusal's wait is not sat out.
    keyring.learn(commune.first);
    await waitFor("Bo's link to connect under Ada's first epoch", () => bos.link.status().state === "connected", 20_000);
  });

  it("says hello again, registering the first epoch its keyring took between its hello and the relay's challenge", async () => {
    // A relay that records each hello, and answers the first only once the test has changed the keyring.
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const hellos: Array<{ register?: { epochs: string[] } }> = [];
    const proofs: unknown[] = [];
    let answerFirst: ((challenge: (tips: string[]) => void) => void) | undefined;
    const firstHello = new Promise<(tips: string[]) => void>((resolve) => (answerFirst = resolve));
    server.on("connection", (socket) => {
      socket.once("message", (data) => {
        hellos.push(JSON.parse(String(data)) as (typeof hellos)[number]);
        const challenge = (tips: string[]) => socket.send(JSON.stringify({ type: "challenge", nonce: "ab".repeat(16), tips }));
        if (hellos.length === 1) answerFirst!(challenge);
        socket.on("message", (frame) => proofs.push(JSON.parse(String(frame))));
      });
    });
    const commune = privateCommune();
    // The member's own first epoch, made while it was offline, sorts first: it leads once held.
    const own = ownFirstEpoch(commune, ada, "before");
    const { link, keyring } = await linkToFake(server, commune, "between", { initialDelayMs: 20, maxDelayMs: 60_000 });
    link.start();
    const challenge = await firstHello;
    expect(hellos[0]!.register!.epochs.map(idOfEncoded)).toEqual([commune.firstId]);

    keyring.learn(own.item);
    challenge([commune.firstId]);
    // Proving the relay's epoch and putting its own beside it would be refused for a moved commune whose founder is gone.
    await waitFor("a second hello", () => hellos.length >= 2);
    expect(proofs).toEqual([]);
    expect(hellos[1]!.register!.epochs.map(idOfEncoded)).toEqual([idOfItem(own.item)]);
  });
});

describe("compaction: members put whole documents back so the relay can drop the batches they cover", () => {
  /** Notes no compression shrinks: each change weighs about what it says. */
  const note = () => randomBytes(700).toString("hex");
  const headersOf = (items: Array<{ seq: number; bytes: Uint8Array }>) =>
    items.flatMap(({ seq, bytes }) => {
      const decoded = decodeItem(bytes);
      return decoded.ok ? [{ seq, ...decoded.item.signed.header }] : [];
    });

  it("puts a snapshot once a document's batches outweigh it, covering every batch before it, and a newcomer reads it whole", async () => {
    const commune = privateCommune();
    const founder = await member("ada", ada, commune);
    const handle = founder.repo.create<{ notes: string[] }>({ notes: [] });
    await waitFor("the first snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    // One change at a time, each its own batch, as a member writes entries.
    for (let i = 0; i < 30; i++) {
      handle.change((doc) => void doc.notes.push(note()));
      await waitFor(`change ${i} to be stored`, () => founder.link.holds(handle as DocHandle<unknown>));
    }

    const watcher = await PrivateClient.connect(relay.url);
    stops.push(() => watcher.close());
    const headers = headersOf((await fetchAll(watcher, commune)).items).filter((header) => header.kind !== "epoch");
    const snapshots = headers.filter((header) => header.kind === "snapshot");
    const batches = headers.filter((header) => header.kind === "batch");
    // Ada compacted when the batches after her first snapshot passed 16 KiB; the relay dropped what her latest snapshot covers.
    expect(snapshots).toHaveLength(1);
    const compacted = snapshots[0]!;
    expect(compacted.kind === "snapshot" && compacted.by).toBe(ada.publicKey);
    expect(compacted.seq).toBeGreaterThan(2);
    const covers = compacted.kind === "snapshot" ? compacted.covers : 0;
    expect(batches.every((header) => header.seq > covers)).toBe(true);
    expect(batches.length).toBeLessThan(30);

    const newcomer = await member("cy", cy, commune, { viaInvite: true });
    const copy = await findWhenThere(newcomer.repo, handle.url);
    await waitFor("every note to reach the newcomer", () => (copy.doc() as { notes: string[] }).notes.length === 30);
    expect(copy.doc()).toEqual(handle.doc());
    expect(newcomer.link.refusedItems + founder.link.refusedItems).toBe(0);
  });

  it("puts back what a member's lying snapshot leaves out: a snapshot that says it covers Bo's batch but lacks it", async () => {
    const commune = privateCommune([ada, bo, cy]);
    const refused = new RefusedItems();
    const founder = await member("ada", ada, commune);
    const handle = founder.repo.create<{ notes: string[] }>({ notes: ["from Ada"] });
    await waitFor("the snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    const stale = A.save(A.clone(handle.doc() as A.Doc<unknown>));
    const other = await member("bo", bo, commune, { refused });
    const copy = await findWhenThere(other.repo, handle.url);
    copy.change((doc) => void (doc as { notes: string[] }).notes.push("Bo's harvest hours"));
    await waitFor("Bo's batch to be stored", () => other.link.holds(copy));
    await waitFor("Ada to hold Bo's note", () => (handle.doc() as { notes: string[] }).notes.length === 2);

    // Cy, a member with the epoch's admission key, puts the document as it was before Bo's note and says it covers the whole log.
    const { liar, head } = await putLyingSnapshot(commune, handle.documentId, stale, cy);

    // Bo sees his own batch left out, says so among the commune's problems, and puts the document whole again.
    await waitFor("Bo to list the lying snapshot", () => refused.list().some((item) => item.subject === "snapshot"));
    expect(refused.list().find((item) => item.subject === "snapshot")).toMatchObject({
      by: cy.publicKey,
      reason: expect.stringContaining("which it says it covers and this member holds"),
    });
    await waitFor("Bo's own copy to follow", async () =>
      headersOf((await liar.fetch(head + 1)).items).some((header) => header.kind === "snapshot" && header.by === bo.publicKey),
    );

    // A newcomer reading the latest snapshot gets Bo's note.
    const newcomer = await member("dee", testKeys(14), commune, { viaInvite: true });
    const late = await findWhenThere(newcomer.repo, handle.url);
    await waitFor("Bo's note to reach the newcomer", () => (late.doc() as { notes: string[] }).notes.includes("Bo's harvest hours"));
  });

  it("puts back a gone member's batch that a lying snapshot leaves out: Ada applied it, so she checks for it and puts her copy", async () => {
    const commune = privateCommune([ada, bo, cy]);
    const refused = new RefusedItems();
    const founder = await member("ada", ada, commune, { refused });
    const handle = founder.repo.create<{ notes: string[] }>({ notes: ["from Ada"] });
    await waitFor("the snapshot to be stored", () => founder.link.holds(handle as DocHandle<unknown>));
    const stale = A.save(A.clone(handle.doc() as A.Doc<unknown>));
    const other = await member("bo", bo, commune);
    const copy = await findWhenThere(other.repo, handle.url);
    copy.change((doc) => void (doc as { notes: string[] }).notes.push("Bo's last harvest hours"));
    await waitFor("Bo's batch to be stored", () => other.link.holds(copy));
    await waitFor("Ada to hold Bo's note", () => (handle.doc() as { notes: string[] }).notes.length === 2);
    // Bo is gone: his host never connects again, so he cannot put his note back himself.
    other.link.stop();

    // Cy puts the document as it was before Bo's note, saying it covers the whole log: the relay drops Bo's batch.
    const { liar, head } = await putLyingSnapshot(commune, handle.documentId, stale, cy);

    // Ada, who applied Bo's batch, finds it left out, says so, and puts her whole copy.
    await waitFor("Ada to list the lying snapshot", () => refused.list().some((item) => item.subject === "snapshot"));
    expect(refused.list().find((item) => item.subject === "snapshot")).toMatchObject({
      by: cy.publicKey,
      reason: expect.stringContaining("which it says it covers and this member holds"),
    });
    await waitFor("Ada's own copy to follow", async () =>
      headersOf((await liar.fetch(head + 1)).items).some((header) => header.kind === "snapshot" && header.by === ada.publicKey),
    );
    const newcomer = await member("dee", testKeys(14), commune, { viaInvite: true });
    const late = await findWhenThere(newcomer.repo, handle.url);
    await waitFor("Bo's note to reach the newcomer", () => (late.doc() as { notes: string[] }).notes.includes("Bo's last harvest hours"));
  });
});

/** A member holding the epoch's admission key puts `stale` as the document's snapshot, saying it covers the whole log: the relay drops what came before. */
/** A first epoch of the commune that `author`'s host made on its own (a second move), read by it alone, whose id sorts `where` the commune's. */
function ownFirstEpoch(commune: Commune, author: KeyPair, where: "before" | "after") {
  for (;;) {
    const made = makeEpochRecord(privacy, crypto, {
      commune: commune.id,
      epoch: 1,
      parent: null,
      epochKey: privacy.randomKey(),
      readers: [author.publicKey],
      author,
      at: Date.now(),
    });
    if (idOfItem(made.item) < commune.firstId === (where === "before")) return made;
  }
}

/** Ada's link, holding the commune's first epoch, to a relay the test plays itself; not started. */
async function linkToFake(server: WebSocketServer, commune: Commune, name: string, reconnect: { initialDelayMs: number; maxDelayMs: number }) {
  if (!server.address()) await new Promise((resolve) => server.once("listening", resolve));
  const keyring = new EpochKeyring({ commune: commune.id, privacy, crypto, me: ada });
  keyring.learn(commune.first);
  const link = new PrivateRelayLink({
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    commune: commune.id,
    keyring,
    privacy,
    crypto,
    me: ada,
    stateDir: join(hostDir.path, name),
    repo: () => undefined,
    held: () => ({ document: 0, commune: 0 }),
    genesis: commune.genesis,
    reconnect,
  });
  stops.push(() => link.stop());
  return { link, keyring };
}

function idOfEncoded(text: string): string {
  const decoded = decodeItem(new Uint8Array(Buffer.from(text, "base64")));
  if (!decoded.ok) throw new Error("a hello registered an epoch that does not decode");
  return idOfItem(decoded.item);
}

async function putLyingSnapshot(commune: Commune, document: string, stale: Uint8Array, author: KeyPair) {
  const liar = await PrivateClient.connect(relay.url);
  stops.push(() => liar.close());
  const { head } = await fetchAll(liar, commune);
  const dataKey = epochKeysOf(privacy, crypto, commune.epochKey).dataKey;
  const lying = sealSnapshot(privacy, crypto, { commune: commune.id, document, epoch: commune.firstId, dataKey, author, at: Date.now(), covers: head }, stale);
  expect(await liar.put(lying)).toMatchObject({ type: "stored" });
  return { liar, head };
}

async function fetchAll(client: PrivateClient, commune: Commune) {
  expect(await client.join(commune.id, commune.firstId, epochKeysOf(privacy, crypto, commune.epochKey).admission)).toMatchObject({ type: "welcome" });
  return client.fetch(0);
}
