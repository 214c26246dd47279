import * as A from "@automerge/automerge";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateAutomergeUrl, NetworkAdapter, Repo, type Message, type PeerId, type PeerMetadata } from "@automerge/automerge-repo";
import { runNetworkAdapterTests } from "@automerge/automerge-repo/helpers/tests/network-adapter-tests.js";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { CommuneServerAdapter } from "../../relay/commune-adapter";
import { RelayGateway } from "../../relay/gateway";
import { NOT_SERVED, WRONG_PROOF, type CommuneDirectory } from "../../relay/handshake";
import { resolveLimits } from "../../relay/limits";
import { startRelay } from "../../relay/relay";
import { makeCommune, randomPeerId, startMember, tempDir, waitFor } from "../../relay/testing/relay-harness";
import { compressedChangeBomb, syncMessageCarrying } from "../../repo-adaptations/testing/automerge-bombs";
import { DEFAULT_BACKOFF, retryDelay } from "./backoff";
import { RELAY_CANNOT_PROVE, RelayClientAdapter } from "./relay-client";

/**
 * automerge-repo's conformance suite names its peers "a", "alice", "left"...
 * shorter than the 8 characters relays accept (peerIdSchema). This wrapper
 * prefixes every peer id on the way in and strips it on the way out, and
 * changes nothing else, so the suite runs our client and server unmodified.
 */
class LongPeerIds extends NetworkAdapter {
  static readonly prefix = "conformance-";
  readonly #inner: NetworkAdapter;

  constructor(inner: NetworkAdapter) {
    super();
    this.#inner = inner;
    const out = (id: PeerId) => (id.startsWith(LongPeerIds.prefix) ? id.slice(LongPeerIds.prefix.length) : id) as PeerId;
    inner.on("peer-candidate", ({ peerId, peerMetadata }) => this.emit("peer-candidate", { peerId: out(peerId), peerMetadata }));
    inner.on("peer-disconnected", ({ peerId }) => this.emit("peer-disconnected", { peerId: out(peerId) }));
    inner.on("message", (message) => this.emit("message", { ...message, senderId: out(message.senderId), targetId: out(message.targetId) } as Message));
    inner.on("close", () => this.emit("close"));
  }

  static in = (id: PeerId) => `${LongPeerIds.prefix}${id}` as PeerId;

