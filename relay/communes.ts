import { randomBytes } from "node:crypto";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import * as A from "@automerge/automerge";
import { Repo, type DocumentId, type PeerId } from "@automerge/automerge-repo";
import { CountedStorage, type CommuneUsage } from "./counted-storage";
import { CommuneQuota, type QuotaLimits } from "./quota";
import { OperationCounts } from "../repo-adaptations/held-operations";
import { sameMac, type Hello } from "../shared/sync/relay-handshake";
import { nobleCrypto, type Verifier } from "../shared/identity/crypto";
import { registrationProblem } from "../shared/sync/relay-registration";
import { CommuneServerAdapter } from "./commune-adapter";
import { adaptRepo } from "../repo-adaptations/adapt-repo";
import { NOT_SERVED, NOW_PRIVATE, type CommuneDirectory, type Lookup, type Opened } from "./handshake";
import type { RelayLog } from "./log";
import type { Registry } from "./registry";
import { DEFAULT_LIMITS, RegistrationWindow } from "./limits";

export const TOO_MANY_FROM_ADDRESS = "Too many communes registered from this address in the last hour; try again later";
export const TOO_MANY_REGISTRATIONS = "This relay takes no more new communes this hour; try again later";

interface OpenCommune {
  repo: Repo;
  adapter: CommuneServerAdapter;
  storage: CountedStorage;
  operations: OperationCounts;
}

/**
 * The communes a relay serves: the registry says which, and each one admitted
 * to gets its own Repo, created on its first admission, with its own storage
 * at <dataDir>/communes/<commune id>. Isolation by construction: a socket
 * admitted to commune X is attached to X's adapter, which only X's Repo
 * reads, and that Repo only ever reads X's directory.
 */
export class CommuneRepos implements CommuneDirectory {
  readonly #dataDir: string;
  readonly #registry: Registry;
  readonly #log: RelayLog;
  readonly #maxSnapshotBytes: number;
  readonly #maxEphemeralBytes: number | undefined;
  readonly #registrations: RegistrationWindow;
  readonly #quota: QuotaLimits;
  readonly #now: () => number;
  /** A commune moved to private here: its epoch records (relay/private/communes.ts), for a member who proves the relay key. */
  readonly #movedChain: (commune: string) => Promise<string[]>;
  /** Checks the founder's signature on a registration: once per commune, so pure JS is quick enough. */
  readonly #verifier: Verifier = nobleCrypto();
  readonly #open = new Map<string, OpenCommune>();
  /** The relay's peer id in each commune, fixed for this run so challenges and the Repo agree. */
  readonly #peerIds = new Map<string, PeerId>();
  #closed = false;

