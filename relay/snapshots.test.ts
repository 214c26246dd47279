import * as A from "@automerge/automerge";
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RunningRelay } from "./relay";
import { makeCommune, randomPeerId, RawClient, startMember, tempDir, waitFor, type Member } from "./testing/relay-harness";

interface Ledger {
  entries: string[];
}

/**
 * A member with nothing of a document asks the relay for the whole of it in
 * one message (shared/sync/repo-wire.ts), instead of receiving it change by
 * change through sync.
 */
describe("relay snapshots", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function relayIn(dataDir?: string): Promise<RunningRelay> {
    const relay = await startRelay({ port: 0, dataDir: dataDir ?? (await dir()) });
    cleanups.push(() => relay.close());
    return relay;
  }
  function member(...args: Parameters<typeof startMember>): Member {
    const started = startMember(...args);
    cleanups.push(() => started.stop());
    return started;
  }
  async function dir(): Promise<string> {
    const made = await tempDir();
    cleanups.push(() => made.remove());
    return made.path;
  }
  function raw(url: string): RawClient {
    const client = new RawClient(url);
    cleanups.push(() => client.close());
    return client;
  }

  /** Ada writes a ledger of `count` entries, one change each, and the relay holds it. */
  async function ledgerOnRelay(relay: RunningRelay, commune: ReturnType<typeof makeCommune>, count: number) {
    const ada = member(relay.url, commune, { register: true });
    await ada.connected();
    const ledger = ada.repo.create<Ledger>({ entries: [] });
    for (let i = 0; i < count; i++) {
      ledger.change((doc) => {
        doc.entries.push(`entry ${i}`);
      });
    }
    await ada.syncedWithRelay(ledger);
    return { ada, ledger };
  }

  it("says in its answer to the join that it serves snapshots", async () => {
    const relay = await relayIn();
    const commune = makeCommune(1);
    const ada = member(relay.url, commune, { register: true });
    await ada.connected();
    expect(ada.adapter.servesSnapshots).toBe(true);
  });

  it("sends a member the whole document, which loads to what its author wrote", async () => {
    const relay = await relayIn();
    const commune = makeCommune(2);
    const { ledger } = await ledgerOnRelay(relay, commune, 20);
    const bo = member(relay.url, commune);
    await bo.connected();

    const bytes = await bo.adapter.requestSnapshot(ledger.documentId);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const doc = A.load<Ledger>(bytes!);
    expect(doc.entries).toEqual(Array.from({ length: 20 }, (_, i) => `entry ${i}`));
    expect(A.getHeads(doc)).toEqual(A.getHeads(ledger.doc()));
  });

  it("sends it from disk after a restart, without the document open", async () => {
    const dataDir = await dir();
    const first = await startRelay({ port: 0, dataDir });
    const commune = makeCommune(3);
    const ada = startMember(first.url, commune, { register: true });
    await ada.connected();
    const ledger = ada.repo.create<Ledger>({ entries: ["one", "two"] });
    await ada.syncedWithRelay(ledger);
    await ada.stop();
    await first.close();

    const relay = await relayIn(dataDir);
    const bo = member(relay.url, commune);
    await bo.connected();
    const bytes = await bo.adapter.requestSnapshot(ledger.documentId);
    expect(A.load<Ledger>(bytes!).entries).toEqual(["one", "two"]);
  });

  it("has nothing for a document it does not hold, nor for another commune's document on the same relay", async () => {
    const relay = await relayIn();
    const ours = makeCommune(4);
    const theirs = makeCommune(5);
    const { ledger: theirLedger } = await ledgerOnRelay(relay, theirs, 3);
    const bo = member(relay.url, ours, { register: true });
    await bo.connected();

    expect(await bo.adapter.requestSnapshot(theirLedger.documentId)).toBeUndefined();
    const unknown = parseAutomergeUrl(generateAutomergeUrl()).documentId;
    expect(await bo.adapter.requestSnapshot(unknown)).toBeUndefined();
    // The member is still served afterwards.
    const mine = bo.repo.create<Ledger>({ entries: ["still here"] });
    await bo.syncedWithRelay(mine);
  });

  it("answers a raw request with a snapshot frame addressed to the asker, and none to a peer with another commune's key", async () => {
    const relay = await relayIn();
    const commune = makeCommune(6);
    const other = makeCommune(7);
    const { ledger } = await ledgerOnRelay(relay, commune, 5);
    // Another commune exists on the relay, so the intruder gets as far as admission there.
    await ledgerOnRelay(relay, other, 1);

    const peerId = randomPeerId("raw");
    const client = raw(relay.url);
    const { relayPeerId } = await client.admit(commune, peerId);
    client.send(cbor.encode({ type: "snapshot-request", senderId: peerId, targetId: relayPeerId, documentId: ledger.documentId }));
    const answer = await client.decoded(3);
    expect(answer).toMatchObject({ type: "snapshot", senderId: relayPeerId, targetId: peerId, documentId: ledger.documentId });
    expect(A.load<Ledger>(answer.data as Uint8Array).entries).toHaveLength(5);

    const intruderId = randomPeerId("intruder");
    const intruder = raw(relay.url);
    const { relayPeerId: otherRelayId } = await intruder.admit(other, intruderId);
    intruder.send(cbor.encode({ type: "snapshot-request", senderId: intruderId, targetId: otherRelayId, documentId: ledger.documentId }));
    const refused = await intruder.decoded(3);
    expect(refused).toMatchObject({ type: "snapshot", documentId: ledger.documentId });
    expect(refused.data).toBeUndefined();
  });

  it("closes a socket that asks under another peer id, and nobody else notices", async () => {
    const relay = await relayIn();
    const commune = makeCommune(8);
    const { ada, ledger } = await ledgerOnRelay(relay, commune, 2);
    const peerId = randomPeerId("raw");
    const client = raw(relay.url);
    const { relayPeerId } = await client.admit(commune, peerId);
    client.send(cbor.encode({ type: "snapshot-request", senderId: ada.peerId, targetId: relayPeerId, documentId: ledger.documentId }));
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(client.binaryFrames).toBe(1); // the "peer" answer only
    expect(ada.adapter.status.state).toBe("connected");
  });

  it("leaves a member's request unanswered when the relay goes away, and the member gets undefined", async () => {
    const relay = await startRelay({ port: 0, dataDir: await dir() });
    const commune = makeCommune(9);
    const ada = member(relay.url, commune, { register: true });
    await ada.connected();
    await relay.close();
    await waitFor("Ada to notice", () => ada.adapter.status.state !== "connected");
    expect(ada.adapter.servesSnapshots).toBe(false);
    expect(await ada.adapter.requestSnapshot(parseAutomergeUrl(generateAutomergeUrl()).documentId)).toBeUndefined();
  });
});
