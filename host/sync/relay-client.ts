import { cbor, NetworkAdapter, type DocumentId, type Message, type PeerId, type PeerMetadata } from "@automerge/automerge-repo";
import WebSocket from "ws";
import type { Genesis } from "../../shared/commune/genesis";
import { parseRelayUrl } from "../../shared/docs/link";
import type { Signed } from "../../shared/identity/signed";
import type { Result } from "../../shared/result";
import { NOW_PRIVATE, peerIdSchema, privateChainSchema } from "../../shared/sync/relay-handshake";
import { measureAutomerge, measureSyncMessage, operationsProblem, type HeldOperations, type Measured } from "../../shared/sync/automerge-chunks";
import { boundedInflate } from "../../repo-adaptations/bounded-inflate";
import { PROTOCOL_V1, readError, readPeer, readRepoMessage, readSnapshot, type JoinMessage, type SnapshotRequest } from "../../shared/sync/repo-wire";
import { DEFAULT_BACKOFF, retryDelay, type Backoff } from "./backoff";
import { connectionProblemWords } from "./connection-words";
import { MemberHandshake } from "./member-handshake";

export { RELAY_CANNOT_PROVE } from "./member-handshake";

export type RelayConnectionState = "connecting" | "connected" | "offline" | "refused";

/** What the host shows about one relay: "connected since 10:02", "refused: …", "offline, retrying at …". */
export interface RelayStatus {
  state: RelayConnectionState;
  url: string;
  /** When this state began (ms since the epoch). */
  since: number;
  /** Why the relay is offline or refused us. */
  reason?: string;
  /** When the next connection attempt is due, while offline or refused. */
  nextAttemptAt?: number;
}

export interface RelayClientOptions {
  /** ws: or wss: address of the relay. */
  url: string;
  /** The commune id (32 hex digits). */
  commune: string;
  /** relayKeyOf(commune secret). */
  relayKey: string;
  /** Asks the relay to serve this commune if it does not yet (the relay checks the genesis). */
  register?: { genesis: Signed<Genesis> };
  reconnect?: Partial<Backoff>;
  /** Until the relay's "peer" answer; default 15 s. */
  handshakeTimeoutMs?: number;
  /** The Repo waits at most this long for a first connection before it treats the relay as absent; default 1 s (as automerge-repo's client). */
  readyTimeoutMs?: number;
  /** Pings the relay this often once connected and drops a relay that has not answered the previous ping; default 30 s. */
  keepaliveMs?: number;
  /** Largest message accepted from the relay; default 128 MiB. */
  maxMessageBytes?: number;
  /**
   * What the commune's Repo already holds (repo-adaptations/held-operations.ts): changes that would take a
   * document or the commune past INFLATION_LIMITS are refused before the Repo sees them. Without it only
   * each message is bounded.
   */
  held?: (documentId: string) => HeldOperations;
  onStatus?: (status: RelayStatus) => void;
  /**
   * The relay refused us because the commune moved to private there, and
   * sent its epoch records (base64) after the words: the host opens its
   * lockbox in them and connects privately (host/commune/moving-over.ts).
   */
  onNowPrivate?: (records: string[]) => void;
}

interface Attempt {
  readonly ws: WebSocket;
  readonly handshake: MemberHandshake;
  /** "chain": refused as now private, waiting for the epoch records the relay sends after the words. */
  phase: "handshake" | "chain" | "peer" | "joined";
  relayPeerId?: PeerId;
  /** The relay said it answers snapshot requests. */
  snapshots?: boolean;
  /** Snapshot requests sent on this socket and not answered yet. */
  readonly waiting: Map<DocumentId, Array<(data: Uint8Array | undefined) => void>>;
  refused?: string;
  reason?: string;
  alive: boolean;
  handshakeTimer?: NodeJS.Timeout;
  keepaliveTimer?: NodeJS.Timeout;
}

const hex = (bytes: number) => new RegExp(`^[0-9a-f]{${bytes * 2}}$`);

/**
 * A member's connection to one relay, as an automerge-repo network adapter.
 *
 * On connect it opens a WebSocket, proves the commune's key and checks the
 * relay's proof (shared/sync/relay-handshake.ts), then speaks automerge-repo's
 * websocket protocol: "join", the relay's "peer", then repo messages, each
 * read through a schema. It reconnects after any disconnect, with
 * exponential backoff and jitter, until disconnect(); after a refusal it
 * waits the longest delay.
 *
 * Offline is normal: the adapter is ready once it has connected, or once the
 * first attempt has failed, or after `readyTimeoutMs`, so a Repo never waits
 * on an absent relay. Messages sent while offline are dropped; the Repo
 * resyncs each document with the relay when the relay reappears as a peer.
 */
