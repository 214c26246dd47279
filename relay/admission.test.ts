import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import * as Automerge from "@automerge/automerge";
import { cbor, parseAutomergeUrl, type DocHandle } from "@automerge/automerge-repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { communeIdOf } from "../shared/commune/genesis";
import { handshakeMac } from "../shared/sync/relay-handshake";
import { PEER_ID_IN_USE } from "./gateway";
import { NOT_SERVED, WRONG_PROOF } from "./handshake";
import type { RelayLogEvent } from "./log";
import { DEFAULT_LIMITS, startRelay, type RunningRelay } from "./relay";
import { compressedChangeBomb, syncMessageCarrying } from "../repo-adaptations/testing/automerge-bombs";
import { makeCommune, randomPeerId, RawClient, startMember, tempDir, waitFor, type Member } from "./testing/relay-harness";

interface Ledger {
  entries: string[];
}

/**
 * One relay serving two communes, X (Ada and Bo) and Y (Cy), while strangers
 * try their luck. Outsiders are raw sockets that record every frame the relay
 * sends them: before admission only the handshake's text frames may arrive.
 */
describe("relay admission", () => {
  const x = makeCommune(11, "X");
  const y = makeCommune(12, "Y");
  let data: Awaited<ReturnType<typeof tempDir>>;
  let relay: RunningRelay;
  let ada: Member;
  let bo: Member;
  let cy: Member;
  let adaLedger: DocHandle<Ledger>;
  let boLedger: DocHandle<Ledger>;
  const log: RelayLogEvent[] = [];
  const raws: RawClient[] = [];

  const raw = () => {
    const client = new RawClient(relay.url);
    raws.push(client);
    return client;
  };

  /** Ada writes; Bo must receive it: the members are undisturbed. */
  async function membersStillSync(entry: string): Promise<void> {
    adaLedger.change((doc) => {
      doc.entries.push(entry);
    });
    await waitFor(`Bo to receive "${entry}"`, () => boLedger.doc().entries.includes(entry));
  }

  const statusCount = (member: Member) => member.statuses.length;

  beforeAll(async () => {
    data = await tempDir();
    relay = await startRelay({ port: 0, dataDir: data.path, log: (event) => log.push(event) });
    ada = startMember(relay.url, x, { register: true });
    await ada.connected();
    bo = startMember(relay.url, x);
    cy = startMember(relay.url, y, { register: true });
    await Promise.all([bo.connected(), cy.connected()]);
    adaLedger = ada.repo.create<Ledger>({ entries: ["X's secret purse"] });
    await ada.syncedWithRelay(adaLedger);
    boLedger = await bo.repo.find<Ledger>(adaLedger.url);
  });

  afterAll(async () => {
    await Promise.all(raws.map((client) => client.close()));
    await Promise.all([ada, bo, cy].map((member) => member?.stop()));
    await relay?.close();
    await data?.remove();
  });

  it("sends a peer without the secret only the challenge and the refusal", async () => {
    const stranger = raw();
    const wrongKey = makeCommune(13).relayKey;
    const { challenge, answer } = await stranger.handshake({ commune: x.id, peerId: randomPeerId("stranger"), macKey: wrongKey });
    expect(challenge.type).toBe("challenge");
    expect(answer).toEqual({ type: "refused", reason: WRONG_PROOF });
    // It tries the automerge protocol anyway.
    stranger.send(cbor.encode({ type: "join", senderId: "stranger-1234", peerMetadata: {}, supportedProtocolVersions: ["1"] }));
    await stranger.closed;
    expect(stranger.frames.map((frame) => frame.binary)).toEqual([false, false]);
    expect(log).toContainEqual(expect.objectContaining({ event: "refused", commune: x.id, reason: WRONG_PROOF }));
  });

  it("refuses a peer holding another commune's secret, and serves it nothing of that commune", async () => {
    const neighbour = raw();
    const { answer } = await neighbour.handshake({ commune: x.id, peerId: randomPeerId("neighbour"), macKey: y.relayKey });
    expect(answer).toEqual({ type: "refused", reason: WRONG_PROOF });
    await neighbour.closed;
    expect(neighbour.binaryFrames).toBe(0);
  });

  it("answers a member of Y who asks for X's document with doc-unavailable, never with its contents", async () => {
    const memberOfY = raw();
    const peerId = randomPeerId("y-member");
    const { relayPeerId } = await memberOfY.admit(y, peerId);
    const { documentId } = parseAutomergeUrl(adaLedger.url);
    const [, request] = Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState());
    memberOfY.send(cbor.encode({ type: "request", senderId: peerId, targetId: relayPeerId, documentId, data: request }));
    // The relay's Repo of Y answers from what it holds for that id, which is nothing: at most a
    // sync message carrying an empty document, then doc-unavailable.
    const replies: Record<string, unknown>[] = [];
    for (let index = 3; !replies.some((reply) => reply.type === "doc-unavailable"); index++) replies.push(await memberOfY.decoded(index));
    await memberOfY.barrier();
    for (const reply of replies) {
      expect(reply).toMatchObject({ documentId, targetId: peerId });
      if (reply.type === "sync") {
        const [received] = Automerge.receiveSyncMessage(Automerge.init(), Automerge.initSyncState(), reply.data as Uint8Array);
        expect(Automerge.getHeads(received)).toEqual([]);
      } else expect(reply.type).toBe("doc-unavailable");
    }
    expect(memberOfY.frames).toHaveLength(3 + replies.length);

    // And through a real Repo: Cy cannot find X's ledger.
    await expect(cy.repo.find(adaLedger.url)).rejects.toThrow(/unavailable/);
  });

  it("ignores a peer claiming a connected member's peer id without the proof: it gets nothing, the member keeps syncing", async () => {
    const before = statusCount(ada);
    const impostor = raw();
    const { answer } = await impostor.handshake({ commune: x.id, peerId: ada.peerId, mac: "0".repeat(64) });
    expect(answer).toEqual({ type: "refused", reason: WRONG_PROOF });
    await impostor.closed;
    expect(impostor.binaryFrames).toBe(0);
    await membersStillSync("after the impostor");
    expect(statusCount(ada)).toBe(before);
    expect(ada.adapter.status.state).toBe("connected");
  });

  it("refuses a peer with the proof that claims a peer id in use, and keeps the original connected", async () => {
    const before = statusCount(ada);
    const twin = raw();
    const { answer } = await twin.handshake({ commune: x.id, peerId: ada.peerId, macKey: x.relayKey });
    expect(answer).toEqual({ type: "refused", reason: PEER_ID_IN_USE });
    await twin.closed;
    expect(twin.binaryFrames).toBe(0);
    await membersStillSync("after the twin");
    expect(statusCount(ada)).toBe(before);
  });

  it("lets a member back in once its old socket, dead without closing, fails the probe its return triggers", async () => {
    const probeRelayData = await tempDir();
    const probeLog: RelayLogEvent[] = [];
    const probeRelay = await startRelay({ port: 0, dataDir: probeRelayData.path, limits: { handshakeTimeoutMs: 1_000 }, log: (event) => probeLog.push(event) });
    try {
      const founder = startMember(probeRelay.url, x, { register: true });
      await founder.connected();
      await founder.stop();
      const peerId = randomPeerId("sleeper");
      // The old socket: admitted, then silent (it no longer answers pings), like a laptop that slept.
      const asleep = new RawClient(probeRelay.url, { autoPong: false });
      await asleep.admit(x, peerId);
      const back = new RawClient(probeRelay.url);
      const { answer } = await back.handshake({ commune: x.id, peerId, macKey: x.relayKey });
      expect(answer).toEqual({ type: "refused", reason: PEER_ID_IN_USE });
      await asleep.closed;
      await waitFor("the relay to drop the dead socket", () =>
        probeLog.some((event) => event.event === "closed" && event.reason === "did not answer a liveness probe"),
      );
      const again = new RawClient(probeRelay.url);
      await again.admit(x, peerId);
      await again.close();
    } finally {
      await probeRelay.close();
      await probeRelayData.remove();
    }
  });

  it("closes a socket whose join carries another peer id than the one it proved", async () => {
    const shifty = raw();
    const { answer } = await shifty.handshake({ commune: x.id, peerId: randomPeerId("proven"), macKey: x.relayKey });
    expect(answer?.type).toBe("welcome");
    shifty.send(cbor.encode({ type: "join", senderId: bo.peerId, peerMetadata: {}, supportedProtocolVersions: ["1"] }));
    const { code } = await shifty.closed;
    expect(code).toBe(1008);
    expect(shifty.binaryFrames).toBe(0);
    await membersStillSync("after the shifty join");
  });

  it("proves in its welcome that the relay holds the commune's key", async () => {
    const member = raw();
    const { answer, transcript } = await member.handshake({ commune: x.id, peerId: randomPeerId(), macKey: x.relayKey });
    expect(answer).toEqual({ type: "welcome", mac: handshakeMac(x.relayKey, transcript!, "relay") });
    await member.close();
  });

  it("closes an admitted socket that sends a message under another sender, to another target, or of an unknown type", async () => {
    const cases = [
      (me: string, relayPeer: string) => ({
        type: "doc-unavailable",
        senderId: bo.peerId,
        targetId: relayPeer,
        documentId: parseAutomergeUrl(adaLedger.url).documentId,
      }),
      (me: string) => ({ type: "doc-unavailable", senderId: me, targetId: bo.peerId, documentId: parseAutomergeUrl(adaLedger.url).documentId }),
      (me: string, relayPeer: string) => ({ type: "join", senderId: me, targetId: relayPeer }),
      (me: string, relayPeer: string) => ({ type: "sync", senderId: me, targetId: relayPeer, documentId: "not-a-document", data: new Uint8Array([1]) }),
      (me: string, relayPeer: string) => ({
        type: "sync",
        senderId: me,
        targetId: relayPeer,
        documentId: parseAutomergeUrl(adaLedger.url).documentId,
        data: new Uint8Array([1, 2, 3]),
      }),
    ];
    for (const make of cases) {
      const client = raw();
      const me = randomPeerId("tester");
      const { relayPeerId } = await client.admit(x, me);
      client.send(cbor.encode(make(me, relayPeerId)));
      const { code } = await client.closed;
      expect(code).toBe(1008);
      expect(client.frames.filter((frame) => frame.binary)).toHaveLength(1); // the "peer" answer, nothing else
    }
    await membersStillSync("after the bad messages");
  });

  it("closes, logging why, an admitted socket whose sync message carries a compressed change that inflates to 64 MiB, and stays small", async () => {
    const bomb = syncMessageCarrying([compressedChangeBomb(64 * 1024 * 1024)]);
    const attacker = raw();
    const me = randomPeerId("bomber");
    const { relayPeerId } = await attacker.admit(x, me);
    const documentId = parseAutomergeUrl(adaLedger.url).documentId;
    const before = process.memoryUsage();
    for (let round = 0; round < 3; round++) {
      attacker.send(cbor.encode({ type: "sync", senderId: me, targetId: relayPeerId, documentId, data: bomb }));
    }
    const { code } = await attacker.closed;
    const after = process.memoryUsage();
    expect(code).toBe(1008);
    expect(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    await waitFor("the relay to log why", () => log.some((event) => event.event === "closed" && event.reason?.includes("would inflate to more than") === true));
    await membersStillSync("after the bomb");
  });

  it("drops, without closing the socket, an ephemeral message passed on under another member's id", async () => {
    const heard: unknown[] = [];
    boLedger.on("ephemeral-message", ({ message }) => heard.push(message));
    const gossip = raw();
    const me = randomPeerId("gossip");
    const { relayPeerId } = await gossip.admit(x, me);
    const documentId = parseAutomergeUrl(adaLedger.url).documentId;
    const ephemeral = (senderId: string, count: number, text: string) =>
      cbor.encode({ type: "ephemeral", senderId, targetId: relayPeerId, documentId, count, sessionId: "s1", data: cbor.encode({ text }) });
    gossip.send(ephemeral(ada.peerId, 1, "spoofed as Ada"));
    gossip.send(ephemeral(me, 1, "from the gossip itself"));
    await waitFor("Bo to hear the gossip's own message", () => heard.length > 0);
    await gossip.barrier();
    expect(gossip.isClosed).toBe(false);
    expect(heard).toEqual([{ text: "from the gossip itself" }]);
    await gossip.close();
  });

  it("closes, unrelayed, the socket of a member who sends an ephemeral message larger than presence needs", async () => {
    const heard: unknown[] = [];
    boLedger.on("ephemeral-message", ({ message }) => heard.push(message));
    const flooder = raw();
    const me = randomPeerId("flooder");
    const { relayPeerId } = await flooder.admit(x, me);
    const documentId = parseAutomergeUrl(adaLedger.url).documentId;
    const huge = cbor.encode({ blob: new Uint8Array(DEFAULT_LIMITS.maxEphemeralBytes + 1) });
    for (let count = 1; count <= 3; count++) {
      flooder.send(cbor.encode({ type: "ephemeral", senderId: me, targetId: relayPeerId, documentId, count, sessionId: "s1", data: huge }));
    }
    const { code, reason } = await flooder.closed;
    expect(code).toBe(1008);
    expect(reason).toMatch(/^ephemeral message too large \(\d+ bytes; the limit is 16384\)$/);
    // A presence-sized message from an honest member still goes through, and is the only one Bo hears.
    const honest = raw();
    const honestId = randomPeerId("honest");
    const admitted = await honest.admit(x, honestId);
    honest.send(
      cbor.encode({
        type: "ephemeral",
        senderId: honestId,
        targetId: admitted.relayPeerId,
        documentId,
        count: 1,
        sessionId: "s2",
        data: cbor.encode({ here: true }),
      }),
    );
    await waitFor("Bo to hear the honest presence", () => heard.length > 0);
    expect(heard).toEqual([{ here: true }]);
    await honest.close();
  });

  it("refuses a commune it does not serve when the hello does not register it", async () => {
    const client = raw();
    const { answer } = await client.handshake({ commune: makeCommune(14).id, peerId: randomPeerId() });
    expect(answer).toEqual({ type: "refused", reason: NOT_SERVED });
    await client.closed;
    expect(client.binaryFrames).toBe(0);
  });

  it("refuses a registration whose genesis belongs to another commune, was altered, or is not validly signed", async () => {
    const z = makeCommune(15);
    const refusal = async (commune: string, genesis: object) => {
      const client = raw();
      const { answer } = await client.handshake({ commune, peerId: randomPeerId(), register: { genesis, relayKey: z.relayKey }, macKey: z.relayKey });
      await client.closed;
      expect(client.binaryFrames).toBe(0);
      return answer;
    };
    expect(await refusal(z.id, x.genesis)).toEqual({ type: "refused", reason: "The founding record belongs to another commune" });
    expect(await refusal(z.id, { ...z.genesis, name: "Not the founder's name" })).toEqual({
      type: "refused",
      reason: "The founding record belongs to another commune",
    });
    // A made-up record hashes to its own commune id; only its signature can give it away.
    const forged = { ...z.genesis, sig: x.genesis.sig };
    expect(await refusal(communeIdOf(forged), forged)).toEqual({ type: "refused", reason: "The commune's founding record is not validly signed" });
    const unsigned = { ...z.genesis, sig: "" };
    expect(await refusal(communeIdOf(unsigned), unsigned)).toEqual({ type: "refused", reason: "The commune's founding record is not validly signed" });
    for (const id of [z.id, communeIdOf(forged), communeIdOf(unsigned)]) expect(await registeredIds()).not.toContain(id);
  });

  it("registers a commune only when the proof with the offered key completes", async () => {
    const z = makeCommune(16);
    const half = raw();
    const { answer } = await half.handshake({
      commune: z.id,
      peerId: randomPeerId(),
      register: { genesis: z.genesis, relayKey: z.relayKey },
      mac: "f".repeat(64),
    });
    expect(answer).toEqual({ type: "refused", reason: WRONG_PROOF });
    expect(await registeredIds()).not.toContain(z.id);

    const whole = raw();
    const { answer: welcome } = await whole.handshake({
      commune: z.id,
      peerId: randomPeerId(),
      register: { genesis: z.genesis, relayKey: z.relayKey },
      macKey: z.relayKey,
    });
    expect(welcome?.type).toBe("welcome");
    expect(await registeredIds()).toContain(z.id);
    expect(log).toContainEqual(expect.objectContaining({ event: "registered", commune: z.id }));
    await whole.close();
  });

  it("never overwrites a registered commune's key", async () => {
    const squatterKey = makeCommune(17).relayKey;
    const squatter = raw();
    const { answer } = await squatter.handshake({
      commune: x.id,
      peerId: randomPeerId(),
      register: { genesis: x.genesis, relayKey: squatterKey },
      macKey: squatterKey,
    });
    expect(answer).toEqual({ type: "refused", reason: WRONG_PROOF });
    const registry = JSON.parse(await readFile(join(data.path, "registry.json"), "utf8")) as { communes: Record<string, { relayKey: string }> };
    expect(registry.communes[x.id]?.relayKey).toBe(x.relayKey);
    await membersStillSync("after the squatter");
  });

  it("writes the registry atomically, leaving no temporary files", async () => {
    const files = await readdir(data.path);
    expect(files.filter((file) => file.endsWith(".tmp"))).toEqual([]);
    const registry = JSON.parse(await readFile(join(data.path, "registry.json"), "utf8")) as {
      version: number;
      communes: Record<string, { registeredAt: number }>;
    };
    expect(registry.version).toBe(1);
    expect(Object.keys(registry.communes)).toEqual(expect.arrayContaining([x.id, y.id]));
  });

  async function registeredIds(): Promise<string[]> {
    const registry = JSON.parse(await readFile(join(data.path, "registry.json"), "utf8")) as { communes: Record<string, unknown> };
    return Object.keys(registry.communes);
  }
});
