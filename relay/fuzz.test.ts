import * as Automerge from "@automerge/automerge";
import { cbor, generateAutomergeUrl, parseAutomergeUrl, type DocHandle } from "@automerge/automerge-repo";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RelayLogEvent } from "./log";
import { startRelay, type RunningRelay } from "./relay";
import { makeCommune, randomPeerId, RawClient, startMember, tempDir, waitFor, type Member } from "./testing/relay-harness";

/**
 * A thousand hostile sockets against one relay while two members use it.
 * Each socket gets as far into the protocol as its recipe says (nothing,
 * hello, welcome, join) and then sends something wrong: random bytes or
 * text, truncated CBOR of real messages, well-formed messages with wrong
 * types, senders, targets or payloads, frames over the size limit, floods.
 */
const MAX_MESSAGE_BYTES = 16 * 1024;
const CASES = 1_000;
const CONCURRENCY = 16;

type Stage = "before" | "after-hello" | "after-welcome" | "after-join";
type Who = "me" | "relay" | "other" | "junk";
type Recipe =
  | { kind: "bytes"; stage: Stage; bytes: Uint8Array }
  | { kind: "text"; stage: Stage; text: string }
  | { kind: "json"; stage: Stage; value: unknown }
  | { kind: "oversized"; stage: Stage; binary: boolean; extra: number }
  | { kind: "hello-mutant"; field: string; value: unknown }
  | { kind: "proof-mutant"; value: unknown }
  | { kind: "truncated"; stage: "after-welcome" | "after-join"; message: "join" | "sync" | "request" | "ephemeral"; cut: number }
  | { kind: "message"; type: string; sender: Who; target: Who; document: "real" | "random" | "junk"; data: "sync" | "bytes" | "empty" | "junk" }
  | { kind: "flood"; count: number };