  isReady = () => this.#inner.isReady();
  whenReady = () => this.#inner.whenReady();
  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.#inner.connect(LongPeerIds.in(peerId), peerMetadata);
  }
  send(message: Message): void {
    this.#inner.send({ ...message, senderId: LongPeerIds.in(message.senderId), targetId: LongPeerIds.in(message.targetId) });
  }
  disconnect(): void {
    this.#inner.disconnect();
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

// automerge-repo's acceptance suite waits fixed pauses (50 ms before a find) for
// peers to connect. In "can sync 3 repos" the relay's Repo sits in the middle:
// when the second client's handshake finishes on the relay's side before
// Alice's first sync message has arrived there, the relay's Repo asks that
// client for the document at the moment the client asks the relay for it, and
// the two requests cross: each answers the other "unavailable" and the
// client's find fails (read in automerge-repo's debug log, 2026-12-05; it fails
// about one run in four when the file runs alone, whatever the load, because
// the client learns of the relay one round trip after the relay learns of the
// client). It is automerge-repo's crossing of requests, not our adapter's, and
// our hosts take "unavailable" as "not yet" and wait for the document
// (host/commune/commune-docs.ts). A retry absorbs it; a real fault fails
// every attempt. Under load (5 to 6 on two cores) "can sync 3 repos" failed
// two attempts in five, so five attempts.
describe("RelayClientAdapter with the relay's gateway and server adapter", { retry: 4 }, () => {
  // Topology of automerge-repo's own websocket tests: two clients and, in the middle, a Repo on the server adapter.
  runNetworkAdapterTests(async () => {
    const commune = makeCommune(41);
    const serverAdapter = new CommuneServerAdapter();
    const directory: CommuneDirectory = {
      lookup: async (hello) =>
        hello.commune === commune.id
          ? { ok: true, relayKey: commune.relayKey, relayPeerId: await serverAdapter.whenConnected(), registers: false }
          : { ok: false, reason: NOT_SERVED },
      open: async () => ({ ok: true, adapter: serverAdapter, registered: false }),
    };
    const gateway = new RelayGateway({ directory, limits: resolveLimits(), log: () => {} });
    const server = createServer();
    server.on("upgrade", (request, socket, head) => gateway.handleUpgrade(request, socket, head));
    const port = await listen(server);
    const client = () =>
      new RelayClientAdapter({
        url: `ws://127.0.0.1:${port}`,
        commune: commune.id,
        relayKey: commune.relayKey,
        reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      });
    const [alice, bob] = [client(), client()];
    const teardown = () => {
      alice.disconnect();
      bob.disconnect();
      void gateway.close();
      server.close();
      server.closeAllConnections();
    };
    return { adapters: [new LongPeerIds(alice), new LongPeerIds(serverAdapter), new LongPeerIds(bob)], teardown };
  }, "RelayClientAdapter <-> relay gateway");
});

describe("RelayClientAdapter", () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A port with nothing listening on it. */
  async function deadPort(): Promise<number> {
    const server = createServer();
    const port = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  /** A scripted stand-in for a relay: `script` runs for every socket that connects. */
  async function fakeRelay(script: (ws: WebSocket) => void): Promise<{ url: string; connections: () => number }> {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    let connections = 0;
    wss.on("connection", (ws) => {
      connections++;
      ws.on("error", () => {});
      script(ws);
    });
    const port = await listen(server);
    cleanups.push(async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    });
    return { url: `ws://127.0.0.1:${port}`, connections: () => connections };
  }

  function adapterFor(url: string, options: Partial<ConstructorParameters<typeof RelayClientAdapter>[0]> = {}) {
    const commune = makeCommune(42);
    const adapter = new RelayClientAdapter({
      url,
      commune: commune.id,
      relayKey: commune.relayKey,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      ...options,
    });
    cleanups.push(() => adapter.disconnect());
    return adapter;
  }

  it("is ready when the relay is offline, so a Repo reports a missing document instead of hanging", async () => {
    const adapter = adapterFor(`ws://127.0.0.1:${await deadPort()}`, { readyTimeoutMs: 60_000 });
    const repo = new Repo({ network: [adapter], peerId: randomPeerId() });
    cleanups.push(() => repo.shutdown());
    await adapter.whenReady();
    expect(adapter.isReady()).toBe(true);
    await expect(repo.find(generateAutomergeUrl())).rejects.toThrow(/unavailable/);
    await waitFor("the offline status", () => adapter.status.state === "offline");
    expect(adapter.status.nextAttemptAt).toBeGreaterThan(adapter.status.since);
    // In words a member can act on, not "connect ECONNREFUSED 127.0.0.1:…".
    expect(adapter.status.reason).toBe("Nothing answers at this address: the relay is not running there, or the port is wrong");
  });

  it("drops messages sent while offline without throwing", () => {
    const adapter = adapterFor("ws://127.0.0.1:9");
    adapter.connect(randomPeerId());
    const send = () =>
      adapter.send({ type: "sync", senderId: adapter.peerId!, targetId: "relay-somewhere" as PeerId, data: new Uint8Array([1]), documentId: undefined });
    expect(send).not.toThrow();
  });

  it("reports a refusal for a wrong secret, and tries again only after the longest delay", async () => {
    const data = await tempDir();
    cleanups.push(() => data.remove());
    const relay = await startRelay({ port: 0, dataDir: data.path });
    cleanups.push(() => relay.close());
    const commune = makeCommune(43);
    const founder = startMember(relay.url, commune, { register: true });
    cleanups.push(() => founder.stop());
    await founder.connected();

    const wrong = adapterFor(relay.url, { commune: commune.id, relayKey: makeCommune(44).relayKey, reconnect: { initialDelayMs: 10, maxDelayMs: 45_000 } });
    wrong.connect(randomPeerId());
    await waitFor("the refusal", () => wrong.status.state === "refused");
    expect(wrong.status).toMatchObject({ state: "refused", reason: WRONG_PROOF, url: relay.url });
    expect(wrong.status.nextAttemptAt! - wrong.status.since).toBe(45_000);
    expect(wrong.isReady()).toBe(true);
  });

  it("treats a relay that cannot prove it holds the key as refused, and never joins it", async () => {
    let binaryFrames = 0;
    const fake = await fakeRelay((ws) => {
      ws.on("message", (data, isBinary) => {
        if (isBinary) return void binaryFrames++;
        const frame = JSON.parse(data.toString()) as { type: string };
        if (frame.type === "hello") ws.send(JSON.stringify({ type: "challenge", relayPeerId: "relay-impostor", nonce: randomBytes(16).toString("hex") }));
        if (frame.type === "proof") ws.send(JSON.stringify({ type: "welcome", mac: randomBytes(32).toString("hex") }));
      });
    });
    const adapter = adapterFor(fake.url);
    adapter.connect(randomPeerId());
    await waitFor("the refusal", () => adapter.status.state === "refused");
    expect(adapter.status.reason).toBe(RELAY_CANNOT_PROVE);
    expect(binaryFrames).toBe(0);
  });

  it("ends an attempt when the relay sends data before admitting it, and tries again", async () => {
    const fake = await fakeRelay((ws) => ws.send(new Uint8Array([1, 2, 3])));
    const statuses: string[] = [];
    const adapter = adapterFor(fake.url, { onStatus: (status) => statuses.push(`${status.state}: ${status.reason ?? ""}`) });
    adapter.connect(randomPeerId());
    await waitFor("a second attempt", () => fake.connections() >= 2);
    expect(statuses).toContain("offline: The relay sent data before admitting us");
  });

  it("ends the connection, unapplied, when a relay sends a compressed change that inflates to 64 MiB, or changes that would take a document past its operations", async () => {
    const commune = makeCommune(42);
    const serverAdapter = new CommuneServerAdapter();
    const relayPeerId = randomPeerId("relay");
    serverAdapter.connect(relayPeerId);
    const directory: CommuneDirectory = {
      lookup: async () => ({ ok: true, relayKey: commune.relayKey, relayPeerId: await serverAdapter.whenConnected(), registers: false }),
      open: async () => ({ ok: true, adapter: serverAdapter, registered: false }),
    };
    const gateway = new RelayGateway({ directory, limits: resolveLimits(), log: () => {} });
    const server = createServer();
    server.on("upgrade", (request, socket, head) => gateway.handleUpgrade(request, socket, head));
    const port = await listen(server);
    cleanups.push(async () => {
      await gateway.close();
      server.close();
      server.closeAllConnections();
    });
    const statuses: string[] = [];
    const received: Message[] = [];
    const adapter = new RelayClientAdapter({
      url: `ws://127.0.0.1:${port}`,
      commune: commune.id,
      relayKey: commune.relayKey,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      onStatus: (status) => statuses.push(`${status.state}: ${status.reason ?? ""}`),
      // The member's Repo already holds a document near the limit.
      held: () => ({ document: 950_000, commune: 950_000 }),
    });
    cleanups.push(() => adapter.disconnect());
    adapter.on("message", (message) => received.push(message));
    const me = randomPeerId();
    const joined = new Promise<void>((resolve) => serverAdapter.once("peer-candidate", () => resolve()));
    adapter.connect(me);
    await joined;
    // On a loaded machine a first attempt can time out its handshake after the relay already took the peer: the bomb goes to the socket that stays.
    await waitFor("the member to be connected", () => statuses.at(-1)?.startsWith("connected") === true);
    const bomb = syncMessageCarrying([compressedChangeBomb(64 * 1024 * 1024)]);
    const documentId = generateAutomergeUrl().slice("automerge:".length) as Message["documentId"];
    const before = process.memoryUsage();
    serverAdapter.send({ type: "sync", senderId: relayPeerId, targetId: me, documentId, data: bomb });
    await waitFor("the member to refuse it", () => statuses.some((status) => status.includes("sync message Commune refused")));
    const after = process.memoryUsage();
    expect(received).toEqual([]);
    expect(statuses.find((status) => status.includes("refused"))).toMatch(/would inflate to more than 4 MiB/);
    expect(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);

    // A change each relay lets through on its own (under 100,000 operations), past what one document may hold here.
    const growing = A.change(A.from<{ parts: string[] }>({ parts: [] }), (d) => void d.parts.push("t".repeat(60_000)));
    const refusals = statuses.length;
    await waitFor("the member to connect again", () => adapter.status.state === "connected");
    serverAdapter.send({ type: "sync", senderId: relayPeerId, targetId: me, documentId, data: syncMessageCarrying([A.getLastLocalChange(growing)!]) });
    await waitFor("the member to refuse it", () => statuses.slice(refusals).some((status) => status.includes("sync message Commune refused")));
    expect(received).toEqual([]);
    expect(statuses.slice(refusals).find((status) => status.includes("refused"))).toMatch(/past 1,000,000 Automerge operations/);
  });

  it("stops trying once disconnected", async () => {
    const fake = await fakeRelay((ws) => ws.close());
    const adapter = adapterFor(fake.url, { reconnect: { initialDelayMs: 5, maxDelayMs: 10 } });
    adapter.connect(randomPeerId());
    await waitFor("a few attempts", () => fake.connections() >= 3);
    adapter.disconnect();
    const attempts = fake.connections();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.connections()).toBeLessThanOrEqual(attempts + 1); // at most the attempt already under way
    expect(adapter.status).toMatchObject({ state: "offline", reason: "disconnected" });
  });

  it("will not offer relays a peer id they cannot accept", async () => {
    const adapter = adapterFor("ws://127.0.0.1:9");
    adapter.connect("bob" as PeerId);
    await adapter.whenReady();
    expect(adapter.status.state).toBe("refused");
  });

  it("accepts only ws: and wss: relay addresses, a commune id and a relay key", () => {
    const commune = makeCommune(45);
    expect(() => new RelayClientAdapter({ url: "http://relay.example", commune: commune.id, relayKey: commune.relayKey })).toThrow();
    expect(() => new RelayClientAdapter({ url: "ws://relay.example", commune: "nope", relayKey: commune.relayKey })).toThrow(/commune/);
    expect(() => new RelayClientAdapter({ url: "ws://relay.example", commune: commune.id, relayKey: commune.secret.slice(0, 10) })).toThrow(/relay key/);
  });
});

describe("retry delay", () => {
  it("doubles from the initial delay up to the maximum, with jitter in the upper half", () => {
    const backoff = { initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((failures) => retryDelay(failures, backoff, () => 1))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect([0, 1, 4].map((failures) => retryDelay(failures, backoff, () => 0))).toEqual([50, 100, 500]);
    expect(retryDelay(1_000, DEFAULT_BACKOFF, () => 1)).toBe(DEFAULT_BACKOFF.maxDelayMs);
  });
});