  /** `maxSnapshotBytes`: the largest message the relay's sockets take, so a snapshot always fits in one. */
  /** `registrations`: how many new communes one address, and all of them, may register per hour. */
  constructor(options: {
    dataDir: string;
    registry: Registry;
    log: RelayLog;
    maxSnapshotBytes?: number;
    maxEphemeralBytes?: number;
    registrations?: { perAddressPerHour: number; perHour: number };
    quota?: QuotaLimits;
    now?: () => number;
    movedChain?: (commune: string) => Promise<string[]>;
  }) {
    this.#movedChain = options.movedChain ?? (async () => []);
    this.#dataDir = options.dataDir;
    const registrations = options.registrations ?? {
      perAddressPerHour: DEFAULT_LIMITS.registrationsPerAddressPerHour,
      perHour: DEFAULT_LIMITS.registrationsPerHour,
    };
    this.#registrations = new RegistrationWindow(registrations.perAddressPerHour, registrations.perHour);
    this.#now = options.now ?? Date.now;
    this.#quota = options.quota ?? {
      maxDocumentsPerCommune: DEFAULT_LIMITS.maxDocumentsPerCommune,
      maxBytesPerCommune: DEFAULT_LIMITS.maxBytesPerCommune,
      maxOperationsPerCommune: DEFAULT_LIMITS.maxOperationsPerCommune,
    };
    this.#maxEphemeralBytes = options.maxEphemeralBytes;
    this.#maxSnapshotBytes = options.maxSnapshotBytes ?? 64 * 1024 * 1024;
    this.#registry = options.registry;
    this.#log = options.log;
  }

  async lookup(hello: Hello): Promise<Lookup> {
    const known = this.#registry.get(hello.commune);
    // A registered commune ignores `register`: its key is never overwritten.
    if (known) return { ok: true, relayKey: known.relayKey, relayPeerId: this.#peerIdOf(hello.commune), registers: false };
    if (!hello.register) return { ok: false, reason: NOT_SERVED };
    const problem = registrationProblem(this.#verifier, hello.commune, hello.register.genesis);
    if (problem) return { ok: false, reason: problem };
    return { ok: true, relayKey: hello.register.relayKey, relayPeerId: this.#peerIdOf(hello.commune), registers: true };
  }

  async open(hello: Hello, lookup: Extract<Lookup, { ok: true }>, address = "unknown"): Promise<Opened> {
    if (this.#closed) return { ok: false, reason: "The relay is shutting down" };
    let registered = false;
    if (lookup.registers) {
      // Another member may have registered the commune since the lookup: the first registration stands.
      const known = this.#registry.get(hello.commune);
      if (known && !sameMac(known.relayKey, lookup.relayKey)) return { ok: false, reason: "The commune was registered with another key" };
      if (!known) {
        // Anyone can found a commune and sign its genesis, so a registration proves little: it is rationed.
        const now = this.#now();
        const allowed = this.#registrations.take(address, now);
        if (allowed !== "ok") {
          this.#log({ event: "refused", address, commune: hello.commune, reason: `registration limit (${allowed})` });
          return { ok: false, reason: allowed === "address" ? TOO_MANY_FROM_ADDRESS : TOO_MANY_REGISTRATIONS };
        }
        try {
          registered = (await this.#registry.register(hello.commune, lookup.relayKey)) === "registered";
          if (!registered) this.#registrations.giveBack(address, now);
        } catch (error) {
          this.#registrations.giveBack(address, now);
          this.#log({ event: "error", commune: hello.commune, message: `could not save the registry: ${String(error)}` });
          return { ok: false, reason: "The relay could not record the commune; try again later" };
        }
      }
    }
    if (this.#closed) return { ok: false, reason: "The relay is shutting down" };
    // Moved to private: the proof of the relay key earns the words and the chain of epochs, never the documents (there are none).
    if (this.#registry.get(hello.commune)?.movedAt !== undefined) return { ok: false, reason: NOW_PRIVATE, chain: await this.#movedChain(hello.commune) };
    const { adapter } = this.#communeOf(hello.commune);
    await adapter.whenConnected();
    return { ok: true, adapter, registered };
  }

  /**
   * Deletes the plaintext copy of a commune that moved to private here
   * (relay/private/session.ts asks, for a socket admitted under the
   * commune's current epoch): its Repo is shut down, its folder removed, and
   * the registry marks it moved, so the plaintext handshake is refused from
   * then on. True when this call forgot it (false: never served here in
   * plaintext, or forgotten before; a folder a crash left is removed again).
   */
  async forget(commune: string): Promise<boolean> {
    const known = this.#registry.get(commune);
    if (!known) return false;
    const folder = join(this.#dataDir, "communes", commune);
    if (known.movedAt !== undefined) {
      await rm(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      return false;
    }
    // Marked first: from here on no socket opens the Repo again, so nothing writes the folder after it is removed.
    await this.#registry.markMoved(commune, this.#now());
    const open = this.#open.get(commune);
    this.#open.delete(commune);
    await open?.repo.shutdown().catch((error: unknown) => this.#log({ event: "error", commune, message: `could not close a moved commune: ${String(error)}` }));
    // A sync state automerge-repo still flushes after the shutdown (a throttled timer) must not write into the folder being removed.
    open?.storage.retire();
    await rm(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    return true;
  }

  /** Communes with a Repo open in this run. */
  get openCount(): number {
    return this.#open.size;
  }

  /** The most any open commune holds, for /health (which names no commune). */
  largestUsage(): CommuneUsage & { operations: number } {
    let largest = { documents: 0, bytes: 0, operations: 0 };
    for (const { storage, operations } of this.#open.values()) {
      const usage = storage.usage();
      largest = {
        documents: Math.max(largest.documents, usage.documents),
        bytes: Math.max(largest.bytes, usage.bytes),
        operations: Math.max(largest.operations, operations.held("").commune),
      };
    }
    return largest;
  }

  /** Documents the open communes' Repos hold a handle for. */
  get documentHandles(): number {
    let count = 0;
    for (const { repo } of this.#open.values()) count += Object.keys(repo.handles).length;
    return count;
  }

  /** Requests for documents a relay does not hold, answered at the gateway without the Repo. */
  get unavailableAnswers(): number {
    let count = 0;
    for (const { adapter } of this.#open.values()) count += adapter.unavailableAnswers;
    return count;
  }

  /** Shuts every Repo down, flushing what it holds to disk. */
  async close(): Promise<void> {
    this.#closed = true;
    const open = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(
      open.map(({ repo }) => repo.shutdown().catch((error: unknown) => this.#log({ event: "error", message: `could not flush a commune: ${String(error)}` }))),
    );
  }

  #peerIdOf(commune: string): PeerId {
    let peerId = this.#peerIds.get(commune);
    if (!peerId) {
      peerId = `relay-${randomBytes(9).toString("base64url")}` as PeerId;
      this.#peerIds.set(commune, peerId);
    }
    return peerId;
  }

  #communeOf(commune: string): OpenCommune {
    const existing = this.#open.get(commune);
    if (existing) return existing;
    let repo: Repo | undefined;
    const storage = new CountedStorage(join(this.#dataDir, "communes", commune));
    const operations = new OperationCounts(() => repo);
    const quota = new CommuneQuota(storage, operations, this.#quota);
    const adapter = new CommuneServerAdapter({
      snapshots: (documentId) => this.#snapshotOf(repo, documentId),
      holdsDocument: (documentId) => this.#holds(repo, commune, documentId),
      quota: (documentId, data, operations) => quota.refusal(documentId, data, operations, repo?.handles[documentId] !== undefined),
      ...(this.#maxEphemeralBytes === undefined ? {} : { maxEphemeralBytes: this.#maxEphemeralBytes }),
    });
    repo = new Repo({
      peerId: this.#peerIdOf(commune),
      network: [adapter],
      storage,
      // The relay stores and serves; it does not push. `announce: false`
      // (the approach of automerge-repo-sync-server, whose sharePolicy is
      // false) means the relay never starts syncing a document with a peer
      // on its own: a member gets a document once it asks for it, or
      // announces it (members' Repos announce to the relay), and from then on
      // every change. So a member's host pulls the shards it opens, instead of
      // receiving every shard each time it connects. `access: true`: every
      // member admitted to this Repo may read and write all of the commune's
      // documents; admission (the proof of the commune secret) is the
      // boundary, and this Repo holds no other commune's documents.
      shareConfig: { announce: async () => false, access: async () => true },
    });
    // A member's change passes through here on its way to the others: forward it without the library's 100 ms wait.
    // After a restart the relay reads a large commune from disk; without patches that is ~10x cheaper (see patchless-load.ts).
    // It announces nothing, so a member who reconnects gets a fresh sync state only through this (resync-rejoining-peers.ts).
    adaptRepo(repo, { announces: false });
    const entry = { repo, adapter, storage, operations };
    this.#open.set(commune, entry);
    return entry;
  }

  /**
   * Whether this commune's relay has a document: a handle the Repo knows
   * (not one it found unavailable), or the document's folder in this
   * commune's storage (NodeFS keeps a document under <id[0:2]>/<id[2:]>; a
   * document id is base58check, checked by the wire schema, so it names no
   * other path). Never loads the document.
   */
  async #holds(repo: Repo | undefined, commune: string, documentId: DocumentId): Promise<boolean> {
    if (!repo || this.#closed) return false;
    const handle = repo.handles[documentId];
    if (handle && !handle.isUnavailable() && !handle.isDeleted()) return true;
    try {
      await stat(join(this.#dataDir, "communes", commune, documentId.slice(0, 2), documentId.slice(2)));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A whole document of one commune for a member who has none of it: the
   * open document saved compacted when this run has it, else the chunks on
   * disk as they are (`Automerge.load` reads them concatenated), which costs
   * the relay no parsing at all. Only this commune's Repo and directory are
   * read, so a document id from another commune finds nothing.
   */
  async #snapshotOf(repo: Repo | undefined, documentId: DocumentId): Promise<Uint8Array | undefined> {
    if (!repo || this.#closed) return undefined;
    const handle = repo.handles[documentId];
    let bytes: Uint8Array | undefined;
    if (handle?.isReady()) bytes = A.save(handle.doc() as A.Doc<unknown>);
    else bytes = (await repo.storageSubsystem?.loadDocData(documentId)) ?? undefined;
    // Room for the message around the bytes; a larger document is synced the usual way.
    if (!bytes || bytes.byteLength === 0 || bytes.byteLength > this.#maxSnapshotBytes - 4096) return undefined;
    return bytes;
  }
}