export class RelayClientAdapter extends NetworkAdapter {
  /** The relay's address as given (statuses carry it, so the host can match them to its relay list). */
  readonly url: string;
  readonly #address: string;
  readonly #options: RelayClientOptions;
  readonly #backoff: Backoff;
  readonly #listeners = new Set<(status: RelayStatus) => void>();
  #status: RelayStatus;
  #attempt?: Attempt;
  #failures = 0;
  #stopped = true;
  #retryTimer?: NodeJS.Timeout;
  #readyTimer?: NodeJS.Timeout;
  #ready = false;
  #resolveReady!: () => void;
  readonly #readyPromise = new Promise<void>((resolve) => (this.#resolveReady = resolve));

  constructor(options: RelayClientOptions) {
    super();
    const url = parseRelayUrl(options.url);
    if (!url.ok) throw new TypeError(url.error.message);
    if (!hex(16).test(options.commune)) throw new TypeError("The commune id must be 32 hex digits");
    if (!hex(32).test(options.relayKey)) throw new TypeError("The relay key must be 64 hex digits");
    this.url = options.url;
    this.#address = url.value;
    this.#options = options;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.#status = { state: "offline", url: this.url, since: Date.now(), reason: "not connected yet" };
    if (options.onStatus) this.#listeners.add(options.onStatus);
  }

  get status(): RelayStatus {
    return this.#status;
  }

