import { PartnerShares } from "./shares";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { encodeItem, type SealedItem } from "../../shared/privacy/headers";
import { firstEpochMac, sameMac } from "../../shared/sync/relay-handshake";
import type { AdmissionTranscript } from "./protocol";
import { problem, type Problem } from "../../shared/result";
import { RegistrationWindow } from "../limits";
import type { RelayLog } from "../log";
import { TOO_MANY_FROM_ADDRESS, TOO_MANY_REGISTRATIONS } from "../communes";
import { PrivateStore, type EpochNode, type Quota } from "./store";

/** What the communes know of a socket admitted to one of them, to pass items on and supersede it. */
export interface AdmittedSocket {
  /** The epoch it proved (and, after it put a child, the child). */
  readonly epoch: string;
  /** A new item of its commune, stored as `seq`. */
  deliver(seq: number, bytes: Uint8Array): void;
  /** Its epoch got a child: it is told so and closed. */
  supersede(): void;
}

/**
 * The private communes a relay serves: one folder each under
 * <dataDir>/private/<commune id>/, opened on first use, and the sockets
 * admitted to each. The folders are the registry: a commune is served once
 * its genesis.json is written, and nothing in them is secret (admission
 * PUBLIC keys, signed headers, ciphertext).
 */
export class PrivateCommunes {
  readonly #root: string;
  readonly #quota: Quota;
  readonly #log: RelayLog;
  readonly #registrations: RegistrationWindow;
  readonly #now: () => number;
  readonly #stores = new Map<string, Promise<PrivateStore | undefined>>();
  readonly #sockets = new Map<string, Set<AdmittedSocket>>();
  readonly #shares = new Map<string, Promise<PartnerShares>>();
  #closed = false;

  /** Deletes a commune's plaintext copy on this relay (relay/communes.ts `forget`), once it is private here. */
  #forgetPlaintext: (commune: string) => Promise<void>;
  /** The relay key a commune was registered with in plaintext here (kept once it moved): what the relay-key route proves. */
  #relayKeyOf: (commune: string) => string | undefined;

  constructor(options: {
    dataDir: string;
    quota: Quota;
    log: RelayLog;
    registrations: { perAddressPerHour: number; perHour: number };
    now?: () => number;
    forgetPlaintext?: (commune: string) => Promise<void>;
    relayKeyOf?: (commune: string) => string | undefined;
  }) {
    this.#forgetPlaintext = options.forgetPlaintext ?? (async () => {});
    this.#relayKeyOf = options.relayKeyOf ?? (() => undefined);
    this.#root = join(options.dataDir, "private");
    this.#quota = options.quota;
    this.#log = options.log;
    this.#registrations = new RegistrationWindow(options.registrations.perAddressPerHour, options.registrations.perHour);
    this.#now = options.now ?? Date.now;
  }

