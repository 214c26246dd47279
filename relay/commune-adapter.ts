import * as Automerge from "@automerge/automerge";
import { cbor, NetworkAdapter, type Message, type PeerId, type PeerMetadata } from "@automerge/automerge-repo";
import type { DocumentId } from "@automerge/automerge-repo";
import {
  PROTOCOL_V1,
  readJoin,
  readRepoMessage,
  readSnapshotRequest,
  type ErrorMessage,
  type PeerMessage,
  type SnapshotMessage,
  type SnapshotRequest,
} from "../shared/sync/repo-wire";
import { boundedInflate } from "../repo-adaptations/bounded-inflate";
import { measureSyncMessage } from "../shared/sync/automerge-chunks";

/**
 * One socket that has passed the handshake, as the adapter sees it. The
 * gateway owns the socket (limits, keepalive, logging); the adapter only
 * reads its frames and writes to it.
 */
export interface PeerLink {
  /** The peer id this socket proved in the handshake. */
  readonly peerId: PeerId;
  readonly isOpen: boolean;
  send(frame: Uint8Array): void;
  /** Pings the socket now and drops it if the answer does not come in time. */
  probe(): void;
}

/** What became of one inbound frame. A frame that is not ok must cost the sender its socket. */
export type FrameVerdict = { ok: true; joined?: true } | { ok: false; reason: string };

/** The whole of one of this commune's documents as Automerge bytes, or undefined when the relay has none. */
export type SnapshotSource = (documentId: DocumentId) => Promise<Uint8Array | undefined>;

/** Whether this commune's relay holds a document (in memory or on disk): cheap, and never loads it. */
export type DocumentCheck = (documentId: DocumentId) => Promise<boolean>;
/** Why the commune's quota refuses a sync message for this document (given the operations it carries), or undefined when it may pass. */
export type QuotaCheck = (documentId: DocumentId, data: Uint8Array, operations: number) => string | undefined;

/**
 * Requests one peer may have waiting behind a request whose document is
 * being looked up. An honest member asks for the few documents it opens;
 * a peer past this is flooding and loses its socket. Only requests count:
 * a host that reconnects announces every document it has (syncs) while it
 * asks for some, and those wait behind the lookup too.
 */
export const MAX_WAITING_MESSAGES = 256;

/** Documents one peer asked for that the relay did not have, remembered so the peer gets each once it arrives; the oldest are answered first. */
export const MAX_REMEMBERED_ASKS = 64;

/**
 * How long an ask for a document the relay does not have waits for a
 * member's sync to bring it before "unavailable" is answered: a member who
 * has just created a document may still be sending it when another asks
 * (the relay's Repo used to ask its peers in that time).
 */
export const ASK_GRACE_MS = 1_000;

/** A syncing member's first message for a document it lacks: what a remembered ask is passed on with (the asker's own request data is not kept). */
const [, FRESH_SYNC_MESSAGE] = Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState());

/** An ask the relay is holding: its timer until "unavailable" is answered, null once it was (the ask is still passed on if the document comes). */
type Ask = ReturnType<typeof setTimeout> | null;

/** `waitingRequests` counts the requests in `waiting`, so the bound is checked without walking the queue at each frame. */
type Entry = { link: PeerLink; joined: boolean; waiting?: Message[]; waitingRequests?: number; asked?: Map<DocumentId, Ask> };

/**
 * The network adapter of one commune's Repo on the relay: the relay side of
 * automerge-repo's websocket protocol, fed only with sockets that proved the
 * commune's key. One Repo per commune, each with its own adapter, so a peer
 * admitted to commune X reaches X's Repo and nothing else.
 *
 * It differs from the stock WebSocketServerAdapter where the stock one trusts
 * the socket: the "join" must carry the peer id proven in the handshake; a
 * newcomer never evicts a connected peer (the gateway refuses it, see
 * `holds`); and every frame after the join must decode and pass the repo
 * message schema, come from that peer and be addressed to the relay, or the
 * socket is closed.
 */
export class CommuneServerAdapter extends NetworkAdapter {
  readonly #links = new Map<PeerId, Entry>();
  #ready = false;
  #resolveReady!: () => void;
  readonly #readyPromise = new Promise<void>((resolve) => (this.#resolveReady = resolve));
  #resolveConnected!: (peerId: PeerId) => void;
  readonly #connected = new Promise<PeerId>((resolve) => (this.#resolveConnected = resolve));
  readonly #snapshots: SnapshotSource | undefined;
  readonly #maxEphemeralBytes: number;
  readonly #holdsDocument: DocumentCheck | undefined;
  readonly #quota: QuotaCheck | undefined;
  #unavailableAnswers = 0;
  /** Peers with a remembered ask: while none has, a sync message costs no lookup. */
  #asking = 0;