  /** Calls `listener` on every status change; returns the function that stops it. */
  onStatus(listener: (status: RelayStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  isReady(): boolean {
    return this.#ready;
  }

  whenReady(): Promise<void> {
    return this.#readyPromise;
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = peerMetadata ?? this.peerMetadata ?? {};
    this.#stopped = false;
    clearTimeout(this.#retryTimer);
    this.#abandon();
    this.#failures = 0;
    if (!this.#ready && !this.#readyTimer) this.#readyTimer = setTimeout(() => this.#markReady(), this.#options.readyTimeoutMs ?? 1_000);
    this.#open();
  }

  disconnect(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
    this.#abandon();
    if (this.#status.state !== "offline" || this.#status.reason !== "disconnected") this.#setStatus("offline", "disconnected");
  }

  send(message: Message): void {
    const attempt = this.#attempt;
    if (attempt?.phase !== "joined" || attempt.ws.readyState !== WebSocket.OPEN) return; // offline: dropped, resynced later
    if (message.targetId !== attempt.relayPeerId) return;
    if (message.data?.byteLength === 0) return;
    // Our Repo passes on other members' ephemeral messages; the relay already
    // delivered those to everyone and would drop them, so don't send them back.
    if (message.senderId !== this.peerId) return;
    attempt.ws.send(cbor.encode(message));
  }

  /** Connected to a relay that answers snapshot requests. */
  get servesSnapshots(): boolean {
    const attempt = this.#attempt;
    return attempt?.phase === "joined" && attempt.snapshots === true && attempt.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Asks the relay for the whole of a document in one message (see
   * shared/sync/repo-wire.ts). Undefined when the relay has none, does not
   * answer such requests, is not connected, the connection drops, or no
   * answer comes within `timeoutMs`: the caller then syncs the document the
   * usual way. The bytes are untrusted; the caller loads and checks them.
   */
  requestSnapshot(documentId: DocumentId, timeoutMs = 60_000): Promise<Uint8Array | undefined> {
    const attempt = this.#attempt;
    if (!attempt || !this.servesSnapshots) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const done = (data: Uint8Array | undefined) => {
        clearTimeout(timer);
        resolve(data);
      };
      const waiters = attempt.waiting.get(documentId);
      if (waiters) return void waiters.push(done);
      attempt.waiting.set(documentId, [done]);
      const request: SnapshotRequest = { type: "snapshot-request", senderId: this.peerId!, targetId: attempt.relayPeerId!, documentId };
      attempt.ws.send(cbor.encode(request));
    });
  }

  #open(): void {
    const peerId = this.peerId!;
    if (!peerIdSchema.safeParse(peerId).success) {
      // Relays only accept short printable peer ids; retrying cannot fix that.
      this.#setStatus("refused", "This peer id cannot be used with relays (8-80 letters, digits, - or _)");
      this.#markReady();
      return;
    }
    this.#setStatus("connecting");
    const handshakeTimeout = this.#options.handshakeTimeoutMs ?? 15_000;
    const ws = new WebSocket(this.#address, {
      maxPayload: this.#options.maxMessageBytes ?? 128 * 1024 * 1024,
      perMessageDeflate: false,
      handshakeTimeout,
    });
    const { commune, relayKey, register } = this.#options;
    const handshake = new MemberHandshake({
      commune,
      relayKey,
      peerId,
      ...(this.peerMetadata ? { peerMetadata: this.peerMetadata } : {}),
      ...(register ? { register } : {}),
    });
    const attempt: Attempt = { ws, handshake, phase: "handshake", alive: true, waiting: new Map() };
    this.#attempt = attempt;
    attempt.handshakeTimer = setTimeout(() => this.#fail(attempt, "The relay did not finish the handshake in time"), handshakeTimeout);
    ws.on("open", () => this.#guard(attempt, () => ws.send(handshake.hello())));
    ws.on("message", (data, isBinary) => this.#guard(attempt, () => this.#receive(attempt, toBuffer(data), isBinary)));
    ws.on("pong", () => (attempt.alive = true));
    ws.on("error", (error) => (attempt.reason ??= connectionProblemWords(error.message)));
    ws.on("close", (code, reason) => {
      attempt.reason ??= reason.byteLength > 0 ? `The relay closed the connection: ${reason.toString()}` : `The connection closed (${code})`;
      this.#onClosed(attempt);
    });
  }

  #receive(attempt: Attempt, frame: Buffer, isBinary: boolean): void {
    if (attempt.phase === "handshake") {
      if (isBinary) return this.#fail(attempt, "The relay sent data before admitting us");
      const step = attempt.handshake.next(frame.toString("utf8"));
      if (step.kind === "send") return attempt.ws.send(step.text);
      if (step.kind === "refused" && step.reason === NOW_PRIVATE) {
        attempt.refused = step.reason;
        attempt.phase = "chain";
        return;
      }
      if (step.kind === "refused") return this.#refuse(attempt, step.reason);
      if (step.kind === "violation") return this.#fail(attempt, step.reason);
      attempt.relayPeerId = step.relayPeerId;
      attempt.phase = "peer";
      const join: JoinMessage = { type: "join", senderId: this.peerId!, peerMetadata: this.peerMetadata ?? {}, supportedProtocolVersions: [PROTOCOL_V1] };
      return attempt.ws.send(cbor.encode(join));
    }
    if (attempt.phase === "chain") {
      const chain = isBinary ? undefined : privateChainSchema.safeParse(parseJsonText(frame.toString("utf8")));
      if (chain?.success) this.#options.onNowPrivate?.(chain.data.records);
      return this.#fail(attempt, NOW_PRIVATE);
    }
    if (!isBinary) return this.#fail(attempt, "The relay sent text after the handshake");
    let value: unknown;
    try {
      value = cbor.decode(frame);
    } catch {
      return this.#fail(attempt, "The relay sent an undecodable message");
    }
    if (attempt.phase === "peer") return this.#onPeer(attempt, value);
    const snapshot = attempt.snapshots ? readSnapshot(value) : undefined;
    if (snapshot) {
      if (snapshot.senderId !== attempt.relayPeerId || snapshot.targetId !== this.peerId) return this.#fail(attempt, "The relay sent a misaddressed message");
      const measured = snapshot.data ? this.#measure(snapshot.documentId, measureAutomerge(snapshot.data, boundedInflate)) : undefined;
      if (measured && !measured.ok) return this.#fail(attempt, `The relay sent a snapshot Commune refused: ${measured.error.message}`);
      // One we did not ask for (or asked for and gave up on) is dropped.
      const waiters = attempt.waiting.get(snapshot.documentId) ?? [];
      attempt.waiting.delete(snapshot.documentId);
      for (const resolve of waiters) resolve(snapshot.data);
      return;
    }
    const message = readRepoMessage(value);
    if (!message) {
      const error = readError(value);
      return this.#fail(attempt, error ? `The relay reported: ${error.message}` : "The relay sent an invalid message");
    }
    // Ephemeral messages keep their author's id; everything else comes from the relay itself.
    const fromRelay = message.senderId === attempt.relayPeerId || message.type === "ephemeral";
    if (message.targetId !== this.peerId || !fromRelay) return this.#fail(attempt, "The relay sent a misaddressed message");
    if ((message.type === "sync" || message.type === "request") && message.data) {
      // Before the Repo hands it to Automerge, which inflates compressed changes in full.
      const measured = this.#measure(message.documentId, measureSyncMessage(message.data, boundedInflate));
      if (!measured.ok) return this.#fail(attempt, `The relay sent a sync message Commune refused: ${measured.error.message}`);
    }
    this.emit("message", message);
  }

  /** A message's measure, then what it would add to what the Repo holds. */
  #measure(documentId: string | undefined, measured: Result<Measured>): Result<Measured> {
    if (!measured.ok || !this.#options.held || documentId === undefined) return measured;
    const room = operationsProblem(this.#options.held(documentId), measured.value.ops);
    return room.ok ? measured : room;
  }

  #onPeer(attempt: Attempt, value: unknown): void {
    const peer = readPeer(value);
    if (!peer) {
      const error = readError(value);
      return this.#fail(attempt, error ? `The relay reported: ${error.message}` : "The relay did not answer the join");
    }
    if (peer.senderId !== attempt.relayPeerId || peer.targetId !== this.peerId) return this.#fail(attempt, "The relay answered with another peer id");
    attempt.phase = "joined";
    attempt.snapshots = peer.snapshots === true;
    clearTimeout(attempt.handshakeTimer);
    this.#failures = 0;
    attempt.keepaliveTimer = setInterval(() => this.#keepalive(attempt), this.#options.keepaliveMs ?? 30_000);
    this.#setStatus("connected");
    this.#markReady();
    this.emit("peer-candidate", { peerId: peer.senderId, peerMetadata: peer.peerMetadata });
  }

  #keepalive(attempt: Attempt): void {
    if (!attempt.alive) return this.#fail(attempt, "The relay stopped answering");
    attempt.alive = false;
    attempt.ws.ping();
  }

  #refuse(attempt: Attempt, reason: string): void {
    attempt.refused = reason;
    this.#fail(attempt, reason);
  }

  /** Ends an attempt; its close event schedules the next one. */
  #fail(attempt: Attempt, reason: string): void {
    attempt.reason ??= reason;
    attempt.ws.terminate();
  }

  /** Runs a handler of one attempt; whatever it throws ends that attempt only. */
  #guard(attempt: Attempt, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.#fail(attempt, `The connection failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #onClosed(attempt: Attempt): void {
    clearTimeout(attempt.handshakeTimer);
    clearInterval(attempt.keepaliveTimer);
    settleWaiting(attempt);
    if (attempt !== this.#attempt) return; // abandoned by connect() or disconnect()
    this.#attempt = undefined;
    if (attempt.phase === "joined") this.emit("peer-disconnected", { peerId: attempt.relayPeerId! });
    if (this.#stopped) return;
    this.#markReady();
    const delay = attempt.refused !== undefined ? this.#backoff.maxDelayMs : retryDelay(this.#failures++, this.#backoff);
    const now = Date.now();
    if (attempt.refused !== undefined) this.#setStatus("refused", attempt.refused, now + delay, now);
    else this.#setStatus("offline", attempt.reason, now + delay, now);
    this.#retryTimer = setTimeout(() => {
      if (!this.#stopped) this.#open();
    }, delay);
  }

  /** Drops the current attempt without scheduling another. */
  #abandon(): void {
    const attempt = this.#attempt;
    if (!attempt) return;
    this.#attempt = undefined;
    clearTimeout(attempt.handshakeTimer);
    clearInterval(attempt.keepaliveTimer);
    settleWaiting(attempt);
    attempt.ws.terminate();
    if (attempt.phase === "joined") this.emit("peer-disconnected", { peerId: attempt.relayPeerId! });
  }

  #markReady(): void {
    clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
    if (this.#ready) return;
    this.#ready = true;
    this.#resolveReady();
  }

  #setStatus(state: RelayConnectionState, reason?: string, nextAttemptAt?: number, now = Date.now()): void {
    this.#status = {
      state,
      url: this.url,
      since: now,
      ...(reason !== undefined ? { reason } : {}),
      ...(nextAttemptAt !== undefined ? { nextAttemptAt } : {}),
    };
    for (const listener of this.#listeners) {
      try {
        listener(this.#status);
      } catch {
        // A listener's failure is the listener's.
      }
    }
  }
}

/** A socket that ends leaves no one waiting for an answer it will never carry. */
function settleWaiting(attempt: Attempt): void {
  const waiting = [...attempt.waiting.values()];
  attempt.waiting.clear();
  for (const waiters of waiting) for (const resolve of waiters) resolve(undefined);
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