const stage = fc.constantFrom<Stage>("before", "after-hello", "after-welcome", "after-join");
const who = fc.constantFrom<Who>("me", "relay", "other", "junk");
const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  fc.record({ kind: fc.constant("bytes" as const), stage, bytes: fc.uint8Array({ maxLength: 600 }) }),
  fc.record({ kind: fc.constant("text" as const), stage, text: fc.string({ maxLength: 300, unit: "binary" }) }),
  fc.record({ kind: fc.constant("json" as const), stage, value: fc.jsonValue({ maxDepth: 4 }) }),
  fc.record({ kind: fc.constant("oversized" as const), stage, binary: fc.boolean(), extra: fc.integer({ min: 1, max: 4096 }) }),
  fc.record({
    kind: fc.constant("hello-mutant" as const),
    field: fc.constantFrom("type", "v", "commune", "peerId", "nonce", "register", "peerMetadata", "extra"),
    value: fc.anything({ maxDepth: 2 }),
  }),
  fc.record({ kind: fc.constant("proof-mutant" as const), value: fc.anything({ maxDepth: 2 }) }),
  fc.record({
    kind: fc.constant("truncated" as const),
    stage: fc.constantFrom("after-welcome" as const, "after-join" as const),
    message: fc.constantFrom("join" as const, "sync" as const, "request" as const, "ephemeral" as const),
    cut: fc.double({ min: 0, max: 0.999, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("message" as const),
    type: fc.constantFrom(
      "sync",
      "request",
      "doc-unavailable",
      "ephemeral",
      "remote-subscription-change",
      "remote-heads-changed",
      "join",
      "peer",
      "error",
      "leave",
      "",
    ),
    sender: who,
    target: who,
    document: fc.constantFrom("real" as const, "random" as const, "junk" as const),
    data: fc.constantFrom("sync" as const, "bytes" as const, "empty" as const, "junk" as const),
  }),
  fc.record({ kind: fc.constant("flood" as const), count: fc.integer({ min: 400, max: 600 }) }),
);

describe("relay under fuzz", () => {
  const commune = makeCommune(21);
  let data: Awaited<ReturnType<typeof tempDir>>;
  let relay: RunningRelay;
  let ada: Member;
  let bo: Member;
  let adaLedger: DocHandle<{ entries: number[] }>;
  let boLedger: DocHandle<{ entries: number[] }>;
  const log: RelayLogEvent[] = [];

  beforeAll(async () => {
    data = await tempDir();
    relay = await startRelay({
      port: 0,
      dataDir: data.path,
      limits: { maxMessageBytes: MAX_MESSAGE_BYTES, maxConnectionsPerAddress: CONCURRENCY + 8, messagesPerSecond: 100, messageBurst: 300 },
      log: (event) => log.push(event),
    });
    ada = startMember(relay.url, commune, { register: true });
    await ada.connected();
    bo = startMember(relay.url, commune);
    await bo.connected();
    adaLedger = ada.repo.create({ entries: [] });
    await ada.syncedWithRelay(adaLedger);
    boLedger = await bo.repo.find(adaLedger.url);
  });

  afterAll(async () => {
    await Promise.all([ada?.stop(), bo?.stop()]);
    await relay?.close();
    await data?.remove();
  });

  it("stays up and keeps serving two members through 1,000 hostile sockets", { timeout: 120_000 }, async () => {
    const consoleLines: unknown[][] = [];
    const spies = [vi.spyOn(console, "log"), vi.spyOn(console, "error"), vi.spyOn(console, "warn")].map((spy) =>
      spy.mockImplementation((...args: unknown[]) => void consoleLines.push(args)),
    );
    const statusesBefore = [ada.statuses.length, bo.statuses.length];
    const recipes = fc.sample(recipe, { numRuns: CASES, seed: 20_260_101 });
    const leaks: string[] = [];
    let framesSent = 0;
    let written = 0;

    try {
      let next = 0;
      const worker = async () => {
        while (next < recipes.length) {
          const index = next++;
          if (index % 50 === 0) {
            written++;
            adaLedger.change((doc) => {
              doc.entries.push(index);
            });
          }
          const outcome = await runCase(recipes[index]!);
          framesSent += outcome.sent;
          if (outcome.leaked) leaks.push(`${index}: ${JSON.stringify(recipes[index], bigintSafe)}`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    expect(framesSent).toBeGreaterThanOrEqual(CASES);
    expect(leaks).toEqual([]);
    await waitFor("Bo to receive every entry Ada wrote during the fuzz", () => boLedger.doc().entries.length === written);
    expect(boLedger.doc().entries).toEqual(adaLedger.doc().entries);
    // Neither member was disconnected, even once.
    expect([ada.statuses.length, bo.statuses.length]).toEqual(statusesBefore);
    await waitFor("the fuzz sockets to be gone", () => relay.stats().connections === 2);
    const health = await fetch(relay.url.replace("ws:", "http:") + "/health");
    expect(health.status).toBe(200);
    expect(log.filter((event) => event.event === "error")).toEqual([]);
    expect(consoleLines).toEqual([]);
  });

  /** One hostile socket. `leaked` when a socket the relay never admitted received a binary frame. */
  async function runCase(recipe: Recipe): Promise<{ sent: number; leaked: boolean }> {
    const client = new RawClient(relay.url);
    let sent = 0;
    const send = (frame: string | Uint8Array) => {
      client.send(frame);
      sent++;
    };
    try {
      await client.opened;
      const target =
        recipe.kind === "hello-mutant"
          ? "before"
          : recipe.kind === "proof-mutant"
            ? "after-hello"
            : recipe.kind === "message" || recipe.kind === "flood"
              ? "after-join"
              : recipe.stage;
      const me = randomPeerId("fuzz");
      let relayPeerId = "relay-unknown-peer";
      if (target === "after-hello") {
        const { challenge } = await client.handshake({ commune: commune.id, peerId: me });
        relayPeerId = String(challenge.relayPeerId);
      } else if (target === "after-welcome") {
        const { challenge } = await client.handshake({ commune: commune.id, peerId: me, macKey: commune.relayKey });
        relayPeerId = String(challenge.relayPeerId);
      } else if (target === "after-join") {
        ({ relayPeerId } = await client.admit(commune, me));
      }
      const admitted = target === "after-welcome" || target === "after-join";
      const framesBefore = client.frames.length;
      for (const frame of realize(recipe, { me, relayPeerId })) send(frame);
      await client.barrier();
      const binaryAfter = client.frames.slice(framesBefore).filter((frame) => frame.binary).length;
      // Before the welcome nothing binary may come back; after it, only answers to what this socket itself asked.
      return { sent, leaked: !admitted && (client.binaryFrames > 0 || binaryAfter > 0) };
    } finally {
      await client.close();
    }
  }

  function realize(recipe: Recipe, ids: { me: string; relayPeerId: string }): (string | Uint8Array)[] {
    const realDocument = parseAutomergeUrl(adaLedger.url).documentId;
    const idOf = (who: Who) => ({ me: ids.me, relay: ids.relayPeerId, other: ada.peerId, junk: 42 })[who];
    const syncData = () => Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]!;
    switch (recipe.kind) {
      case "bytes":
        return [recipe.bytes];
      case "text":
        return [recipe.text];
      case "json":
        return [JSON.stringify(recipe.value)];
      case "oversized": {
        const size = MAX_MESSAGE_BYTES + recipe.extra;
        return [recipe.binary ? new Uint8Array(size).fill(0xa5) : "x".repeat(size)];
      }
      case "hello-mutant": {
        const hello: Record<string, unknown> = { type: "hello", v: 1, commune: commune.id, peerId: ids.me, nonce: "ab".repeat(16) };
        hello[recipe.field] = recipe.value;
        return [safeJson(hello)];
      }
      case "proof-mutant":
        return [safeJson({ type: "proof", mac: recipe.value })];
      case "truncated": {
        const message =
          recipe.message === "join"
            ? { type: "join", senderId: ids.me, peerMetadata: {}, supportedProtocolVersions: ["1"] }
            : recipe.message === "ephemeral"
              ? {
                  type: "ephemeral",
                  senderId: ids.me,
                  targetId: ids.relayPeerId,
                  documentId: realDocument,
                  count: 1,
                  sessionId: "s",
                  data: cbor.encode({ hi: 1 }),
                }
              : { type: recipe.message, senderId: ids.me, targetId: ids.relayPeerId, documentId: realDocument, data: syncData() };
        const bytes = cbor.encode(message);
        return [bytes.subarray(0, Math.floor(bytes.byteLength * recipe.cut))];
      }
      case "message": {
        const documentId = { real: realDocument, random: parseAutomergeUrl(generateAutomergeUrl()).documentId, junk: "../../etc/passwd" }[recipe.document];
        const payload = { sync: syncData(), bytes: new Uint8Array([0xde, 0xad, 0xbe, 0xef]), empty: new Uint8Array(0), junk: "not bytes" }[recipe.data];
        return [
          cbor.encode({
            type: recipe.type,
            senderId: idOf(recipe.sender),
            targetId: idOf(recipe.target),
            documentId,
            data: payload,
            count: 1,
            sessionId: "fuzz",
            add: ["a"],
            newHeads: { a: { heads: [], timestamp: 1 } },
          }),
        ];
      }
      case "flood": {
        // Valid, cheap messages (the relay's Repo ignores subscriptions), faster than the rate limit allows.
        const frame = cbor.encode({ type: "remote-subscription-change", senderId: ids.me, targetId: ids.relayPeerId, add: [] });
        return Array.from({ length: recipe.count }, () => frame);
      }
    }
  }
});

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, bigintSafe) ?? "null";
  } catch {
    return '{"type":"hello","v":1}';
  }
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