  /**
   * With `snapshots`, members may ask for whole documents (see repo-wire.ts) and the "peer" answer says so.
   * `maxEphemeralBytes`: the largest ephemeral payload passed on (see RelayLimits).
   * With `holdsDocument`, a request for a document the relay does not hold is answered here (see #dispatch).
   * With `quota`, a sync message the commune's quota refuses closes its sender's socket before the Repo sees it.
   */
  constructor(options: { snapshots?: SnapshotSource; maxEphemeralBytes?: number; holdsDocument?: DocumentCheck; quota?: QuotaCheck } = {}) {
    super();
    this.#snapshots = options.snapshots;
    this.#maxEphemeralBytes = options.maxEphemeralBytes ?? Number.MAX_SAFE_INTEGER;
    this.#holdsDocument = options.holdsDocument;
    this.#quota = options.quota;
  }

  /** How many requests for documents the relay does not hold were answered without the Repo. */
  get unavailableAnswers(): number {
    return this.#unavailableAnswers;
  }

  /** Ready once the first member is admitted, like the stock server adapter at its first connection. */
  isReady(): boolean {
    return this.#ready;
  }

  whenReady(): Promise<void> {
    return this.#readyPromise;
  }

  /** Resolves with the relay's peer id once the Repo has connected this adapter. */
  whenConnected(): Promise<PeerId> {
    return this.#connected;
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = peerMetadata ?? this.peerMetadata ?? {};
    this.#resolveConnected(peerId);
  }

  /** Whether a peer id is taken: by an open socket, or by the relay itself. */
  holds(peerId: PeerId): boolean {
    return peerId === this.peerId || this.#links.get(peerId)?.link.isOpen === true;
  }

  /**
   * Takes a socket whose handshake has just succeeded. False, and nothing
   * changes, when its peer id is taken: an authenticated peer is never evicted.
   * The holder is probed, though: a socket that died without closing (a
   * laptop that slept, a network that changed) then gives way within the
   * probe's time instead of the keepalive's, and the member's retry gets in.
   * A socket that is already closing gives way at once.
   */
  attach(link: PeerLink): boolean {
    if (this.peerId === undefined) return false;
    if (this.holds(link.peerId)) {
      this.#links.get(link.peerId)?.link.probe();
      return false;
    }
    const stale = this.#links.get(link.peerId);
    if (stale) this.#forgetAsks(stale);
    if (stale?.joined) this.emit("peer-disconnected", { peerId: link.peerId });
    this.#links.set(link.peerId, { link, joined: false });
    return true;
  }

  /** Forgets a socket that closed. */
  detach(link: PeerLink): void {
    const entry = this.#links.get(link.peerId);
    if (entry?.link !== link) return;
    this.#links.delete(link.peerId);
    this.#forgetAsks(entry);
    if (entry.joined) this.emit("peer-disconnected", { peerId: link.peerId });
  }

  /** Reads one binary frame from an attached socket. */
  receive(link: PeerLink, frame: Uint8Array): FrameVerdict {
    const entry = this.#links.get(link.peerId);
    if (entry?.link !== link || this.peerId === undefined) return { ok: false, reason: "socket is not attached" };
    let value: unknown;
    try {
      value = cbor.decode(frame);
    } catch {
      return { ok: false, reason: "undecodable frame" };
    }
    return entry.joined ? this.#receiveMessage(entry, value) : this.#receiveJoin(entry, value);
  }

  #receiveJoin(entry: Entry, value: unknown): FrameVerdict {
    const join = readJoin(value);
    const { peerId } = entry.link;
    if (!join) return { ok: false, reason: "expected a join" };
    if (join.senderId !== peerId) return { ok: false, reason: "join carries another peer id than the one proven" };
    if (!join.supportedProtocolVersions.includes(PROTOCOL_V1)) {
      const error: ErrorMessage = { type: "error", senderId: this.peerId!, targetId: peerId, message: "unsupported protocol version" };
      entry.link.send(cbor.encode(error));
      return { ok: false, reason: "unsupported protocol version" };
    }
    entry.joined = true;
    // "peer" goes out before the Repo hears of the peer, so it is the member's first binary frame.
    const reply: PeerMessage = {
      type: "peer",
      senderId: this.peerId!,
      targetId: peerId,
      peerMetadata: this.peerMetadata ?? {},
      selectedProtocolVersion: PROTOCOL_V1,
      ...(this.#snapshots ? { snapshots: true as const } : {}),
    };
    entry.link.send(cbor.encode(reply));
    if (!this.#ready) {
      this.#ready = true;
      this.#resolveReady();
    }
    this.emit("peer-candidate", { peerId, peerMetadata: join.peerMetadata });
    return { ok: true, joined: true };
  }

