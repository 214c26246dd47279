import { cbor } from "@automerge/automerge-repo";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DEFAULT_LIMITS, resolveLimits, TokenBucket, type RelayLimits } from "./limits";
import type { RelayLogEvent } from "./log";
import { startRelay, type RunningRelay } from "./relay";
import { makeCommune, randomPeerId, RawClient, startMember, tempDir, waitFor } from "./testing/relay-harness";

describe("token bucket", () => {
  it("allows the burst at once, then the rate", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 100; // one token refilled
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now = 10_000; // refills up to the burst, no further
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe("relay limits", () => {
  it("documents its defaults and refuses limits that are not positive integers", () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS.maxMessageBytes).toBe(64 * 1024 * 1024);
    expect(resolveLimits({ maxConnections: 5 }).maxConnections).toBe(5);
    expect(() => resolveLimits({ maxConnections: 0 })).toThrow(/maxConnections/);
    expect(() => resolveLimits({ keepaliveMs: 1.5 })).toThrow(/keepaliveMs/);
  });

  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function relayWith(limits: Partial<RelayLimits>, log: RelayLogEvent[] = []): Promise<RunningRelay> {
    const data = await tempDir();
    cleanups.push(() => data.remove());
    const relay = await startRelay({ port: 0, dataDir: data.path, limits, log: (event) => log.push(event) });
    cleanups.push(() => relay.close());
    return relay;
  }
  function raw(relay: RunningRelay): RawClient {
    const client = new RawClient(relay.url);
    cleanups.push(() => client.close());
    return client;
  }
  /** The HTTP status the relay answers an upgrade with, when it does not upgrade. */
  function upgradeStatus(url: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.on("unexpected-response", (_request, response) => {
        resolve(response.statusCode ?? 0);
        ws.terminate();
      });
      ws.on("error", () => {});
      ws.on("open", () => {
        ws.terminate();
        reject(new Error("the upgrade was accepted"));
      });
    });
  }

  it("turns away sockets beyond the per-address limit, without touching the ones it holds", async () => {
    const relay = await relayWith({ maxConnectionsPerAddress: 3 });
    const held = [raw(relay), raw(relay), raw(relay)];
    await Promise.all(held.map((client) => client.opened));
    expect(await upgradeStatus(relay.url)).toBe(503);
    expect(held.every((client) => !client.isClosed)).toBe(true);
    await held[0]!.close();
    await waitFor("the relay to count the closed socket", () => relay.stats().connections === 2);
    const again = raw(relay);
    await again.opened;
    expect(relay.stats().connections).toBe(3);
  });

  it("turns away sockets beyond the total limit", async () => {
    const relay = await relayWith({ maxConnections: 2 });
    await Promise.all([raw(relay).opened, raw(relay).opened]);
    expect(await upgradeStatus(relay.url)).toBe(503);
  });

  it("closes a socket that sends faster than its rate allows", async () => {
    const log: RelayLogEvent[] = [];
    const relay = await relayWith({ messagesPerSecond: 5, messageBurst: 10 }, log);
    const commune = makeCommune(31);
    const member = startMember(relay.url, commune, { register: true });
    cleanups.push(() => member.stop());
    await member.connected();
    const flooder = raw(relay);
    const me = randomPeerId("flooder");
    const { relayPeerId } = await flooder.admit(commune, me);
    const frame = cbor.encode({ type: "remote-subscription-change", senderId: me, targetId: relayPeerId, add: [] });
    for (let i = 0; i < 50; i++) flooder.send(frame);
    const { code } = await flooder.closed;
    expect(code).toBe(1008);
    await waitFor("the relay to log why it closed the socket", () => log.some((event) => event.event === "closed" && event.reason === "too many messages"));
    expect(member.adapter.status.state).toBe("connected");
  });

  it("closes a socket that sends a frame over the size limit", async () => {
    const relay = await relayWith({ maxMessageBytes: 1024 });
    const client = raw(relay);
    await client.opened;
    client.send(new Uint8Array(2048));
    expect((await client.closed).code).toBe(1009);
  });

  it("closes a socket that does not finish the handshake in time", async () => {
    const log: RelayLogEvent[] = [];
    const relay = await relayWith({ handshakeTimeoutMs: 200 }, log);
    const client = raw(relay);
    await client.opened;
    await client.closed;
    await waitFor("the relay to log why it closed the socket", () => log.some((event) => event.event === "closed" && event.reason === "handshake timed out"));
    expect(client.frames).toEqual([]);
  });

  it("drops a socket that stops answering pings and keeps one that answers", async () => {
    const log: RelayLogEvent[] = [];
    const relay = await relayWith({ keepaliveMs: 100, handshakeTimeoutMs: 60_000 }, log);
    const lively = raw(relay);
    await lively.opened;
    const silent = new RawClient(relay.url, { autoPong: false });
    cleanups.push(() => silent.close());
    await silent.opened;
    await silent.closed;
    await waitFor("the relay to log why it closed the socket", () =>
      log.some((event) => event.event === "closed" && event.reason === "missed a keepalive ping"),
    );
    expect(lively.isClosed).toBe(false);
  });

  it("answers GET /health, and 404 elsewhere, including upgrades on other paths", async () => {
    const relay = await relayWith({});
    const http = relay.url.replace("ws:", "http:");
    const health = await fetch(`${http}/health`);
    expect(health.status).toBe(200);
    // The one socket held is the one asking; maxSockets depends on this machine's file limit.
    expect(await health.json()).toEqual({
      ok: true,
      communes: 0,
      connections: 0,
      sockets: 1,
      maxSockets: expect.any(Number),
      uptimeSeconds: expect.any(Number),
      quota: {
        maxDocumentsPerCommune: 2_000,
        maxBytesPerCommune: 256 * 1024 * 1024,
        maxOperationsPerCommune: 4_000_000,
        largestCommune: { documents: 0, bytes: 0, operations: 0 },
      },
    });
    expect((await fetch(`${http}/`)).status).toBe(404);
    expect((await fetch(`${http}/registry.json`)).status).toBe(404);
    expect((await fetch(`${http}/health`, { method: "POST" })).status).toBe(405);
    expect(await upgradeStatus(`${relay.url}/elsewhere`)).toBe(404);
  });
});
