import * as A from "@automerge/automerge";
import { NetworkAdapter, type DocHandle, type DocumentId, type PeerId, type PeerMetadata, type Repo } from "@automerge/automerge-repo";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import type { RelayStatus } from "../../shared/commands/views";
import { anchorOf, type Genesis } from "../../shared/commune/genesis";
import { parseRelayUrl } from "../../shared/docs/link";
import type { Crypto } from "../../shared/identity/crypto";
import type { KeyPair } from "../../shared/identity/keys";
import type { Signed } from "../../shared/identity/signed";
import { fromStored } from "../../shared/docs/automerge-form";
import type { ShareKeys } from "../../shared/partners/keys";
import type { PrivacyCrypto } from "../../shared/privacy/crypto";
import { openItem, sealBatch, sealSnapshot } from "../../shared/privacy/envelopes";
import { loadWholeWithoutPatches } from "../../repo-adaptations/patchless-load";
import {
  decodeItem,
  documentId as documentIdSchema,
  encodeItem,
  idOfItem,
  PRIVATE_PROTOCOL,
  type SealedItem,
  type SnapshotHeader,
} from "../../shared/privacy/headers";
import { firstEpochMac } from "../../shared/sync/relay-handshake";
import { measureAutomerge, operationsProblem, type HeldOperations } from "../../shared/sync/automerge-chunks";
import { boundedInflate } from "../../repo-adaptations/bounded-inflate";
import {
  admissionProof,
  caughtUp,
  challenge,
  decodeFrame,
  encodeFrame,
  forgotten,
  itemFrameHeader,
  refused,
  rejected,
  sharedAnswer,
  snapshotsSent,
  stored,
  superseded,
  toBase64,
  welcome,
} from "../../relay/private/protocol";
import type { RelayLink } from "../commune/relay-link";
import { DEFAULT_BACKOFF, retryDelay, type Backoff } from "./backoff";
import { connectionProblemWords } from "./connection-words";
import type { EpochKeyring, RelayRoute } from "./epoch-keyring";
import { shortfallWords, shouldCompact, snapshotShortfall } from "./compaction";
import { PrivateLinkState } from "./private-link-state";
import type { RefusedItems } from "./refused-items";

/**
 * A member's link to one relay for a private commune (docs/relay.md, "What
 * step 3 built"): in place of automerge-repo's sync, the protocol
 * `commune-private/1`. The relay stores items it cannot read; this link
 *
 * - proves the current epoch's admission key (hello, challenge, proof), and
 *   registers the commune with its chain of epochs where the relay does not
 *   serve it yet;
 * - a newcomer (nothing fetched from this relay yet) asks for the latest
 *   snapshot of each document first, then the log;
 * - fetches the log after the last sequence number it holds (kept on disk per
 *   relay), and opens every item: the author's signature, the commune and
 *   document it names, its epoch, the AEAD (openItem), then the size and the
 *   operations the changes inflate to (INFLATION_LIMITS, as incoming sync is
 *   measured today) before the Repo sees them, and its author: a member or
 *   applicant when its epoch began, or one who joined while it was current
 *   (EpochKeyring.authorProblem). Records inside are judged by the
 *   signed-history rules when the model reads them, as for any change;
 * - sends each document's changes the relay has not seen, as an encrypted
 *   batch signed by this member (the first time a document goes to a relay,
 *   a whole snapshot instead).
 *
 * The Repo sees this link through `adapter`, a network adapter that never
 * announces a peer: the Repo does not sync through it; live LAN peers keep
 * automerge-repo's sync. An item that does not open is skipped and counted,
 * never applied; a relay that breaks the protocol is dropped and retried with
 * the usual backoff.
 */
export interface PrivateLinkOptions {
  url: string;
  commune: string;
  keyring: EpochKeyring;
  privacy: PrivacyCrypto;
  crypto: Crypto;
  me: KeyPair;
  /** Where this link keeps, per relay, the last sequence number read and what each document has sent. */
  stateDir: string;
  repo: () => Repo | undefined;
  held: (documentId: string) => HeldOperations;
  /** Offered so a relay that does not serve the commune yet registers it (with the keyring's chain). */
  genesis: Signed<Genesis> | undefined;
  /**
   * A commune moved from plaintext: its old relay key, proven with the
   * admission proof (firstEpochMac) once a relay asks for it
   * (`private.relayKey`), so a relay that served it in plaintext takes a
   * first epoch not signed by its founder, or a second one (docs/relay.md,
   * "Two moves at once", "The relay-key route").
   */
  relayKey?: string;
  reconnect?: Partial<Backoff>;
  handshakeTimeoutMs?: number;
  keepaliveMs?: number;
  maxMessageBytes?: number;
  now?: () => number;
  /** Items refused, one line each, for a test or the host's log. */
  log?: (line: string) => void;
  /** Where items this link refuses are listed for the member (the commune's problems). */
  refused?: RefusedItems;
  /** Documents shared with partners: sealed and opened under their share key's data key, and shared on the relay with its admission key (docs/partners.md). */
  shares?: () => ReadonlyMap<string, ShareKeys>;
}

/** At most this many items, and bytes of them, wait for a partner share key (`#awaitingShareKey`). */
const MAX_AWAITING_ITEMS = 1_024;
const MAX_AWAITING_BYTES = 32 * 1024 * 1024;
/** The length and checksum before each item in the relay's log (relay/private/store.ts): part of what an item costs it. */
const STORED_RECORD_PREFIX = 8;
/** Puts waiting for the relay's answer: below the relay's MAX_PUTS_WAITING, so the relay never closes us for it. */
const MAX_PUTS_IN_FLIGHT = 16;
const MAX_ITEM_FRAME_HEAD = 4 * 1024;
/** How often the Repo is looked at for documents no change has announced yet. */
const NEW_DOCUMENTS_MS = 1_000;

