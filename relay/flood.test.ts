import * as Automerge from "@automerge/automerge";
import { cbor, generateAutomergeUrl, parseAutomergeUrl, type DocHandle } from "@automerge/automerge-repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_WAITING_MESSAGES } from "./commune-adapter";
import { startRelay, type RunningRelay } from "./relay";
import { makeCommune, randomPeerId, RawClient, startMember, tempDir, waitFor, type Member } from "./testing/relay-harness";

interface Ledger {
  entries: string[];
}

/**
 * Issue 15: "28,800 requests for absent document ids from 16 sockets, within
 * the rate limit: a real member's next change did not arrive within 180 s."
 * Each request reached the commune's Repo, which made a handle, read
 * storage and asked every other member, on the thread that forwards the
 * members' changes. Here the flooders are admitted members of the commune
 * (they hold its key), and they ask as fast as the rate limit lets them.
 */
describe("a flood of requests for documents the relay does not have", () => {
  const x = makeCommune(21, "X");
  let data: Awaited<ReturnType<typeof tempDir>>;
  let relay: RunningRelay;
  let ada: Member;
  let bo: Member;
  let adaLedger: DocHandle<Ledger>;
  let boLedger: DocHandle<Ledger>;
  const raws: RawClient[] = [];

  beforeAll(async () => {
    data = await tempDir();
    relay = await startRelay({ port: 0, dataDir: data.path, log: () => {} });
    ada = startMember(relay.url, x, { register: true });
    await ada.connected();
    bo = startMember(relay.url, x);
    await bo.connected();
    adaLedger = ada.repo.create<Ledger>({ entries: ["first"] });
    await ada.syncedWithRelay(adaLedger);
    boLedger = await bo.repo.find<Ledger>(adaLedger.url);
  });

  afterAll(async () => {
    await Promise.all(raws.map((client) => client.close()));
    await Promise.all([ada, bo].map((member) => member?.stop()));
    await relay?.close();
    await data?.remove();
  });

  /** A syncing member's first message for a document it lacks. */
  const [, firstSyncMessage] = Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState());
  const request = (senderId: string, targetId: string) => {
    const { documentId } = parseAutomergeUrl(generateAutomergeUrl());
    return { documentId, frame: cbor.encode({ type: "request", senderId, targetId, documentId, data: firstSyncMessage }) };
  };

  async function flooder(): Promise<{ client: RawClient; me: string; relayPeerId: string }> {
    const client = new RawClient(relay.url);
    raws.push(client);
    const me = randomPeerId("flooder");
    const { relayPeerId } = await client.admit(x, me);
    return { client, me, relayPeerId };
  }

  it("answers each one itself, without the Repo, while a member's change still goes through", async () => {
    const handlesBefore = relay.stats().documentHandles;
    const answeredBefore = relay.stats().unavailableAnswers;
    const flooders = await Promise.all(Array.from({ length: 6 }, () => flooder()));
    // Under the bound on messages waiting behind lookups (an honest member asks for a few documents at a time).
    const each = MAX_WAITING_MESSAGES - 56;
    const asked = new Set<string>();
    for (const { client, me, relayPeerId } of flooders) {
      for (let i = 0; i < each; i++) {
        const { documentId, frame } = request(me, relayPeerId);
        asked.add(documentId);
        client.send(frame);
      }
    }

    adaLedger.change((doc) => void doc.entries.push("during the flood"));
    await waitFor("Bo to receive Ada's change during the flood", () => boLedger.doc().entries.includes("during the flood"));
    const health = await fetch(relay.url.replace("ws://", "http://") + "/health");
    expect(health.status).toBe(200);

    await waitFor("every request to be answered", () => relay.stats().unavailableAnswers - answeredBefore === flooders.length * each);
    const answersOf = () =>
      flooders.flatMap(({ client }) =>
        client.frames
          .filter((frame) => frame.binary)
          .map((frame) => cbor.decode(frame.binary ? frame.bytes : new Uint8Array()) as { type: string; documentId?: string }),
      );
    await waitFor("every answer to arrive", () => answersOf().filter((answer) => answer.type === "doc-unavailable").length === flooders.length * each);
    const answers = answersOf();
    const unavailable = answers.filter((answer) => answer.type === "doc-unavailable");
    expect(unavailable).toHaveLength(flooders.length * each);
    expect(unavailable.every((answer) => asked.has(String(answer.documentId)))).toBe(true);
    // The Repo never heard of them: no handle was made for any.
    expect(relay.stats().documentHandles).toBe(handlesBefore);
    expect(flooders.every(({ client }) => !client.isClosed)).toBe(true);
  });

  it("still lets a member ask for a document the relay has", async () => {
    const carol = startMember(relay.url, x);
    try {
      await carol.connected();
      const found = await carol.repo.find<Ledger>(adaLedger.url);
      expect(found.doc().entries).toContain("first");
    } finally {
      await carol.stop();
    }
  });

  it("closes the socket of a peer with more messages waiting behind lookups than an honest member ever has", async () => {
    const { client, me, relayPeerId } = await flooder();
    // One frame of many requests at once is still one at a time for the relay; a burst beyond the bound is refused.
    for (let i = 0; i < 3 * MAX_WAITING_MESSAGES; i++) client.send(request(me, relayPeerId).frame);
    const { reason } = await Promise.race([client.closed, client.barrier().then(() => client.closed)]);
    expect(reason).toContain("requests waiting on document lookups");
  });
});