  /** The commune's store, opened once per run; undefined when it is not registered here. */
  storeOf(commune: string): Promise<PrivateStore | undefined> {
    let store = this.#stores.get(commune);
    if (!store) {
      const dir = this.#dirOf(commune);
      store = PrivateStore.exists(dir).then((exists) => (exists ? PrivateStore.open(dir, this.#quota) : undefined));
      this.#stores.set(commune, store);
      // Neither a commune not served (any stranger may name one) nor a store that failed to open is remembered.
      const forget = () => {
        if (this.#stores.get(commune) === store) this.#stores.delete(commune);
      };
      store.then((found) => found || forget(), forget);
    }
    return store;
  }

  /**
   * Registers a commune whose registration was checked and whose tip the
   * socket proved. Rationed per address and per hour like today's
   * registrations. If it was registered meanwhile, the existing store is
   * answered and nothing is written.
   */
  async register(
    commune: string,
    genesis: object,
    chain: SealedItem[],
    address: string,
  ): Promise<{ ok: true; store: PrivateStore; registered: boolean } | { ok: false; problem: Problem }> {
    if (this.#closed) return { ok: false, problem: problem("private.closing", "The relay is shutting down") };
    // Of two registrants of one commune only one writes: the other finds, after its wait, the first one's store in the map.
    for (;;) {
      let existing: PrivateStore | undefined;
      try {
        existing = await this.storeOf(commune);
      } catch (error) {
        this.#log({ event: "error", commune, message: `could not open a private commune: ${String(error)}` });
        return { ok: false, problem: problem("private.unavailable", "The relay could not open the commune; try again later") };
      }
      if (existing) return { ok: true, store: existing, registered: false };
      if (!this.#stores.has(commune)) break;
    }
    const now = this.#now();
    const allowed = this.#registrations.take(address, now);
    if (allowed !== "ok") {
      this.#log({ event: "refused", address, commune, reason: `registration limit (${allowed})` });
      return { ok: false, problem: problem("private.registrationLimit", allowed === "address" ? TOO_MANY_FROM_ADDRESS : TOO_MANY_REGISTRATIONS) };
    }
    const creating = (async () => {
      await mkdir(this.#root, { recursive: true, mode: 0o700 });
      return PrivateStore.create(this.#dirOf(commune), genesis, chain, this.#quota);
    })();
    this.#stores.set(commune, creating);
    creating.catch(() => {
      if (this.#stores.get(commune) === creating) this.#stores.delete(commune);
    });
    try {
      return { ok: true, store: await creating, registered: true };
    } catch (error) {
      this.#registrations.giveBack(address, now);
      this.#log({ event: "error", commune, message: `could not register a private commune: ${String(error)}` });
      return { ok: false, problem: problem("private.unavailable", "The relay could not record the commune; try again later") };
    }
  }

  /** The relay key of a commune served here in plaintext, or moved from it; undefined for any other. */
  relayKeyOf(commune: string): string | undefined {
    return this.#relayKeyOf(commune);
  }

  /** Whether `mac` proves the commune's old relay key over this connection and epoch (firstEpochMac). */
  relayKeyHolds(commune: string, transcript: AdmissionTranscript, mac: string | undefined): boolean {
    const relayKey = this.#relayKeyOf(commune);
    return relayKey !== undefined && mac !== undefined && sameMac(mac, firstEpochMac(relayKey, transcript));
  }

  /**
   * Adds a second first epoch (and the chain below it) to a moved commune's
   * store, its records logged and passed to every admitted socket like any
   * epoch record (docs/relay.md, "Two moves at once"). Rationed as a
   * registration.
   */
  async addFirstEpoch(commune: string, store: PrivateStore, chain: SealedItem[], address: string): Promise<{ ok: true } | { ok: false; problem: Problem }> {
    if (this.#closed) return { ok: false, problem: problem("private.closing", "The relay is shutting down") };
    const now = this.#now();
    const allowed = this.#registrations.take(address, now);
    if (allowed !== "ok") {
      this.#log({ event: "refused", address, commune, reason: `registration limit (${allowed})` });
      return { ok: false, problem: problem("private.registrationLimit", allowed === "address" ? TOO_MANY_FROM_ADDRESS : TOO_MANY_REGISTRATIONS) };
    }
    for (const record of chain) {
      // A record stored meanwhile is answered as a duplicate, and not passed on again.
      const appended = await store.append(record, { stored: (seq) => this.deliver(commune, undefined, seq, encodeItem(record)) });
      if (!appended.ok) {
        this.#registrations.giveBack(address, now);
        return { ok: false, problem: appended.problem };
      }
    }
    return { ok: true };
  }

  /** Asked by a socket admitted under the commune's current epoch (session.ts): the plaintext copy of a moved commune goes. */
  forgetPlaintext(commune: string): Promise<void> {
    return this.#forgetPlaintext(commune);
  }

  /** Every epoch record of a commune served here, in log order (a parent before its children; a moved commune may have several first epochs), base64. */
  async chainOf(commune: string): Promise<string[]> {
    const store = await this.storeOf(commune).catch(() => undefined);
    if (!store) return [];
    const roots = new Map<string, EpochNode>();
    for (const tip of store.tips()) {
      const root = firstOf(store, tip.id);
      if (root) roots.set(root.id, root);
    }
    const nodes = new Map<string, EpochNode>();
    for (const root of roots.values()) for (const node of [root, ...store.descendantsOf(root.id)]) nodes.set(node.id, node);
    const records: string[] = [];
    for (const node of [...nodes.values()].sort((a, b) => a.seq - b.seq)) records.push(Buffer.from(await store.itemAt(node.seq)).toString("base64"));
    return records;
  }

  admit(commune: string, socket: AdmittedSocket): void {
    const sockets = this.#sockets.get(commune) ?? new Set<AdmittedSocket>();
    sockets.add(socket);
    this.#sockets.set(commune, sockets);
  }

  leave(commune: string, socket: AdmittedSocket): void {
    const sockets = this.#sockets.get(commune);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.#sockets.delete(commune);
  }

  /** Passes a new item to every admitted socket of the commune but its sender. */
  deliver(commune: string, from: AdmittedSocket | undefined, seq: number, bytes: Uint8Array): void {
    for (const socket of this.#sockets.get(commune) ?? []) if (socket !== from) socket.deliver(seq, bytes);
  }

  /** Tells every socket admitted under `epoch` (now a parent), but `except`, that it is superseded. */
  supersede(commune: string, epoch: string, except: AdmittedSocket): void {
    for (const socket of [...(this.#sockets.get(commune) ?? [])]) if (socket !== except && socket.epoch === epoch) socket.supersede();
  }

  /** Sockets admitted to private communes now. */
  get admittedCount(): number {
    let count = 0;
    for (const sockets of this.#sockets.values()) count += sockets.size;
    return count;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const stores = await Promise.all([...this.#stores.values()].map((store) => store.catch(() => undefined)));
    await Promise.all(stores.flatMap((store) => (store ? [store.close()] : [])));
  }

  /** The documents a registered commune shares with partners here (./shares.ts), read once per run. */
  sharesOf(commune: string): Promise<PartnerShares> {
    let shares = this.#shares.get(commune);
    if (!shares) {
      shares = PartnerShares.load(this.#dirOf(commune));
      this.#shares.set(commune, shares);
    }
    return shares;
  }

  #dirOf(commune: string): string {
    return join(this.#root, commune);
  }
}

/** The first epoch above `id`, walking parents. */
function firstOf(store: PrivateStore, id: string): EpochNode | undefined {
  let node = store.epoch(id);
  while (node?.parent) node = store.epoch(node.parent);
  return node;
}
