/**
 * Test-only: communes, members and raw sockets for the relay's tests (and the
 * relay client's). Every helper that starts something returns a way to stop it.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cbor, Repo, type DocHandle, type PeerId } from "@automerge/automerge-repo";
import WebSocket from "ws";
import { RelayClientAdapter, type RelayClientOptions, type RelayStatus } from "../../host/sync/relay-client";
import { handshakeMac, relayKeyOf, type Transcript } from "../../shared/sync/relay-handshake";
import { CommuneBuilder, testKeys } from "../../shared/testing/commune-builder";

export interface TestCommune {
  id: string;
  genesis: CommuneBuilder["genesis"];
  secret: string;
  relayKey: string;
}

export function makeCommune(n: number, name = `Commune ${n}`): TestCommune {
  const builder = new CommuneBuilder({ founder: testKeys(n), name });
  const secret = randomBytes(32).toString("hex");
  return { id: builder.id, genesis: builder.genesis, secret, relayKey: relayKeyOf(secret) };
}

export async function tempDir(prefix = "commune-relay-"): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Polls until `check` holds; fails with `what` after a generous timeout. A wait, not a timing assertion. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

export const randomPeerId = (label = "member"): PeerId => `${label}-${randomBytes(6).toString("hex")}` as PeerId;

export interface Member {
  repo: Repo;
  adapter: RelayClientAdapter;
  peerId: PeerId;
  statuses: RelayStatus[];
  connected(): Promise<void>;
  /** Resolves once the relay has acknowledged the handle's current heads. */
  syncedWithRelay(handle: DocHandle<unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** A member's Repo (in memory) connected to a relay through a RelayClientAdapter. */
export function startMember(
  url: string,
  commune: TestCommune,
  options: Partial<Omit<RelayClientOptions, "register">> & { register?: boolean; peerId?: PeerId } = {},
): Member {
  const { register, peerId: chosenPeerId, ...adapterOptions } = options;
  const statuses: RelayStatus[] = [];
  const adapter = new RelayClientAdapter({
    url,
    commune: commune.id,
    relayKey: commune.relayKey,
    reconnect: { initialDelayMs: 20, maxDelayMs: 300 },
    ...(register ? { register: { genesis: commune.genesis } } : {}),
    ...adapterOptions,
    onStatus: (status) => statuses.push(status),
  });
  const peerId = chosenPeerId ?? randomPeerId();
  const repo = new Repo({ network: [adapter], peerId });
  return {
    repo,
    adapter,
    peerId,
    statuses,
    connected: () => waitFor(`${peerId} to connect`, () => adapter.status.state === "connected"),
    syncedWithRelay: (handle) =>
      waitFor("the relay to hold the document", () => {
        const relayPeer = Object.entries(repo.peerMetadataByPeerId).find(([id]) => id.startsWith("relay-"));
        const storageId = relayPeer?.[1].storageId;
        const synced = storageId ? handle.getSyncInfo(storageId)?.lastHeads : undefined;
        return synced !== undefined && JSON.stringify(synced) === JSON.stringify(handle.heads());
      }),
    stop: async () => {
      await repo.shutdown();
    },
  };
}

export type Frame = { binary: false; text: string } | { binary: true; bytes: Buffer };

/** A bare WebSocket that records every frame the relay sends it. */
export class RawClient {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, ...options });
    this.ws.on("error", () => {});
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("close", () => reject(new Error("closed before opening")));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on("message", (data, isBinary) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      this.frames.push(isBinary ? { binary: true, bytes } : { binary: false, text: bytes.toString("utf8") });
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.ws.on("close", () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  get binaryFrames(): number {
    return this.frames.filter((frame) => frame.binary).length;
  }

  get isClosed(): boolean {
    return this.ws.readyState === WebSocket.CLOSED;
  }

  /** The `index`-th frame (0-based), once it has arrived; undefined if the socket closes first. */
  async frame(index: number): Promise<Frame | undefined> {
    while (this.frames.length <= index && this.ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.frames[index];
  }

  async json(index: number): Promise<Record<string, unknown>> {
    const frame = await this.frame(index);
    if (!frame || frame.binary) throw new Error(`expected text frame ${index}, got ${frame ? "binary" : "none"}`);
    return JSON.parse(frame.text) as Record<string, unknown>;
  }

  async decoded(index: number): Promise<Record<string, unknown>> {
    const frame = await this.frame(index);
    if (!frame?.binary) throw new Error(`expected binary frame ${index}`);
    return cbor.decode(frame.bytes) as Record<string, unknown>;
  }

  send(data: string | Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data);
  }

  /** Resolves after the relay has read everything sent before: it answers pings in order. */
  async barrier(): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.ws.off("pong", done);
        this.ws.off("close", done);
        resolve();
      };
      this.ws.on("pong", done);
      this.ws.on("close", done);
      this.ws.ping();
    });
  }

  close(): Promise<unknown> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    return this.closed;
  }

  /**
   * Runs the handshake by hand. `macKey` signs the proof (the commune's key,
   * or a wrong one); without it no proof is sent. Resolves with the relay's
   * answer frames.
   */
  async handshake(options: { commune: string; peerId: string; macKey?: string; mac?: string; register?: { genesis: object; relayKey: string } }) {
    await this.opened;
    const nonce = randomBytes(16).toString("hex");
    this.send(
      JSON.stringify({
        type: "hello",
        v: 1,
        commune: options.commune,
        peerId: options.peerId,
        nonce,
        ...(options.register ? { register: options.register } : {}),
      }),
    );
    const challenge = await this.json(0);
    if (challenge.type !== "challenge") return { challenge, answer: challenge };
    const transcript: Transcript = {
      commune: options.commune,
      peerId: options.peerId,
      relayPeerId: String(challenge.relayPeerId),
      memberNonce: nonce,
      relayNonce: String(challenge.nonce),
    };
    const mac = options.mac ?? (options.macKey ? handshakeMac(options.macKey, transcript, "member") : undefined);
    if (mac === undefined) return { challenge, transcript };
    this.send(JSON.stringify({ type: "proof", mac }));
    const answer = await this.json(1);
    return { challenge, transcript, answer };
  }

  /** Handshake with the right key, then join as `peerId`. */
  async admit(commune: TestCommune, peerId: string): Promise<{ relayPeerId: string }> {
    const { answer, challenge } = await this.handshake({ commune: commune.id, peerId, macKey: commune.relayKey });
    if (answer?.type !== "welcome") throw new Error(`not admitted: ${JSON.stringify(answer)}`);
    this.send(cbor.encode({ type: "join", senderId: peerId, peerMetadata: {}, supportedProtocolVersions: ["1"] }));
    const peer = await this.decoded(2);
    if (peer.type !== "peer") throw new Error(`expected peer, got ${JSON.stringify(peer)}`);
    return { relayPeerId: String(challenge.relayPeerId) };
  }
}