  #receiveMessage(entry: Entry, value: unknown): FrameVerdict {
    const { link } = entry;
    const request = this.#snapshots ? readSnapshotRequest(value) : undefined;
    if (request) {
      if (request.targetId !== this.peerId || request.senderId !== link.peerId) return { ok: false, reason: "snapshot request with wrong peer ids" };
      this.#answerSnapshot(link, request);
      return { ok: true };
    }
    const message = readRepoMessage(value);
    if (!message) return { ok: false, reason: "not a repo message" };
    if (message.targetId !== this.peerId) return { ok: false, reason: "message addressed to another peer" };
    if (message.senderId !== link.peerId) {
      // A member's Repo passes on the ephemeral messages it receives to its
      // other peers, so ours come back carrying the original sender's id:
      // drop those quietly (the relay already delivered them) rather than
      // cut off an honest member; and never relay one, since that would let a
      // member speak under another member's id.
      if (message.type === "ephemeral") return { ok: true };
      return { ok: false, reason: "message sent under another peer id" };
    }
    // Checked before decoding: a 20 MiB "presence" is refused without being read, and reaches nobody.
    if (message.type === "ephemeral" && message.data!.byteLength > this.#maxEphemeralBytes) {
      return { ok: false, reason: `ephemeral message too large (${message.data!.byteLength} bytes; the limit is ${this.#maxEphemeralBytes})` };
    }
    const payload = payloadOf(message);
    if (typeof payload === "string") return { ok: false, reason: payload };
    // A request carries no changes from an honest member; one that does is held to the quota like a sync.
    const grows = message.type === "sync" || (message.type === "request" && payload.operations > 0);
    if (this.#quota && grows && message.documentId !== undefined) {
      const refusal = this.#quota(message.documentId, message.data!, payload.operations);
      if (refusal) return { ok: false, reason: refusal };
    }
    // Ephemeral messages are gossiped by the Repo to every peer of the
    // document without the share policy's access check; that is safe here
    // because this Repo only ever has peers of this one commune.
    if (entry.waiting) {
      if (message.type === "request" && (entry.waitingRequests ?? 0) >= MAX_WAITING_MESSAGES) {
        return { ok: false, reason: `more than ${MAX_WAITING_MESSAGES} requests waiting on document lookups` };
      }
      entry.waiting.push(message);
      if (message.type === "request") entry.waitingRequests = (entry.waitingRequests ?? 0) + 1;
      return { ok: true };
    }
    this.#dispatch(entry, message);
    return { ok: true };
  }

  /**
   * Hands a peer's message to the Repo, except a request for a document the
   * relay does not hold: that is answered "unavailable" here and the Repo
   * never hears of it. Left to the Repo, each such request made it create a
   * handle, read storage and ask every other peer, on the thread that also
   * forwards members' changes: 28,800 of them from 16 sockets delayed a
   * member's change by minutes. While one lookup runs, the peer's later
   * messages wait behind it, so a peer's messages reach the Repo in the order
   * sent.
   */
  #dispatch(entry: Entry, message: Message): void {
    const holds = this.#holdsDocument;
    if (message.type !== "request" || !holds || message.documentId === undefined) {
      this.emit("message", message);
      // A member syncing a document others asked for while the relay lacked it: their requests follow it to the Repo.
      if (message.type === "sync" && message.documentId !== undefined) this.#documentArrived(message.documentId);
      return;
    }
    const documentId = message.documentId;
    entry.waiting = [];
    entry.waitingRequests = 0;
    const settle = (held: boolean) => {
      if (!entry.link.isOpen) return;
      if (held) this.emit("message", message);
      else this.#answerUnavailable(entry, { ...message, documentId });
      const waiting = entry.waiting ?? [];
      entry.waiting = undefined;
      // Read afresh each time: dispatching a waiting request starts another lookup.
      const blocked = (): Message[] | undefined => entry.waiting;
      for (let i = 0; i < waiting.length; i++) {
        const behind = blocked();
        if (behind) {
          // Another lookup started: the rest wait behind it, still in order.
          const rest = waiting.slice(i);
          behind.push(...rest);
          entry.waitingRequests = (entry.waitingRequests ?? 0) + rest.filter((next) => next.type === "request").length;
          return;
        }
        this.#dispatch(entry, waiting[i]!);
      }
    };
    holds(documentId).then(settle, () => settle(false));
  }

  /**
   * Remembers that a peer asked for a document the relay does not have: a
   * member's sync that brings it within ASK_GRACE_MS passes the ask on to
   * the Repo (`#documentArrived`); otherwise "unavailable" is answered then.
   * The Repo would have remembered the asker and asked its peers; this does
   * so within a bound per peer, the oldest ask answered first.
   */
  #answerUnavailable(entry: Entry, request: Message & { documentId: DocumentId }): void {
    const { documentId } = request;
    if (!entry.asked || entry.asked.size === 0) this.#asking++;
    const asked = (entry.asked ??= new Map<DocumentId, Ask>());
    const known = asked.get(documentId);
    if (known) clearTimeout(known);
    asked.delete(documentId);
    const timer = setTimeout(() => this.#answer(entry, documentId), ASK_GRACE_MS);
    timer.unref?.();
    asked.set(documentId, timer);
    const oldest = asked.keys().next();
    if (asked.size > MAX_REMEMBERED_ASKS && !oldest.done) {
      this.#answer(entry, oldest.value);
      asked.delete(oldest.value);
    }
  }

  /** Answers "unavailable" to an ask still waiting; the ask is kept (null) so the document still reaches the asker if it comes. */
  #answer(entry: Entry, documentId: DocumentId): void {
    const timer = entry.asked?.get(documentId);
    if (!timer) return;
    clearTimeout(timer);
    entry.asked!.set(documentId, null);
    if (!entry.link.isOpen) return;
    this.#unavailableAnswers++;
    entry.link.send(cbor.encode({ type: "doc-unavailable", senderId: this.peerId!, targetId: entry.link.peerId, documentId }));
  }

  #forgetAsks(entry: Entry): void {
    if (!entry.asked?.size) return;
    for (const timer of entry.asked.values()) if (timer) clearTimeout(timer);
    entry.asked.clear();
    this.#asking--;
  }

  /**
   * A document is reaching this commune's Repo (a member syncs it): each
   * peer that asked for it while the relay lacked it has its request passed
   * on now, so the Repo sends it to them, as it would had it seen the request.
   */
  #documentArrived(documentId: DocumentId): void {
    if (this.#asking === 0) return;
    for (const entry of this.#links.values()) {
      const timer = entry.asked?.get(documentId);
      if (timer === undefined) continue;
      if (timer) clearTimeout(timer);
      entry.asked!.delete(documentId);
      if (entry.asked!.size === 0) this.#asking--;
      const request = { type: "request", senderId: entry.link.peerId, targetId: this.peerId!, documentId, data: FRESH_SYNC_MESSAGE } as Message;
      if (entry.link.isOpen) this.emit("message", request);
    }
  }

  #answerSnapshot(link: PeerLink, request: SnapshotRequest): void {
    const answer = (data: Uint8Array | undefined) => {
      if (!link.isOpen) return;
      const message: SnapshotMessage = {
        type: "snapshot",
        senderId: this.peerId!,
        targetId: link.peerId,
        documentId: request.documentId,
        ...(data ? { data } : {}),
      };
      link.send(cbor.encode(message));
    };
    // The document may be unknown, unreadable or too large: then there is no
    // snapshot, and the member syncs the document the usual way.
    this.#snapshots!(request.documentId).then(answer, () => answer(undefined));
  }

  send(message: Message): void {
    const entry = this.#links.get(message.targetId);
    if (!entry?.joined || !entry.link.isOpen) return; // offline peers resync when they rejoin
    entry.link.send(cbor.encode(message));
  }

  /** Called by Repo.shutdown(): the gateway closes the sockets themselves. */
  disconnect(): void {
    for (const [peerId, entry] of this.#links) {
      this.#links.delete(peerId);
      if (entry.joined) this.emit("peer-disconnected", { peerId });
    }
  }

  /** Members joined right now. */
  get peerCount(): number {
    let count = 0;
    for (const entry of this.#links.values()) if (entry.joined) count++;
    return count;
  }
}

/**
 * The payloads the relay's Repo would otherwise choke on later, inside its
 * own promise chains, where a failure only reaches console.log: an Automerge
 * sync message that does not decode or would cost too much to load, ephemeral
 * data that is not CBOR. Else the operations the message carries, for the quota.
 */
function payloadOf(message: Message): { operations: number } | string {
  let operations = 0;
  if (message.type === "sync" || message.type === "request") {
    // Before decodeSyncMessage, which already inflates compressed changes.
    const measured = measureSyncMessage(message.data!, boundedInflate);
    if (!measured.ok) return `${message.type} message refused: ${measured.error.message}`;
    operations = measured.value.ops;
  }
  try {
    if (message.type === "sync" || message.type === "request") Automerge.decodeSyncMessage(message.data!);
    else if (message.type === "ephemeral") cbor.decode(message.data!);
    return { operations };
  } catch {
    return `${message.type} message with undecodable data`;
  }
}