type Phase = "hello" | "proof" | "snapshots" | "fetching" | "live";

interface Attempt {
  readonly ws: WebSocket;
  readonly nonce: string;
  phase: Phase;
  /** The epoch this socket was admitted under. */
  epoch?: string;
  /** Epoch records this relay missed (it knows an ancestor of the current epoch only, or another child), put right after the welcome. */
  behind?: RelayRoute["puts"];
  /** The newest epoch held when this socket set out: when the keyring's newest moves past it, the socket reconnects to prove that. */
  aimed?: string;
  /** The last epoch of the chain the hello offered to register; undefined when it offered none. */
  offered?: string;
  relayNonce?: string;
  /** Puts sent and not answered yet, in order: the relay answers them in the order they came. */
  readonly puts: Array<{
    id: string;
    document?: string;
    heads?: string[];
    /** A batch or snapshot: its size as the relay stores it, and what a snapshot covers. */
    item?: { kind: "batch" | "snapshot"; bytes: number; covers?: number };
    answered?: (stored: boolean) => void;
  }>;
  /** Frames received and not handled yet (see #enqueue). */
  readonly inbox: Array<{ frame: Buffer; isBinary: boolean }>;
  draining: boolean;
  refused?: string;
  reason?: string;
  /** A moved commune: `forget` was sent on this socket (once every document is on the relay under the current epoch). */
  forgetSent?: boolean;
  /** Documents this socket told the relay a partner may read. */
  readonly sharesSent: Set<string>;
  alive: boolean;
  handshakeTimer?: NodeJS.Timeout;
  keepaliveTimer?: NodeJS.Timeout;
  scanTimer?: NodeJS.Timeout;
  /**
   * Items applied while reading each document's latest snapshot and the
   * batches after it: the fetch of the whole log that follows meets them
   * again, the same bytes, and skips them.
   */
  readonly appliedEarly: Set<string>;
  /**
   * The highest sequence number handled on this socket since it went live
   * (items read, puts stored): frames come in log order, so this member's
   * documents hold every item up to it, and a snapshot may say it covers it.
   */
  seen: number;
}

/** What the Repo sees of a private link: a network adapter that is ready at once and never offers a peer. */
class QuietAdapter extends NetworkAdapter {
  readonly #start: () => void;
  readonly #stop: () => void;
  constructor(start: () => void, stop: () => void) {
    super();
    this.#start = start;
    this.#stop = stop;
  }
  isReady = () => true;
  whenReady = () => Promise.resolve();
  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = peerMetadata ?? {};
    this.#start();
  }
  send(): void {}
  disconnect(): void {
    this.#stop();
  }
}

export class PrivateRelayLink implements RelayLink {
  readonly url: string;
  readonly adapter: NetworkAdapter;
  readonly #address: string;
  readonly #options: PrivateLinkOptions;
  readonly #backoff: Backoff;
  readonly #state: PrivateLinkState;
  readonly #listeners = new Set<(status: RelayStatus) => void>();
  readonly #forgottenListeners = new Set<() => void>();
  #status: RelayStatus;
  #attempt?: Attempt;
  #failures = 0;
  #stopped = true;
  #retryTimer?: NodeJS.Timeout;
  #pushTimer?: NodeJS.Timeout;
  #unfollowKeyring?: () => void;
  readonly #watched = new WeakSet<DocHandle<unknown>>();
  /** Documents to put whole at the next push: their batches outweigh their snapshot, or another member's snapshot left something out. */
  readonly #toCompact = new Set<string>();
  /**
   * Items that did not open under the epoch's key and may be sealed under
   * a partner share key this member does not know yet: a newcomer can read
   * a shared document's snapshot before the commune document that holds
   * its grant. Listed as refused meanwhile; tried again once the grant is
   * here (`#retryAwaiting`), and taken off the list if they open then.
   */
  readonly #awaitingShareKey: { item: Parameters<typeof openItem>[2]; seq: number; size: number }[] = [];
  #awaitingBytes = 0;
  #retrying = false;
  /** While a newcomer's join opens the commune: which documents' items of the snapshots answer wait, and for what (holdSnapshots). */
  #hold: { waits: (documentId: string) => boolean; until: Promise<unknown> } | undefined;
  /** Items this link refused since it started, and the last reason: a member's bad batch is skipped, not fatal. */
  refusedItems = 0;
  /** A relay asked for the proof of the old relay key (`relayKey`): every later proof on this link carries it. */
  #proveRelayKey = false;
  /**
   * Set while the link waits after a refusal (or holds no key at all): the newest epoch it held then, null for none. A refusal waits
   * the longest backoff, but one that a newer epoch may answer (a sibling first epoch, a child learnt through another relay) is
   * tried again as soon as the keyring holds it (#proveNewest).
   */
  #refusedHolding: string | null | undefined;
  lastRefusal: string | undefined;

  constructor(options: PrivateLinkOptions) {
    const url = parseRelayUrl(options.url);
    if (!url.ok) throw new TypeError(url.error.message);
    this.url = options.url;
    this.#address = url.value;
    this.#options = options;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.#state = new PrivateLinkState(options.stateDir, url.value);
    this.#status = { state: "offline", url: this.url, since: this.#now(), reason: "not connected yet" };
    this.adapter = new QuietAdapter(
      () => this.start(),
      () => this.stop(),
    );
  }

  status(): RelayStatus {
    return this.#status;
  }

