import { randomBytes } from "node:crypto";
import type { Crypto } from "../../shared/identity/crypto";
import { checkItemSignature, decodeItem, idOfItem, type SealedItem } from "../../shared/privacy/headers";
import { problem, type Problem } from "../../shared/result";
import { admissionHolds, checkRegistration, founding, type EpochRecord } from "./admission";
import type { AdmittedSocket, PrivateCommunes } from "./communes";
import {
  decodeFrame,
  encodeFrame,
  memberControl,
  fetch as fetchFrame,
  partnerProof,
  MAX_PUT_OPTIONS_BYTES,
  MAX_PUT_BYTES_WAITING,
  MAX_PUTS_WAITING,
  privateHello,
  proof as proofFrame,
  putOptions,
  toBase64,
  type AdmissionTranscript,
  type PrivateHello,
  type PutOptions,
} from "./protocol";
import type { PrivateStore } from "./store";
import { MAX_PRIVATE_HELLO_BYTES, PRIVATE_PROTOCOL } from "./protocol";

/** The first frame's JSON when it names the private protocol (then a PrivateSession serves the socket); undefined otherwise. */
export function privateHelloIn(frame: Buffer): unknown {
  if (frame.byteLength > MAX_PRIVATE_HELLO_BYTES) return undefined;
  const value = parseJson(frame);
  const names = typeof value === "object" && value !== null && (value as { protocol?: unknown }).protocol === PRIVATE_PROTOCOL;
  return names ? value : undefined;
}

/** What a private session needs of its socket; the gateway (relay/gateway.ts) keeps the socket discipline. */
export interface PrivateLink {
  /** Sends a frame; a socket that does not read what it is sent is closed by the gateway. */
  send(data: string | Uint8Array): void;
  /** Sends a frame and resolves once it has left (or the socket is gone): a fetch waits on it, so it never runs ahead of the reader. */
  sendAwaited(data: Uint8Array): Promise<void>;
  /** Sends `refused` and closes, logging why. */
  refuse(refusal: Problem): void;
  /** Closes after `last` (superseded) was sent. */
  end(last: string, reason: string): void;
  /** Closes for a protocol violation. */
  close(reason: string): void;
  /** The socket proved an epoch: the handshake timer stops and the socket is a member's. */
  admitted(commune: string, epoch: string): void;
  registered(commune: string): void;
  readonly address: string;
}

/** A registration checked at the hello: of a commune not served here yet, or a second first epoch of a moved one (`second`). */
interface Registration {
  genesis: object;
  chain: EpochRecord[];
  ids: string[];
  needsRelayKey: boolean;
  second?: true;
}

/**
 * One socket speaking the private protocol (relay/private/protocol.ts):
 * hello -> challenge, proof -> welcome | refused | superseded, then puts and
 * fetches. Every refusal is a Problem with a code; a frame that breaks the
 * protocol closes the socket; nothing a socket sends reaches another commune.
 */
export class PrivateSession implements AdmittedSocket {
  readonly #communes: PrivateCommunes;
  readonly #crypto: Crypto;
  readonly #link: PrivateLink;
  readonly #nonce = randomBytes(16).toString("hex");
  #state: "hello" | "proof" | "admitted" | "partner-proof" | "partner" | "closed" = "hello";
  /** A partner's socket: the one document it may read (docs/partners.md). */
  #partnerDocument = "";
  #hello?: PrivateHello;
  #store?: PrivateStore;
  #registration?: Registration;
  #epoch = "";
  /** A fetch is under way: it sends the items appended meanwhile itself, in order. */
  #fetching = false;
  #putsWaiting = 0;
  #putBytesWaiting = 0;
  /** The socket closed: a handshake step still under way must not admit it. */
  #gone = false;
  /** Answers to puts leave in the order the puts came. */
  #answers: Promise<void> = Promise.resolve();

  constructor(communes: PrivateCommunes, crypto: Crypto, link: PrivateLink) {
    this.#communes = communes;
    this.#crypto = crypto;
    this.#link = link;
  }

  get epoch(): string {
    return this.#epoch;
  }

  /** The commune the hello named, once it parsed: for the log. */
  get commune(): string | undefined {
    return this.#hello?.commune;
  }