  onStatus(listener: (status: RelayStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A newcomer's join needs the commune document, its proposals and its
   * inventory (small, and the relay sends the smallest documents first);
   * the snapshots answer goes on with the purse's shards, each loaded whole
   * on the thread the join runs on (a few hundred ms each at 100,000
   * entries), and every step of the join that waited for the disk waited
   * behind one. So an item of the snapshots answer whose document `waits`
   * names (the join's: any but those three, once all three are in) waits,
   * the socket paused, until `until` settles (the join answered, or gave up).
   */
  holdSnapshots(waits: (documentId: string) => boolean, until: Promise<unknown>): void {
    const hold = { waits, until };
    this.#hold = hold;
    const release = () => {
      if (this.#hold === hold) this.#hold = undefined;
    };
    until.then(release, release);
  }

  /** Called when the relay answers `forget`: it holds no plaintext copy of this moved commune any more. */
  onForgotten(listener: () => void): () => void {
    this.#forgottenListeners.add(listener);
    return () => this.#forgottenListeners.delete(listener);
  }

  /** This relay holds the document as it is now (what the sync status counts as not waiting). */
  holds(handle: DocHandle<unknown>): boolean {
    return handle.isReady() && this.#holdsAt(handle.documentId, A.getHeads(handle.doc() as A.Doc<unknown>));
  }

  #holdsAt(documentId: string, heads: readonly string[]): boolean {
    const sent = this.#state.sent(documentId);
    return sent !== undefined && sent.length === heads.length && heads.every((head) => sent.includes(head));
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#failures = 0;
    // A child epoch held (a rotation this host made, or one judged current once the history arrived) lets waiting batches go.
    this.#unfollowKeyring = this.#options.keyring.onChange(() => {
      this.#proveNewest();
      this.#schedulePush();
    });
    void this.#state.load().then(() => {
      if (!this.#stopped && !this.#attempt) this.#open();
    });
  }

  /**
   * The keyring's newest epoch moved past the one this socket set out to
   * prove and was admitted under (another child of its epoch, learnt here
   * live or through another relay): connect again to prove it, or put it
   * beside this relay's (docs/relay.md, "The lead rule across relays").
   */
  #proveNewest(): void {
    const attempt = this.#attempt;
    const newest = this.#options.keyring.newest()?.id;
    if (!attempt && this.#refusedHolding !== undefined && !this.#stopped) {
      if (newest === undefined || newest === this.#refusedHolding) return;
      clearTimeout(this.#retryTimer);
      this.#refusedHolding = undefined;
      this.#failures = 0;
      return this.#open();
    }
    if (!attempt || attempt.aimed === undefined || newest === undefined || newest === attempt.aimed || newest === attempt.epoch) return;
    attempt.reason = "The commune has a newer epoch to prove to this relay";
    this.#failures = 0;
    attempt.ws.terminate();
  }

  stop(): void {
    this.#stopped = true;
    this.#unfollowKeyring?.();
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#pushTimer);
    this.#abandon();
    this.#setStatus("offline", "disconnected");
    void this.#state.save().catch(() => {});
  }

  /** Resolves when what this link holds about the relay is on disk. */
  flush(): Promise<void> {
    return this.#state.save();
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #open(): void {
    this.#refusedHolding = undefined;
    if (!this.#options.keyring.newest()) {
      this.#refusedHolding = null;
      this.#setStatus("refused", "This machine holds no key to the commune's current epoch");
      return;
    }
    this.#setStatus("connecting");
    const handshakeTimeout = this.#options.handshakeTimeoutMs ?? 15_000;
    const ws = new WebSocket(this.#address, { maxPayload: this.#options.maxMessageBytes ?? 128 * 1024 * 1024, perMessageDeflate: false, handshakeTimeout });
    const attempt: Attempt = {
      ws,
      nonce: randomBytes(16).toString("hex"),
      phase: "hello",
      puts: [],
      inbox: [],
      draining: false,
      alive: true,
      appliedEarly: new Set(),
      seen: 0,
      sharesSent: new Set(),
    };
    this.#attempt = attempt;
    attempt.handshakeTimer = setTimeout(() => this.#fail(attempt, "The relay did not finish the handshake in time"), handshakeTimeout);
    ws.on("open", () => this.#guard(attempt, () => this.#hello(attempt)));
    ws.on("message", (data, isBinary) => this.#enqueue(attempt, toBuffer(data), isBinary));
    ws.on("pong", () => (attempt.alive = true));
    ws.on("error", (error) => (attempt.reason ??= connectionProblemWords(error.message)));
    ws.on("close", (code, reason) => {
      attempt.reason ??= reason.byteLength > 0 ? `The relay closed the connection: ${reason.toString()}` : `The connection closed (${code})`;
      this.#onClosed(attempt);
    });
  }

  #hello(attempt: Attempt): void {
    const { genesis, keyring, commune } = this.#options;
    const chain = keyring.chain();
    // A commune founded private registers by its anchor alone (no name, no rules); one moved from plaintext has only its readable genesis.
    const register =
      genesis && chain.length > 0 ? { genesis: anchorOf(genesis) ?? genesis, epochs: chain.map((record) => toBase64(encodeItem(record))) } : undefined;
    attempt.offered = chain.length > 0 && register ? idOfItem(chain.at(-1)!) : undefined;
    attempt.ws.send(JSON.stringify({ type: "hello", protocol: PRIVATE_PROTOCOL, commune, nonce: attempt.nonce, ...(register ? { register } : {}) }));
  }

  /**
   * Frames are handled one at a time, in order, each to its end: an item may
   * wait for its document to load from disk first. While one is handled the
   * socket is paused, so what waits in memory is a frame or two, and the
   * relay (which sends the next item once the last has left) waits too.
   */
  #enqueue(attempt: Attempt, frame: Buffer, isBinary: boolean): void {
    attempt.inbox.push({ frame, isBinary });
    if (attempt.draining) return;
    attempt.draining = true;
    attempt.ws.pause();
    void (async () => {
      for (let next = attempt.inbox.shift(); next && this.#attempt === attempt; next = attempt.inbox.shift()) {
        const { frame: bytes, isBinary: binary } = next;
        try {
          await this.#receive(attempt, bytes, binary);
        } catch (error) {
          this.#fail(attempt, `The connection failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      attempt.draining = false;
      if (attempt.ws.readyState === WebSocket.OPEN) attempt.ws.resume();
    })();
  }

  async #receive(attempt: Attempt, frame: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) {
      if (attempt.phase === "hello" || attempt.phase === "proof") return this.#fail(attempt, "The relay sent data before admitting us");
      return await this.#item(attempt, new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
    }
    let value: unknown;
    try {
      value = JSON.parse(frame.toString("utf8"));
    } catch {
      return this.#fail(attempt, "The relay sent a frame that is not JSON");
    }
    const no = refused.safeParse(value);
    if (no.success) {
      // The relay key is proven only where a relay asks for it: a relay of the version before reads the proof's field as malformed.
      if (no.data.code === "private.relayKey" && this.#options.relayKey !== undefined && !this.#proveRelayKey) {
        this.#proveRelayKey = true;
        this.#failures = 0;
        return this.#fail(attempt, "The relay asks for the proof of the commune's relay key");
      }
      return this.#refuse(attempt, `The relay refused us: ${no.data.reason}`);
    }
    if (attempt.phase === "hello") {
      const asked = challenge.safeParse(value);
      if (!asked.success) return this.#fail(attempt, "The relay did not answer the hello with a challenge");
      const { keyring } = this.#options;
      // The keyring moved to another line between the hello and the challenge (a first epoch of its own made, or another learnt): a
      // first epoch is taken only with a hello that registers it (the relay-key route), so the hello is sent again with it.
      const offering = this.#options.genesis ? keyring.chain().at(-1) : undefined;
      if (offering && idOfItem(offering) !== attempt.offered && !asked.data.tips.includes(idOfItem(offering))) {
        this.#failures = 0;
        return this.#fail(attempt, "The commune has a newer epoch to prove to this relay");
      }
      // The newest epoch held, which the relay admits even while this member's history cannot judge it yet (EpochKeyring.newest); a relay
      // that missed a rotation, or stored another child first, is brought to it (EpochKeyring.routeTo, docs/relay.md "The lead rule across relays").
      const route = keyring.routeTo(asked.data.tips);
      if (!route) return this.#refuse(attempt, "This machine holds no key to the commune's current epoch");
      attempt.relayNonce = asked.data.nonce;
      attempt.phase = "proof";
      attempt.aimed = keyring.newest()?.id;
      attempt.behind = route.puts;
      const proving = route.prove;
      const transcript = { commune: this.#options.commune, memberNonce: attempt.nonce, relayNonce: asked.data.nonce, epoch: proving.id };
      const { relayKey } = this.#options;
      return attempt.ws.send(
        JSON.stringify({
          type: "proof",
          epoch: proving.id,
          sig: admissionProof(this.#options.crypto, transcript, proving.admission),
          ...(relayKey !== undefined && this.#proveRelayKey ? { relayKey: firstEpochMac(relayKey, transcript) } : {}),
        }),
      );
    }
    if (attempt.phase === "proof") {
      const later = superseded.safeParse(value);
      if (later.success) return this.#superseded(attempt, later.data.records);
      const admitted = welcome.safeParse(value);
      if (!admitted.success) return this.#fail(attempt, "The relay did not answer the proof");
      attempt.epoch = admitted.data.epoch;
      // A relay whose log ends before where we read up to lost it (restarted with an empty folder): it is seeded again, from snapshots.
      if (admitted.data.head < this.#state.since) this.#state.restart();
      clearTimeout(attempt.handshakeTimer);
      // Not awaited: the answers come through this same queue of frames, after the ones before them.
      for (const { record, admission, siblings } of attempt.behind ?? []) void this.#sendEpoch(attempt, record, admission, siblings);
      attempt.keepaliveTimer = setInterval(() => this.#keepalive(attempt), this.#options.keepaliveMs ?? 30_000);
      // A newcomer to this relay reads the latest snapshots first, then the log.
      if (this.#state.since === 0) {
        attempt.phase = "snapshots";
        return attempt.ws.send(JSON.stringify({ type: "snapshots" }));
      }
      return this.#fetch(attempt);
    }
    if (snapshotsSent.safeParse(value).success && attempt.phase === "snapshots") return this.#fetch(attempt);
    const caught = caughtUp.safeParse(value);
    if (caught.success && attempt.phase === "fetching") {
      attempt.phase = "live";
      this.#failures = 0;
      void this.#state.save().catch(() => {});
      this.#setStatus("connected");
      this.#watchRepo(attempt);
      return this.#push(attempt);
    }
    const done = stored.safeParse(value);
    if (done.success) return this.#answered(attempt, done.data.id, true, done.data.seq);
    if (forgotten.safeParse(value).success && attempt.forgetSent) {
      for (const listener of this.#forgottenListeners) listener();
      return;
    }
    const no2 = rejected.safeParse(value);
    if (no2.success) {
      this.#refusedByRelay(`${no2.data.code}: ${no2.data.reason}`);
      return this.#answered(attempt, no2.data.id, false);
    }
    const later = superseded.safeParse(value);
    if (later.success) return this.#superseded(attempt, later.data.records);
    if (sharedAnswer.safeParse(value).success) return;
    return this.#fail(attempt, "The relay sent a frame out of turn");
  }

  #fetch(attempt: Attempt): void {
    attempt.phase = "fetching";
    attempt.ws.send(JSON.stringify({ type: "fetch", since: this.#state.since }));
  }

  /**
   * The epoch we proved has a child: its records may hold a lockbox for us
   * (then we prove the new epoch at once), or not (we were left out: removed,
   * or gone, before it began).
   */
  #superseded(attempt: Attempt, records: string[]): void {
    const { keyring } = this.#options;
    let moved = false;
    for (const encoded of records) {
      const decoded = decodeItem(new Uint8Array(Buffer.from(encoded, "base64")));
      if (!decoded.ok) continue;
      // An epoch that opens here, even one that does not lead (a sibling of ours): this relay's tips are on its line, so we go by it.
      const opened = keyring.held(idOfItem(decoded.item)) !== undefined;
      if (keyring.learn(decoded.item) || (!opened && keyring.held(idOfItem(decoded.item)) !== undefined)) moved = true;
    }
    if (moved) {
      attempt.reason = "The commune moved to a new epoch";
      this.#failures = 0;
      attempt.ws.terminate();
      return;
    }
    this.#refuse(attempt, "The commune has moved to a new epoch whose key this member was not given: removed, or gone, before it began");
  }

  /** One item frame from a snapshot answer, a fetch, or live: handled whole before the next frame is read. */
  async #item(attempt: Attempt, frame: Uint8Array): Promise<void> {
    const split = decodeFrame(frame, MAX_ITEM_FRAME_HEAD);
    const head = split && itemFrameHeader.safeParse(split.head);
    if (!split || !head?.success) return this.#fail(attempt, "The relay sent an item frame Commune cannot read");
    const seq = head.data.seq;
    // What the relay keeps of it (the log's record prefix included): what compaction weighs.
    const size = STORED_RECORD_PREFIX + split.body.length;
    const decoded = decodeItem(split.body);
    if (!decoded.ok) {
      this.#refusedItem(attempt, seq, decoded.problem.message, { subject: "item", id: `#${seq}` });
    } else {
      const item = decoded.item;
      const header = item.signed.header;
      // A first epoch or child learnt here that is now the newest held: #proveNewest connects again under it (the keyring's change).
      if (header.kind === "epoch") this.#options.keyring.learn(item, { relay: this.url, seq });
      else if (attempt.phase === "snapshots") {
        const hold = this.#hold;
        if (hold?.waits(header.document)) await hold.until.catch(() => undefined);
        if (await this.#apply(attempt, item, seq, size)) attempt.appliedEarly.add(idOfItem(item));
      } else if (!attempt.appliedEarly.has(idOfItem(item))) await this.#apply(attempt, item, seq, size);
    }
    // Snapshots come from anywhere in the log: only the log itself moves where we are.
    if (attempt.phase !== "snapshots") {
      this.#state.read(seq);
      attempt.seen = Math.max(attempt.seen, seq);
    }
  }

  /** Applies an item to the Repo, or lists why not: true once applied. */
  async #apply(attempt: Attempt, item: Parameters<typeof openItem>[2], seq: number, size: number): Promise<boolean> {
    const { keyring, commune, privacy, crypto } = this.#options;
    const header = item.signed.header;
    if (header.kind === "epoch") return false;
    // A document shared with a partner is sealed under its share key, for epochs this member holds.
    const shared = this.#options.shares?.().get(header.document);
    const keyOf = shared
      ? (epoch: string) => {
          const known = keyring.keyOf(epoch);
          return known && { ...known, dataKey: shared.dataKey };
        }
      : keyring.keyOf;
    const opened = openItem(
      privacy,
      crypto,
      item,
      { commune, document: header.document, afterRotation: keyring.afterRotation(header.epoch, { relay: this.url, seq }) },
      keyOf,
    );
    const what = { subject: header.kind, id: idOfItem(item), by: header.by };
    if (!opened.ok && opened.error.code === "item.tampered" && !shared) this.#awaitShareKey(item, seq, size);
    // A header whose signature fails names someone who did not sign it: it is not put on their name.
    if (!opened.ok) return this.#refusedItem(attempt, seq, opened.error.message, opened.error.code === "item.badSignature" ? { ...what, by: undefined } : what);
    // Judged after the signature (so `by` is who signed it), before anything is applied: a removed member's old key opens the old epoch's batches.
    const author = keyring.authorProblem(header.by, header.epoch);
    if (author !== undefined) return this.#refusedItem(attempt, seq, `Not applied: ${author}, so it could not write under that epoch`, what);
    const repo = this.#options.repo();
    if (!repo) return false;
    // As incoming sync is measured today: every chunk held to its own limits before Automerge inflates it, and what it adds to what the Repo holds.
    const measured = measureAutomerge(opened.value.bytes, boundedInflate);
    if (!measured.ok) return this.#refusedItem(attempt, seq, measured.error.message, what);
    const room = operationsProblem(this.#options.held(header.document), measured.value.ops);
    if (!room.ok) return this.#refusedItem(attempt, seq, room.error.message, what);
    const documentId = header.document as DocumentId;
    // A document on this disk is loaded before changes are applied to it; one that is not becomes unavailable, then ready with them.
    const existing = repo.handles[documentId]?.isReady()
      ? repo.handles[documentId]
      : await repo.find<unknown>(documentId, { allowableStates: ["ready", "unavailable"] }).catch(() => undefined);
    const before = existing?.isReady() ? A.getHeads(existing.doc() as A.Doc<unknown>) : [];
    try {
      // A document this machine has none of arrives whole in a snapshot: loaded as from disk, without a patch per value (~10x the time
      // and WebAssembly memory that never shrinks, repo-adaptations/patchless-load.ts). Into a document it has, changes are merged.
      const whole = opened.value.kind === "snapshot" && existing !== undefined && before.length === 0 ? wholeDocument(opened.value.bytes) : undefined;
      if (whole) existing!.update(() => whole);
      const handle = whole ? existing! : repo.import(opened.value.bytes, { docId: documentId });
      this.#watch(handle);
      const after = A.getHeads(handle.doc() as A.Doc<unknown>);
      const added = after.filter((head) => !before.includes(head));
      // A snapshot that added nothing was already held whole here (a commune moved from plaintext, a copy synced on a LAN): its own
      // heads say what the relay holds. Loading it once more costs less than sending the whole document back.
      const arrived =
        added.length === 0 && opened.value.kind === "snapshot" && !this.#holdsAt(documentId, after) ? A.getHeads(A.load(opened.value.bytes)) : added;
      // What arrived is on the relay: its heads join what the relay is known to hold, so it is not sent back.
      this.#state.received(documentId, arrived, (heads) => unsentSince(handle, heads), after);
      // A batch another member wrote is checked against the next snapshot too: its author may be gone by then, and put nothing back.
      if (header.kind === "batch") this.#state.batchStored(documentId, seq, size, added);
      else this.#snapshotRead(attempt, header, what.id, seq, size, opened.value.bytes, whole);
      if (this.#awaitingShareKey.length > 0) {
        // Brought again by the log read and opened there: it waits no more.
        const waiting = this.#awaitingShareKey.findIndex((held) => held.seq === seq);
        if (waiting >= 0) this.#awaitingBytes -= this.#awaitingShareKey.splice(waiting, 1)[0]!.item.payload.length;
        await this.#retryAwaiting(attempt);
      }
      return true;
    } catch (error) {
      return this.#refusedItem(attempt, seq, `Automerge could not apply it: ${error instanceof Error ? error.message : String(error)}`, what);
    }
  }

  /**
   * Another member's snapshot: the relay has dropped the batches it says it
   * covers, so it is checked against what this member knows it must hold
   * (the snapshot before it, and every batch this member holds: compaction.ts).
   * One that leaves something out is listed among the commune's problems,
   * and this member puts its own copy of the document back at the next push.
   * A newcomer reading the latest snapshots has nothing to check them with.
   */
  #snapshotRead(attempt: Attempt, header: SnapshotHeader, id: string, seq: number, size: number, bytes: Uint8Array, whole: A.Doc<unknown> | undefined): void {
    let heads = whole ? A.getHeads(whole) : undefined;
    if (attempt.phase !== "snapshots" && header.by !== this.#options.me.publicKey) {
      const alone = whole ?? wholeDocument(bytes);
      if (alone) {
        heads = A.getHeads(alone);
        const shortfall = snapshotShortfall(this.#state.sinceSnapshot(header.document), header.covers, (wanted) => A.hasHeads(alone, [...wanted]));
        if (shortfall) {
          // Applied all the same (it adds, never removes, here): the problem is what the relay no longer holds.
          const reason = shortfallWords(shortfall);
          this.#options.log?.(`${this.url}: snapshot ${seq}: ${reason}`);
          this.#options.refused?.add({ subject: "snapshot", id, by: header.by, reason });
          this.#toCompact.add(header.document);
          this.#schedulePush();
        }
      }
    }
    this.#state.snapshotStored(header.document, seq, size, header.covers, heads);
  }

  #awaitShareKey(item: Parameters<typeof openItem>[2], seq: number, size: number): void {
    // Bounded: a relay could send any number of items that open under nothing.
    if (this.#awaitingShareKey.length >= MAX_AWAITING_ITEMS || this.#awaitingBytes + item.payload.length > MAX_AWAITING_BYTES) return;
    if (this.#awaitingShareKey.some((held) => held.seq === seq)) return;
    this.#awaitingShareKey.push({ item, seq, size });
    this.#awaitingBytes += item.payload.length;
  }

  /** Applies, in log order, the items waiting for a share key that is now known (a grant arrived in the commune document). */
  async #retryAwaiting(attempt: Attempt): Promise<void> {
    if (this.#retrying) return;
    const shares = this.#options.shares?.();
    if (!shares || shares.size === 0) return;
    const ready = this.#awaitingShareKey.filter(({ item }) => item.signed.header.kind !== "epoch" && shares.has(item.signed.header.document));
    if (ready.length === 0) return;
    this.#retrying = true;
    try {
      for (const held of ready) {
        this.#awaitingShareKey.splice(this.#awaitingShareKey.indexOf(held), 1);
        this.#awaitingBytes -= held.item.payload.length;
      }
      for (const { item, seq, size } of ready.sort((a, b) => a.seq - b.seq)) {
        if (!(await this.#apply(attempt, item, seq, size))) continue;
        this.#options.refused?.forget(idOfItem(item));
        if (attempt.phase === "snapshots") attempt.appliedEarly.add(idOfItem(item));
      }
    } finally {
      this.#retrying = false;
    }
  }

  /**
   * Counts and lists an item not applied, with its reason; false, what
   * `#apply` answers for it. An item of the latest snapshots is not judged
   * there: the log read that follows brings it again, with every document
   * then in (the relay sends the smallest first, so a partner's shared
   * document may come before the commune document that holds its key), and
   * judges it once.
   */
  #refusedItem(attempt: Attempt, seq: number, reason: string, what: { subject: "batch" | "snapshot" | "item"; id: string; by?: string | undefined }): false {
    if (attempt.phase === "snapshots") return false;
    this.refusedItems++;
    this.lastRefusal = `item ${seq}: ${reason}`;
    this.#options.log?.(`${this.url}: refused ${this.lastRefusal}`);
    this.#options.refused?.add({ subject: what.subject, id: what.id, ...(what.by !== undefined ? { by: what.by } : {}), reason });
    return false;
  }

  #refusedByRelay(reason: string): void {
    this.lastRefusal = `the relay refused a batch: ${reason}`;
    this.#options.log?.(`${this.url}: ${this.lastRefusal}`);
  }

  /**
   * Follows every document of the Repo, present and future, so a change
   * leaves for the relay when it is made. automerge-repo 2.5 declares a
   * "document" event but never emits it, so new documents are found by each
   * push (which any change of a followed document starts: a new shard is
   * indexed in the commune document) and by a look every NEW_DOCUMENTS_MS.
   */
  #watchRepo(attempt: Attempt): void {
    const repo = this.#options.repo();
    if (!repo) return;
    for (const handle of Object.values(repo.handles)) this.#watch(handle as DocHandle<unknown>);
    let count = Object.keys(repo.handles).length;
    attempt.scanTimer = setInterval(() => {
      const now = Object.keys(repo.handles).length;
      if (now !== count) this.#schedulePush();
      count = now;
    }, NEW_DOCUMENTS_MS);
    attempt.scanTimer.unref();
  }

  #watch(handle: DocHandle<unknown>): void {
    if (this.#watched.has(handle)) return;
    this.#watched.add(handle);
    handle.on("heads-changed", () => this.#schedulePush());
  }

  #schedulePush(): void {
    if (this.#pushTimer || this.#stopped) return;
    this.#pushTimer = setTimeout(() => {
      this.#pushTimer = undefined;
      const attempt = this.#attempt;
      if (attempt?.phase === "live") this.#guard(attempt, () => this.#push(attempt));
    }, 0);
  }

  /** Sends, for each ready document with changes this relay has not seen, one sealed item; at most MAX_PUTS_IN_FLIGHT wait for an answer. */
  #push(attempt: Attempt): void {
    const repo = this.#options.repo();
    const current = this.#options.keyring.current();
    if (!repo || !current || attempt.ws.readyState !== WebSocket.OPEN) return;
    // Admitted under a newer epoch than the history lets this member write under (its copy lacks what makes the child valid): the relay
    // would refuse batches under the older one, and sealing under the newer one could leak to readers it was wrongly sealed to. Wait.
    if (current.id !== attempt.epoch) return;
    // Batches wait for an epoch record being put: until the relay stores it, it would refuse them as of an unknown epoch.
    if (attempt.puts.some((put) => put.document === undefined)) return;
    const waiting = new Set(attempt.puts.map((put) => put.document));
    const shares = this.#options.shares?.() ?? new Map<string, ShareKeys>();
    for (const [document, keys] of shares) {
      if (attempt.sharesSent.has(document)) continue;
      attempt.sharesSent.add(document);
      attempt.ws.send(JSON.stringify({ type: "share", document, admission: keys.admission.publicKey }));
    }
    // Whether the relay has, or gets in this push before them, the commune document as it is here: it holds our grants (sharedGrants),
    // so a member of ours reads the share key in the log before the first item sealed under it.
    let communeSent = false;
    for (const handle of Object.values(repo.handles)) {
      if (attempt.puts.length >= MAX_PUTS_IN_FLIGHT) return;
      this.#watch(handle as DocHandle<unknown>);
      if (!handle.isReady() || waiting.has(handle.documentId) || !documentIdSchema.safeParse(handle.documentId).success) continue;
      const doc = handle.doc() as A.Doc<unknown>;
      const type = fromStored((doc as { type?: unknown }).type);
      // A document shared with a partner waits for its share key: sealed under the epoch's, the partner could never read its start.
      if (type === "shared" && (!shares.has(handle.documentId) || !communeSent)) continue;
      const heads = A.getHeads(doc);
      if (type === "commune") communeSent = true;
      const sent = this.#state.sent(handle.documentId);
      const compact = this.#toCompact.has(handle.documentId);
      if (sent && !compact && this.#holdsAt(handle.documentId, heads)) continue;
      const sealing = {
        commune: this.#options.commune,
        document: handle.documentId,
        epoch: current.id,
        dataKey: shares.get(handle.documentId)?.dataKey ?? current.keys.dataKey,
        author: this.#options.me,
        at: this.#now(),
      };
      let item;
      let covers: number | undefined;
      if (!sent || compact) {
        // The first time this relay gets the document: the whole of it, which a newcomer asks for first. Or its batches outweigh its
        // snapshot (compaction.ts): the whole of it again, covering every item handled on this socket, which this document holds.
        covers = Math.max(this.#state.since, attempt.seen);
        item = sealSnapshot(this.#options.privacy, this.#options.crypto, { ...sealing, covers }, A.save(doc));
        this.#toCompact.delete(handle.documentId);
      } else {
        const changes = unsentSince(handle as DocHandle<unknown>, sent);
        if (changes.length === 0) {
          this.#state.sentUpTo(handle.documentId, heads);
          continue;
        }
        item = sealBatch(this.#options.privacy, this.#options.crypto, sealing, changes);
      }
      const encoded = encodeItem(item);
      const stored = {
        kind: item.signed.header.kind === "snapshot" ? ("snapshot" as const) : ("batch" as const),
        bytes: STORED_RECORD_PREFIX + encoded.length,
      };
      attempt.puts.push({ id: idOfItem(item), document: handle.documentId, heads, item: covers === undefined ? stored : { ...stored, covers } });
      attempt.ws.send(encodeFrame({ type: "put" }, encoded));
    }
    this.#forgetPlaintext(attempt, repo);
  }

  /**
   * A commune moved from plaintext (its genesis names no admission key):
   * once the relay has stored every document under the current epoch, it is
   * asked to delete its plaintext copy (docs/relay.md, "Moving existing
   * communes"). Asked again on each connection: the relay answers `forgotten`
   * whether or not it still had one, so a crash between steps is harmless.
   */
  #forgetPlaintext(attempt: Attempt, repo: Repo): void {
    const genesis = this.#options.genesis;
    if (!genesis || genesis.admission !== undefined || attempt.forgetSent || attempt.puts.length > 0) return;
    for (const handle of Object.values(repo.handles)) {
      if (!handle.isReady() || !documentIdSchema.safeParse(handle.documentId).success) continue;
      if (!this.#holdsAt(handle.documentId, A.getHeads(handle.doc() as A.Doc<unknown>))) return;
    }
    attempt.forgetSent = true;
    attempt.ws.send(JSON.stringify({ type: "forget" }));
  }

  #answered(attempt: Attempt, id: string | undefined, storedIt: boolean, seq?: number): void {
    const put = attempt.puts.shift();
    if (!put) return this.#fail(attempt, "The relay answered a put we did not send");
    if (id !== undefined && id !== put.id) return this.#fail(attempt, "The relay answered puts out of order");
    put.answered?.(storedIt);
    if (storedIt && put.document !== undefined && put.heads !== undefined) this.#state.sentUpTo(put.document, put.heads);
    if (storedIt && seq !== undefined) {
      attempt.seen = Math.max(attempt.seen, seq);
      if (put.document !== undefined && put.item) this.#putStored(put.document, seq, put.item, put.heads ?? []);
    }
    if (storedIt) this.#schedulePush();
    // A refused put is not sent again until the document changes or the link reconnects: the same bytes would be refused again.
  }

  /** Compaction's bookkeeping for a batch or snapshot of ours the relay stored as `seq`; a batch that tips the scale asks for a snapshot. */
  #putStored(document: string, seq: number, item: { kind: "batch" | "snapshot"; bytes: number; covers?: number }, heads: readonly string[]): void {
    if (item.kind === "snapshot") {
      this.#state.snapshotStored(document, seq, item.bytes, item.covers ?? 0, heads);
      return;
    }
    this.#state.batchStored(document, seq, item.bytes, heads);
    if (shouldCompact(this.#state.sinceSnapshot(document))) this.#toCompact.add(document);
  }

  /**
   * Puts a child of the epoch this socket was admitted under (a rotation,
   * host/commune/epoch-rotation.ts), with the proof the relay asks: the
   * child's admission key over this connection's transcript with the child's
   * id. True once the relay stored it; false when it refused it (another
   * member's child came first: the relay then tells us with `superseded`) or
   * the link is not connected.
   */
  putEpoch(record: SealedItem, admission: KeyPair): Promise<boolean> {
    const attempt = this.#attempt;
    const header = record.signed.header;
    if (attempt?.phase !== "live" || header.kind !== "epoch" || header.parent !== attempt.epoch) return Promise.resolve(false);
    return this.#sendEpoch(attempt, record, admission);
  }

  #sendEpoch(attempt: Attempt, record: SealedItem, admission: KeyPair, siblings: RelayRoute["puts"][number]["siblings"] = []): Promise<boolean> {
    const relayNonce = attempt.relayNonce;
    if (!relayNonce) return Promise.resolve(false);
    const id = idOfItem(record);
    const proofOf = (epoch: string, key: KeyPair) =>
      admissionProof(this.#options.crypto, { commune: this.#options.commune, memberNonce: attempt.nonce, relayNonce, epoch }, key);
    const proof = proofOf(id, admission);
    // A second child of an epoch: the relay takes it only with proofs of the children it holds (a member holding both, merging).
    const proofs = siblings.map((sibling) => ({ epoch: sibling.epoch, sig: proofOf(sibling.epoch, sibling.admission) }));
    return new Promise((resolve) => {
      attempt.puts.push({
        id,
        answered: (storedIt) => {
          // The relay admits this socket under the child from now on.
          if (storedIt) attempt.epoch = id;
          resolve(storedIt);
        },
      });
      attempt.ws.send(encodeFrame({ type: "put", proof, ...(proofs.length > 0 ? { siblings: proofs } : {}) }, encodeItem(record)));
    });
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

  #fail(attempt: Attempt, reason: string): void {
    attempt.reason ??= reason;
    attempt.ws.terminate();
  }

  #guard(attempt: Attempt, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.#fail(attempt, `The connection failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #onClosed(attempt: Attempt): void {
    for (const put of attempt.puts.splice(0)) put.answered?.(false);
    clearTimeout(attempt.handshakeTimer);
    clearInterval(attempt.keepaliveTimer);
    clearInterval(attempt.scanTimer);
    if (attempt !== this.#attempt) return;
    this.#attempt = undefined;
    void this.#state.save().catch(() => {});
    if (this.#stopped) return;
    const delay = attempt.refused !== undefined ? this.#backoff.maxDelayMs : retryDelay(this.#failures++, this.#backoff);
    const now = this.#now();
    if (attempt.refused !== undefined) {
      this.#refusedHolding = attempt.aimed ?? this.#options.keyring.newest()?.id ?? null;
      this.#setStatus("refused", attempt.refused, now + delay, now);
    } else this.#setStatus("offline", attempt.reason, now + delay, now);
    this.#retryTimer = setTimeout(() => {
      if (!this.#stopped) this.#open();
    }, delay);
  }

  #abandon(): void {
    const attempt = this.#attempt;
    if (!attempt) return;
    this.#attempt = undefined;
    for (const put of attempt.puts.splice(0)) put.answered?.(false);
    clearTimeout(attempt.handshakeTimer);
    clearInterval(attempt.keepaliveTimer);
    clearInterval(attempt.scanTimer);
    attempt.ws.terminate();
  }

  #setStatus(state: RelayStatus["state"], reason?: string, nextAttemptAt?: number, now = this.#now()): void {
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

/** The changes of a document after `heads` (what the relay is known to hold); everything when one of them is not in the document. */
function unsentSince(handle: DocHandle<unknown>, heads: readonly string[]): Uint8Array {
  const doc = handle.doc() as A.Doc<unknown>;
  const known = heads.filter((head) => A.hasHeads(doc, [head]));
  return A.saveSince(doc, known);
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A snapshot's document built whole, or undefined when `A.load` refuses it (then it is merged as changes, which accepts partial content). */
function wholeDocument(bytes: Uint8Array): A.Doc<unknown> | undefined {
  try {
    return loadWholeWithoutPatches(bytes);
  } catch {
    return undefined;
  }
}