  /** The first frame, already known to name the private protocol. */
  async hello(value: unknown): Promise<void> {
    const parsed = privateHello.safeParse(value);
    if (!parsed.success) return this.#refuse("private.malformed", `The hello is malformed: ${describe(parsed.error.issues[0])}`);
    const hello = (this.#hello = parsed.data);
    const store = await this.#communes.storeOf(hello.commune);
    if (this.#state === "closed") return;
    if (hello.partner) {
      if (!store) return this.#refuse("private.notServed", "This relay does not serve that commune");
      // Whether that document is shared, and with which key, is said only to a socket that proves the key.
      this.#store = store;
      this.#partnerDocument = hello.partner.document;
      this.#state = "partner-proof";
      return this.#link.send(JSON.stringify({ type: "challenge", nonce: this.#nonce, tips: [] }));
    }
    let tips: string[];
    if (store) {
      this.#store = store;
      tips = store.tips().map((tip) => tip.id);
      // A registered commune's epoch tree grows by puts from admitted members, and, for a moved commune, by a second first epoch
      // (docs/relay.md, "Two moves at once"): a registration whose first epoch is not stored here is checked, and taken at the proof
      // only with the old relay key proven too. Any other `register` is ignored.
      const second = hello.register && this.#secondFirstEpoch(hello.commune, store, hello.register);
      if (second) {
        this.#registration = second;
        tips.push(second.ids.at(-1)!);
      }
    } else if (hello.register) {
      const checked = checkRegistration(this.#crypto, hello.commune, hello.register.genesis, hello.register.epochs);
      if (!checked.ok) return this.#link.refuse(checked.problem);
      // The relay-key route: only a relay that holds the commune's relay key (it served it in plaintext) can tell who may take it.
      if (checked.needsRelayKey && this.#communes.relayKeyOf(hello.commune) === undefined)
        return this.#refuse("private.registration", "The first epoch is not signed by the commune's founder");
      this.#registration = { genesis: hello.register.genesis, chain: checked.chain, ids: checked.ids, needsRelayKey: checked.needsRelayKey };
      tips = [checked.ids.at(-1)!];
    } else {
      return this.#refuse("private.notServed", "This relay does not serve that commune");
    }
    this.#state = "proof";
    this.#link.send(JSON.stringify({ type: "challenge", nonce: this.#nonce, tips }));
  }

  /** Every later frame. Only one handshake frame is read at a time (the gateway holds the socket's others back). */
  async frame(data: Buffer, isBinary: boolean): Promise<void> {
    if (this.#state === "partner-proof") {
      this.#state = "closed";
      if (isBinary) return this.#link.close("binary frame before the welcome");
      return this.#onPartnerProof(parseJson(data));
    }
    if (this.#state === "partner") return this.#partnerFrame(data, isBinary);
    if (this.#state === "proof") {
      this.#state = "closed";
      if (isBinary) return this.#link.close("binary frame before the welcome");
      return this.#onProof(parseJson(data));
    }
    if (this.#state !== "admitted") return this.#link.close("frame before the relay answered");
    if (isBinary) return this.#onPut(data);
    const control = memberControl.safeParse(parseJson(data));
    if (!control.success) return this.#link.close("expected a fetch");
    if (this.#fetching) return this.#link.close("a fetch while another runs");
    if (control.data.type === "snapshots") return this.#sendSnapshots();
    if (control.data.type === "forget") return this.#forget();
    if (control.data.type === "share" || control.data.type === "unshare") return this.#share(control.data);
    return this.#fetch(control.data.since);
  }

  async #onPartnerProof(value: unknown): Promise<void> {
    const parsed = partnerProof.safeParse(value);
    if (!parsed.success) return this.#refuse("private.malformed", `The proof is malformed: ${describe(parsed.error.issues[0])}`);
    const { document, sig } = parsed.data;
    const commune = this.#hello!.commune;
    const admission = (await this.#communes.sharesOf(commune)).admissionOf(document);
    if (this.#gone) return;
    const transcript = { commune, memberNonce: this.#hello!.nonce, relayNonce: this.#nonce, document };
    // One refusal for a document not shared and a key that does not hold: a stranger learns nothing of which documents exist.
    if (document !== this.#partnerDocument || !admission || !admissionHolds(this.#crypto, transcript, admission, sig))
      return this.#refuse("private.badProof", "The proof does not hold for a document shared on this relay");
    this.#state = "partner";
    this.#link.admitted(commune, `partner:${document}`);
    this.#link.send(JSON.stringify({ type: "partner-welcome", document, head: this.#store!.head }));
  }

  /** After a partner's welcome: fetches of its document, one at a time; a put is refused with a reason; anything else closes the socket. */
  async #partnerFrame(data: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary)
      return this.#link.send(
        JSON.stringify({ type: "rejected", code: "private.readOnly", reason: "A partner reads what was shared with it and writes nothing to this commune" }),
      );
    const control = fetchFrame.safeParse(parseJson(data));
    if (!control.success) return this.#link.close("a partner may only fetch");
    if (this.#fetching) return this.#link.close("a fetch while another runs");
    return this.#fetch(control.data.since, this.#partnerDocument);
  }

  /** A member shares a document with a partner's admission key, or stops sharing it: only under a current epoch, as for forget. */
  async #share(control: { type: "share"; document: string; admission: string } | { type: "unshare"; document: string }): Promise<void> {
    const commune = this.#hello!.commune;
    if (!this.#store!.tips().some((tip) => tip.id === this.#epoch)) return this.#link.close("share from a socket not under a current epoch");
    const shares = await this.#communes.sharesOf(commune);
    if (control.type === "unshare") {
      await shares.drop(control.document);
      if (this.#state === "admitted") this.#link.send(JSON.stringify({ type: "unshared", document: control.document }));
      return;
    }
    const kept = await shares.set(control.document, control.admission);
    if (this.#state !== "admitted") return;
    if (!kept)
      return this.#link.send(
        JSON.stringify({ type: "rejected", code: "private.tooManyShares", reason: "This commune shares as many documents as this relay keeps" }),
      );
    this.#link.send(JSON.stringify({ type: "shared", document: control.document }));
  }

  closed(): void {
    const commune = this.#hello?.commune;
    if (this.#state === "admitted" && commune) this.#communes.leave(commune, this);
    this.#state = "closed";
    this.#gone = true;
  }

  deliver(seq: number, bytes: Uint8Array): void {
    if (this.#state === "admitted" && !this.#fetching) this.#link.send(encodeFrame({ type: "item", seq }, bytes));
  }

  supersede(): void {
    if (this.#state !== "admitted") return;
    void this.#superseded(this.#store!, this.#epoch).catch(() => this.#link.close("internal error"));
  }

  async #onProof(value: unknown): Promise<void> {
    const hello = this.#hello!;
    const parsed = proofFrame.safeParse(value);
    if (!parsed.success) return this.#refuse("private.malformed", `The proof is malformed: ${describe(parsed.error.issues[0])}`);
    const { epoch, sig } = parsed.data;
    const transcript = this.#transcript(epoch);

    let store = this.#store;
    const registration = this.#registration;
    if (!store || (registration?.second && epoch === registration.ids.at(-1))) {
      if (!registration || epoch !== registration.ids.at(-1)) return this.#refuse("private.notTip", "A registration proves the last epoch of its chain");
      const tip = registration.chain.at(-1)!.signed.header;
      if (!admissionHolds(this.#crypto, transcript, tip.admission, sig))
        return this.#refuse("private.badProof", "The proof does not hold for that epoch's admission key");
      if ((registration.needsRelayKey || registration.second) && !this.#communes.relayKeyHolds(hello.commune, transcript, parsed.data.relayKey)) {
        return this.#refuse(
          "private.relayKey",
          registration.second
            ? "The commune already has a first epoch here: another one needs the proof of the commune's relay key"
            : "A first epoch not signed by the commune's founder needs the proof of the commune's relay key",
        );
      }
      if (store) {
        const added = await this.#communes.addFirstEpoch(hello.commune, store, registration.chain, this.#link.address);
        if (this.#gone) return;
        if (!added.ok) return this.#link.refuse(added.problem);
        this.#link.registered(hello.commune);
      } else {
        const registered = await this.#communes.register(hello.commune, registration.genesis, registration.chain, this.#link.address);
        if (this.#gone) return;
        if (!registered.ok) return this.#link.refuse(registered.problem);
        store = this.#store = registered.store;
        if (registered.registered) this.#link.registered(hello.commune);
      }
    }

    const node = store.epoch(epoch);
    if (!node) return this.#refuse("private.unknownEpoch", "This relay knows no such epoch of the commune");
    if (!admissionHolds(this.#crypto, transcript, node.admission, sig))
      return this.#refuse("private.badProof", "The proof does not hold for that epoch's admission key");
    if (store.childrenOf(epoch).length > 0) return this.#superseded(store, epoch);
    this.#epoch = epoch;
    this.#state = "admitted";
    this.#communes.admit(hello.commune, this);
    this.#link.admitted(hello.commune, epoch);
    this.#link.send(JSON.stringify({ type: "welcome", epoch, head: store.head }));
  }

  /** A hello's registration of a moved commune whose first epoch is not stored here, checked; undefined for any other. */
  #secondFirstEpoch(commune: string, store: PrivateStore, register: NonNullable<PrivateHello["register"]>): Registration | undefined {
    const checked = checkRegistration(this.#crypto, commune, register.genesis, register.epochs);
    if (!checked.ok || store.epoch(checked.ids[0]!) || this.#communes.relayKeyOf(commune) === undefined) return undefined;
    return { genesis: register.genesis, chain: checked.chain, ids: checked.ids, needsRelayKey: true, second: true };
  }

  /** The epoch has a child: the socket gets the records below it (to read its lockbox there, or learn it was left out), and no data. */
  async #superseded(store: PrivateStore, epoch: string): Promise<void> {
    const commune = this.#hello!.commune;
    if (this.#state === "admitted") this.#communes.leave(commune, this);
    this.#state = "closed";
    const records: string[] = [];
    for (const node of store.descendantsOf(epoch)) records.push(toBase64(await store.itemAt(node.seq)));
    this.#link.end(JSON.stringify({ type: "superseded", records }), "superseded: the epoch it proved has a child");
  }

  #onPut(data: Buffer): void {
    this.#putsWaiting++;
    this.#putBytesWaiting += data.byteLength;
    if (this.#putsWaiting > MAX_PUTS_WAITING || (this.#putsWaiting > 1 && this.#putBytesWaiting > MAX_PUT_BYTES_WAITING)) {
      return this.#link.close("too many puts waiting for an answer");
    }
    const answer = this.#put(data).catch((): Problem => problem("private.unavailable", "The relay could not store the item; try again later"));
    this.#answers = this.#answers.then(async () => {
      const outcome = await answer;
      this.#putsWaiting--;
      this.#putBytesWaiting -= data.byteLength;
      if (this.#state !== "admitted") return;
      if ("code" in outcome)
        this.#link.send(
          JSON.stringify({ type: "rejected", code: outcome.code, reason: outcome.message, ...(outcome.params?.id ? { id: outcome.params.id } : {}) }),
        );
      else this.#link.send(JSON.stringify({ type: "stored", seq: outcome.seq, id: outcome.id }));
    });
  }

  async #put(data: Buffer): Promise<{ seq: number; id: string } | Problem> {
    const frame = decodeFrame(data, MAX_PUT_OPTIONS_BYTES);
    if (!frame) return problem("private.malformed", "The put frame is malformed");
    const options = putOptions.safeParse(frame.head);
    if (!options.success) return problem("private.malformed", `The put's options are malformed: ${describe(options.error.issues[0])}`);
    const decoded = decodeItem(frame.body);
    if (!decoded.ok) return problem("private.malformed", decoded.problem.message);
    const item = decoded.item;
    const id = idOfItem(item);
    const params = { id };
    const signatureProblem = checkItemSignature(this.#crypto, item);
    if (signatureProblem) return problem("private.badSignature", `The item's author signature does not hold (${signatureProblem})`, { params });
    const store = this.#store!;
    const commune = this.#hello!.commune;
    const header = item.signed.header;
    // A first epoch put after the registration is judged against the founding record the commune registered with.
    const founded = header.kind === "epoch" && header.parent === null ? await this.#founded(store, commune) : undefined;
    const appended = await store.append(item, {
      guard: () => this.#judge(store, item, id, options.data, founded),
      stored: (seq) => {
        if (header.kind === "epoch") {
          // The putter proved the epoch: it stays, under it (a second child's or first epoch's too, so the rest of its line can follow
          // on this socket); everyone else under the parent is superseded.
          this.#epoch = id;
          if (header.parent !== null) this.#communes.supersede(commune, header.parent, this);
        }
        this.#communes.deliver(commune, this, seq, frame.body);
      },
    });
    if (!appended.ok) return { ...appended.problem, params: { ...appended.problem.params, id } };
    return { seq: appended.seq, id };
  }

  /** Whether this admitted socket may put `item` now; runs in the store's append queue, after every earlier item. */
  async #founded(store: PrivateStore, commune: string): Promise<ReturnType<typeof founding>> {
    const genesis = await store.genesis();
    if (typeof genesis !== "object" || genesis === null)
      return { ok: false, problem: problem("private.registration", "The commune's founding record cannot be read") };
    return founding(this.#crypto, commune, genesis as { by: string; sig: string });
  }

  #judge(store: PrivateStore, item: SealedItem, id: string, options: PutOptions, founded?: ReturnType<typeof founding>): Problem | undefined {
    const header = item.signed.header;
    const params = { id };
    if (this.#state !== "admitted") return problem("private.superseded", "The epoch this socket proved has a child; connect again under it", { params });
    if (header.commune !== this.#hello!.commune)
      return problem("private.wrongCommune", "The item names another commune than the one this socket was admitted to", { params });
    if (header.kind !== "epoch") {
      // The epoch the socket was admitted under is a tip for as long as the socket stays admitted (a child supersedes it).
      if (!store.tips().some((node) => node.id === header.epoch)) {
        return problem("private.wrongEpoch", "The item names an epoch other than the one this socket was admitted under or a current one", { params });
      }
      return undefined;
    }
    if (header.parent === null) return this.#judgeFirst(store, item, id, options, founded);
    const parent = store.epoch(header.parent);
    if (!parent) return problem("private.unknownEpoch", "The epoch's parent is not an epoch of this commune here", { params });
    if (header.epoch !== parent.epoch + 1)
      return problem("private.wrongEpoch", `The epoch's number must be ${parent.epoch + 1}, one past its parent's`, { params });
    if (!options.proof || !admissionHolds(this.#crypto, this.#transcript(id), header.admission, options.proof)) {
      return problem("private.badProof", "A new epoch needs a proof by its own admission key over this connection", { params });
    }
    const children = store.childrenOf(parent.id);
    if (children.length === 0) {
      if (this.#epoch !== parent.id)
        return problem("private.wrongEpoch", "A new epoch must be a child of the epoch this socket was admitted under", { params });
      return undefined;
    }
    // A second child: only from someone admitted under one of the existing children's lines who also holds every existing child's key (a
    // member merging), never a removed member's fork.
    const underChild = children.some((child) => this.#admittedBelow(store, child.id));
    const proven = children.every((child) =>
      (options.siblings ?? []).some(
        (sibling) => sibling.epoch === child.id && admissionHolds(this.#crypto, this.#transcript(child.id), child.admission, sibling.sig),
      ),
    );
    if (!underChild || !proven) {
      return problem("private.fork", "That epoch already has a child: a second one needs proofs of the existing children's keys", { params });
    }
    return undefined;
  }

  /**
   * A second first epoch (docs/relay.md, "Different first epochs on two
   * relays"): only for a commune moved from plaintext, whose founder's two
   * hosts may each have made one, signed by that founder, proven by its own
   * admission key, and put by a socket admitted under a current epoch that
   * proves every first epoch stored here (a member holding both, merging).
   * A commune founded private has one first epoch: its anchor names it.
   */
  #judgeFirst(store: PrivateStore, item: SealedItem, id: string, options: PutOptions, founded?: ReturnType<typeof founding>): Problem | undefined {
    const header = item.signed.header;
    const params = { id };
    if (header.kind !== "epoch") return problem("private.wrongEpoch", "Only an epoch record can be a first epoch", { params });
    if (!founded?.ok || founded.admission !== undefined || header.epoch !== 1) {
      return problem("private.wrongEpoch", "A first epoch comes only with the commune's registration, or a second one of a commune moved from plaintext", {
        params,
      });
    }
    if (header.by !== founded.founder) return problem("private.registration", "The first epoch is not signed by the commune's founder", { params });
    if (!options.proof || !admissionHolds(this.#crypto, this.#transcript(id), header.admission, options.proof)) {
      return problem("private.badProof", "A new epoch needs a proof by its own admission key over this connection", { params });
    }
    const underTip = store.tips().some((tip) => tip.id === this.#epoch);
    const proven = store
      .firsts()
      .every((first) =>
        (options.siblings ?? []).some(
          (sibling) => sibling.epoch === first.id && admissionHolds(this.#crypto, this.#transcript(first.id), first.admission, sibling.sig),
        ),
      );
    if (!underTip || !proven) {
      return problem("private.fork", "The commune already has a first epoch: a second one needs proofs of the existing ones' keys", { params });
    }
    return undefined;
  }

  /** This socket was admitted under `epoch` or an epoch on its line below it. */
  #admittedBelow(store: PrivateStore, epoch: string): boolean {
    // Each step goes one parent up, so the walk ends within as many steps as there are epochs.
    for (let at = store.epoch(this.#epoch); at; at = at.parent === null ? undefined : store.epoch(at.parent)) {
      if (at.id === epoch) return true;
    }
    return false;
  }

  /** Everything after `since`; for a partner (`document`), only that document's batches and snapshots. */
  async #fetch(since: number, document?: string): Promise<void> {
    const store = this.#store!;
    const serving = this.#state;
    this.#fetching = true;
    let last = since;
    try {
      // Items appended during the fetch are not delivered live (the fetch is not yet there): it reads on until none is left.
      do {
        last = await store.read(last, async (seq, bytes) => {
          if (this.#state !== serving) throw new FetchStopped();
          if (document !== undefined && !isOf(bytes, document)) return;
          await this.#link.sendAwaited(encodeFrame({ type: "item", seq }, bytes));
        });
      } while (store.head > last && this.#state === serving);
    } catch (error) {
      if (error instanceof FetchStopped) return;
      throw error;
    } finally {
      this.#fetching = false;
    }
    if (this.#state === serving) this.#link.send(JSON.stringify({ type: "caught-up", head: store.head }));
  }

  /**
   * Every document's latest snapshot and that document's batches past what
   * the snapshot covers, smallest document first (store.latestSnapshotsAndAfter),
   * so a newcomer holds every document as it is now before reading the rest of
   * the log, and the small ones it opens the commune with before the shards. Live items are not sent meanwhile: the
   * member fetches after it, from where its snapshots leave off.
   */
  async #sendSnapshots(): Promise<void> {
    const store = this.#store!;
    this.#fetching = true;
    const head = store.head;
    try {
      for (const seq of store.latestSnapshotsAndAfter()) {
        if (this.#state !== "admitted") return;
        // A snapshot put while these are sent may drop one listed here; it is numbered past `head`, so the fetch that follows brings it.
        const bytes = await store.keptItem(seq);
        if (bytes) await this.#link.sendAwaited(encodeFrame({ type: "item", seq }, bytes));
      }
    } finally {
      this.#fetching = false;
    }
    if (this.#state === "admitted") this.#link.send(JSON.stringify({ type: "snapshots-sent", head }));
  }

  /**
   * Deletes the relay's plaintext copy of the commune. Admitted means under a
   * tip of the epoch tree (a socket whose epoch gets a child is superseded
   * and closed), so only a holder of the current epoch's key can ask: not a
   * stranger, nor a member left out of the epochs.
   */
  async #forget(): Promise<void> {
    const commune = this.#hello!.commune;
    if (!this.#store!.tips().some((tip) => tip.id === this.#epoch)) return this.#link.close("forget from a socket not under a current epoch");
    await this.#communes.forgetPlaintext(commune);
    if (this.#state === "admitted") this.#link.send(JSON.stringify({ type: "forgotten" }));
  }

  #transcript(epoch: string): AdmissionTranscript {
    return { commune: this.#hello!.commune, memberNonce: this.#hello!.nonce, relayNonce: this.#nonce, epoch };
  }

  #refuse(code: `private.${string}`, reason: string): void {
    this.#state = "closed";
    this.#link.refuse(problem(code, reason));
  }
}

class FetchStopped extends Error {}

/** Whether a stored item is a batch or snapshot of `document`: epoch records, with their lockboxes, never go to a partner. */
function isOf(bytes: Uint8Array, document: string): boolean {
  const decoded = decodeItem(bytes);
  if (!decoded.ok) return false;
  const header = decoded.item.signed.header;
  return header.kind !== "epoch" && header.document === document;
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch {
    return undefined;
  }
}

const describe = (issue: { path: PropertyKey[]; message: string } | undefined): string =>
  issue ? `${issue.path.map(String).join(".") || "frame"} ${issue.message}` : "unreadable";
