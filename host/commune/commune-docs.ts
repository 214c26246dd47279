import * as A from "@automerge/automerge";
import { mapIn } from "./containers";
import { Repo, type AutomergeUrl, type DocHandle, type DocumentId, type NetworkAdapterInterface } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { join } from "node:path";
import type { Genesis } from "../../shared/commune/genesis";
import { toStored, type Stored } from "../../shared/docs/automerge-form";
import { automergeUrl } from "../../shared/docs/fields";
import { isShardKey, readCommuneDoc, shardKey, type CommuneDoc, type InventoryDoc, type ProposalsDoc, type PurseShardDoc } from "../../shared/docs/documents";
import type { Signed } from "../../shared/identity/signed";
import { everyRecord, PLACES, type EveryRecord, type PlacesName } from "../../shared/history/every-record";
import type { Result } from "../../shared/result";
import { HistoryReader } from "../history/history-reader";
import { headsOf } from "./heads";
import type { PublicKey } from "../../shared/identity/keys";
import { adaptRepo } from "../../repo-adaptations/adapt-repo";
import type { RemoteSnapshots } from "../../repo-adaptations/patchless-load";
import { reportSaveFailures, type SaveFailures } from "../../repo-adaptations/save-failures";

/**
 * The Automerge side of one commune on a member's machine: its own Repo
 * (storage under the member's data directory, network links to the
 * commune's relays), the handles of its documents, and discovery of purse
 * shards as other members open them. One Repo per commune keeps communes
 * apart by construction: a relay link for commune X can only ever carry X's
 * documents.
 */
export type StoredCommune = Stored<CommuneDoc>;
export type StoredProposals = Stored<ProposalsDoc>;
export type StoredInventory = Stored<InventoryDoc>;
export type StoredShard = Stored<PurseShardDoc>;

/** A relay link that can send a document whole (host/sync/relay-client.ts). */
interface SnapshotPeer {
  readonly servesSnapshots: boolean;
  requestSnapshot(documentId: DocumentId, timeoutMs: number): Promise<Uint8Array | undefined>;
}

function servesSnapshots(adapter: NetworkAdapterInterface): adapter is NetworkAdapterInterface & SnapshotPeer {
  return (adapter as Partial<SnapshotPeer>).servesSnapshots === true && typeof (adapter as Partial<SnapshotPeer>).requestSnapshot === "function";
}

/** How long a relay may take to send one whole document before it is synced the usual way instead. */
const SNAPSHOT_TIMEOUT_MS = 30_000;
/** How often documents the disk refused are written again, until it takes them: a disk with room again saves them within this. */
const SAVE_RETRY_MS = 2_000;
/** Each commune Repo's failed saves, asked after every save, and the data directory they are under (for the words). */
const saveFailures = new WeakMap<Repo, { failures: SaveFailures; dataDir: string }>();

/** A save the disk refused: its error, and the data directory the member is told about. */
export interface Unsaved {
  error: unknown;
  dataDir: string;
}

export class CommuneDocs {
  readonly repo: Repo;
  readonly commune: DocHandle<StoredCommune>;
  readonly proposals: DocHandle<StoredProposals>;
  readonly inventory: DocHandle<StoredInventory>;
  readonly shards = new Map<string, DocHandle<StoredShard>>();
  /** Shards being looked for: index key → URL. */
  #pendingShards = new Map<string, string>();
  #onChange: () => void = () => {};
  #closed = false;
  /** Saves one after another: a retry never writes a document while a write's own save does. */
  #saving: Promise<unknown> = Promise.resolve();
  #retry: NodeJS.Timeout | undefined;

  private constructor(repo: Repo, commune: DocHandle<StoredCommune>, proposals: DocHandle<StoredProposals>, inventory: DocHandle<StoredInventory>) {
    this.repo = repo;
    this.commune = commune;
    this.proposals = proposals;
    this.inventory = inventory;
  }

  static repoFor(dataDir: string, communeId: string, network: NetworkAdapterInterface[]): Repo {
    const storage = new NodeFSStorageAdapter(join(dataDir, "communes", communeId, "repo"));
    const repo = new Repo({
      storage,
      network,
      // Everything in this Repo belongs to one commune, and its only peers are
      // that commune's relays, so sharing every document with them is right.
      sharePolicy: async () => true,
    });
    const fromRelays: RemoteSnapshots = {
      async fetch(documentId) {
        // The relays connected now, in turn: a document none of them has is synced the usual way.
        for (const adapter of repo.networkSubsystem.adapters) {
          if (!servesSnapshots(adapter)) continue;
          const bytes = await adapter.requestSnapshot(documentId, SNAPSHOT_TIMEOUT_MS);
          if (bytes) return bytes;
        }
        return undefined;
      },
      keep: (documentId, name, bytes) => storage.save([documentId, "snapshot", name], bytes),
    };
    // A command's change leaves for the relays within a few milliseconds, not after the library's 100 ms window,
    // and a large purse opens from disk without a patch per value (repo-adaptations/).
    adaptRepo(repo, { remote: fromRelays });
    // After adaptRepo: it wraps the saveDoc the patchless loader put in place.
    const failures = reportSaveFailures(repo);
    if (failures) saveFailures.set(repo, { failures, dataDir });
    return repo;
  }

  /** Creates the documents of a new commune. */
  static async found(repo: Repo, genesis: Signed<Genesis>, communeId: string, relays: string[]): Promise<CommuneDocs> {
    const proposals = repo.create<StoredProposals>(
      toStored<ProposalsDoc>({ schema: 1, type: "proposals", commune: communeId, proposals: {}, votes: {}, comments: {}, outcomes: {} } satisfies ProposalsDoc),
    );
    const inventory = repo.create<StoredInventory>(toStored<InventoryDoc>({ schema: 1, type: "inventory", commune: communeId, items: {} }));
    const commune = repo.create<StoredCommune>(
      toStored<CommuneDoc>({
        schema: 1,
        type: "commune",
        genesis,
        events: [],
        relays,
        docs: { proposals: proposals.url, inventory: inventory.url },
        shards: {},
        partners: {},
      }),
    );
    const docs = new CommuneDocs(repo, commune, proposals, inventory);
    await docs.flush();
    return docs;
  }

  /**
   * Whether the commune document and the two it links to are all in the
   * Repo already: a private relay link applies each document's latest
   * snapshot and the batches after it before it reports itself connected
   * (it reads the rest of the log after that), so a newcomer may open the
   * commune before the whole purse is in.
   */
  static held(repo: Repo, url: string): boolean {
    return CommuneDocs.opensWith(repo, url) !== undefined;
  }

  /** The ids of the documents a commune opens with (its commune document, proposals and inventory), once all three are held; else undefined. */
  static opensWith(repo: Repo, url: string): ReadonlySet<string> | undefined {
    const idOf = (link: string) => link.slice("automerge:".length) as DocumentId;
    const commune = repo.handles[idOf(url)];
    if (!commune?.isReady()) return undefined;
    const links = linksOf(commune.doc());
    if (!links) return undefined;
    const ids = [idOf(url), idOf(links.proposals), idOf(links.inventory)];
    return ids.every((id) => repo.handles[id]?.isReady() === true) ? new Set(ids) : undefined;
  }

  /** Opens a commune's documents: from disk, or from its relays when this machine has never had them. */
  static async open(repo: Repo, url: string, signal?: AbortSignal): Promise<CommuneDocs> {
    const commune = await repo.find<StoredCommune>(url as AutomergeUrl, signal ? { signal } : {});
    const links = firstLinksOf(commune.doc() as A.Doc<unknown>);
    if (!links) throw new Error("This is not a Commune document: it has no links to the commune's proposals and inventory.");
    const [proposals, inventory] = await Promise.all([
      repo.find<StoredProposals>(links.proposals as AutomergeUrl, signal ? { signal } : {}),
      repo.find<StoredInventory>(links.inventory as AutomergeUrl, signal ? { signal } : {}),
    ]);
    return new CommuneDocs(repo, commune, proposals, inventory);
  }

  /** Starts following changes: calls `onChange` whenever any document changes or a shard arrives. */
  watch(onChange: () => void): void {
    this.#onChange = onChange;
    for (const handle of [this.commune, this.proposals, this.inventory]) handle.on("change", () => this.#changed());
    // On the next turn: making a handle per shard takes a few milliseconds
    // each (30 shards: ~100 ms), which the host's first answer need not wait for.
    setImmediate(() => void this.discoverShards());
  }

  #changed(): void {
    if (this.#closed) return;
    void this.discoverShards();
    this.#onChange();
  }

  /**
   * Finds every shard the commune document lists and that is not open yet.
   * Shards of other members may not be on this machine yet; they are looked
   * for without blocking and retried whenever a relay connects.
   */
  async discoverShards(): Promise<void> {
    if (this.#closed) return;
    // The index's history is scanned in a worker, if it needs scanning at all.
    await this.history.settle([{ handle: this.commune as DocHandle<unknown>, places: "commune" }]);
    if (this.#closed) return;
    const index = this.#everIndexed();
    const finding: Promise<void>[] = [];
    // A shard opened under its key before someone re-pointed that key is
    // also indexed as "<key> <url>" afterwards: read twice, it would show
    // its entries again as duplicates, which a newcomer (who opens it once)
    // would not show.
    const opening = new Set<string>([...[...this.shards.values()].map((handle) => handle.url), ...this.#pendingShards.values()]);
    for (const [key, url] of Object.entries(index)) {
      if (this.shards.has(key) || this.#pendingShards.has(key) || opening.has(url)) continue;
      opening.add(url);
      this.#pendingShards.set(key, url);
      const open = (handle: DocHandle<StoredShard>) => {
        if (this.#closed) return;
        this.shards.set(key, handle);
        handle.on("change", () => this.#onChange());
        this.#onChange();
      };
      const found = this.repo.find<StoredShard>(url as AutomergeUrl, { allowableStates: ["ready", "unavailable"] }).then(
        (handle) => {
          if (handle.isReady()) {
            open(handle);
            this.#pendingShards.delete(key);
            return;
          }
          // Not reachable now (offline, or the relay lost it and no member has sent it again yet): automerge-repo asks
          // every relay that connects for it, and marks it ready when one sends it. Waiting for that, rather than
          // giving up, is what picks it up then: nothing else may change to make this machine look again (found with
          // a relay killed during sync, tests/faults/relay-killed.test.ts). Not awaited: loading goes on without it.
          handle
            .whenReady()
            .then(() => open(handle))
            .catch(() => undefined)
            .finally(() => this.#pendingShards.delete(key));
        },
        () => {
          // Deleted, or the repo closed: retried on the next discovery.
          this.#pendingShards.delete(key);
        },
      );
      finding.push(found);
    }
    await Promise.all(finding);
  }

  #everIndexedAt: { heads: string; index: Record<string, string> } | undefined;
  /** Each document as the signed-history rule reads it, per version; the scans run in the host's workers once the node hands them over. */
  readonly history = new HistoryReader();

  /**
   * A document as the signed-history rule reads it (shared/history/), worked
   * out once per version: the model reads its records and the shard
   * discovery its index from the same scan, not from one each. Settle it
   * first (`history.settle`) so that its scan, if it needs one, ran in a
   * worker; a failure says why its history could not be read.
   */
  everyRecordOf(handle: DocHandle<unknown>, places: PlacesName): Result<EveryRecord> {
    return this.history.everyRecordOf(handle, places);
  }

  /**
   * Every shard the commune document's index ever named: the current index,
   * and, when its history holds more (a key re-pointed to another shard),
   * each shard a key once named under "<key> <url>", so its entries still
   * count (shared/history/). Worked out once per version of the document.
   */
  #everIndexed(): Record<string, string> {
    const heads = headsOf(this.commune).join(",");
    if (this.#everIndexedAt?.heads === heads) return this.#everIndexedAt.index;
    const index = shardIndexOf(this.commune.doc());
    const current = new Set(Object.values(index));
    const seen = this.everyRecordOf(this.commune as DocHandle<unknown>, "commune");
    // A commune document whose history could not be read: the current index alone (the model reports the failure).
    for (const [place, urls] of seen.ok ? seen.value.indexes : []) {
      const key = place.slice("shards/".length);
      if (!place.startsWith("shards/") || !isShardKey(key)) continue;
      for (const url of urls) if (!current.has(url) && automergeUrl.safeParse(url).success) index[`${key} ${url}`] = url;
    }
    this.#everIndexedAt = { heads, index };
    return index;
  }

  /** The member's own shard for a year, created and indexed on first use. */
  async ownShard(owner: PublicKey, period: string, communeId: string): Promise<DocHandle<StoredShard>> {
    const key = shardKey(owner, period);
    const existing = this.shards.get(key);
    if (existing) return existing;
    const indexed = shardIndexOf(this.commune.doc())[key];
    if (indexed) {
      const handle = await this.repo.find<StoredShard>(indexed as AutomergeUrl);
      this.shards.set(key, handle);
      handle.on("change", () => this.#onChange());
      return handle;
    }
    const handle = this.repo.create<StoredShard>(toStored<PurseShardDoc>({ schema: 1, type: "purse-shard", commune: communeId, owner, period, entries: [] }));
    this.shards.set(key, handle);
    handle.on("change", () => this.#onChange());
    this.commune.change((doc) => {
      mapIn(doc, "shards")[key] = toStored(handle.url as string);
    });
    return handle;
  }

  /** How many shards the commune document lists that are not loaded here yet. */
  unloadedShards(): number {
    // A shard open under another key (two keys pointed at one document) is loaded: discoverShards opens each document once.
    const open = new Set<string>([...this.shards.values()].map((handle) => handle.url));
    return Object.entries(shardIndexOf(this.commune.doc())).filter(([key, url]) => !this.shards.has(key) && !open.has(url)).length;
  }

  /** The commune's signed genesis as plain data, when the document is readable. */
  genesis(): Signed<Genesis> | undefined {
    const read = readCommuneDoc(this.commune.doc());
    return read.ok ? read.value.doc.genesis : undefined;
  }

  allHandles(): DocHandle<unknown>[] {
    return [this.commune, this.proposals, this.inventory, ...this.shards.values()] as DocHandle<unknown>[];
  }

  /**
   * Writes every document that has changed to disk, and answers what the
   * disk refused, if anything. Only loaded documents: the library's flush
   * asks every handle for its document and throws on one still arriving (a
   * newcomer's shards), which has nothing to write.
   *
   * A refused document keeps its changes in memory (they are already in the
   * commune: shown, and sent to relays), and the library writes them with
   * its next save of that document. Nothing else would save them before the
   * next change, so until the disk takes them this saves again every
   * SAVE_RETRY_MS: the member was told it is saved once there is room
   * (host/store/disk-refusal.ts), without making the change again.
   */
  save(): Promise<Unsaved | undefined> {
    const run = this.#saving.then(async () => {
      const ready = Object.values(this.repo.handles).filter((handle) => handle.isReady());
      const ids = ready.map((handle) => handle.documentId);
      await this.repo.flush(ids);
      // Saves no longer throw (repo-adaptations/save-failures.ts): what the disk refused is asked here.
      const known = saveFailures.get(this.repo);
      const error = known?.failures.of(ids);
      if (error === undefined || !known) return undefined;
      this.#saveLater();
      return { error, dataDir: known.dataDir };
    });
    this.#saving = run.catch(() => undefined);
    return run;
  }

  #saveLater(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.save().catch(() => {});
    }, SAVE_RETRY_MS);
    // A host with nothing else to do may still stop: close() makes the last attempt.
    this.#retry.unref();
  }

  /** Writes every changed document to disk; throws the disk's error when it refused one (see save). */
  async flush(): Promise<void> {
    const unsaved = await this.save();
    if (unsaved) throw unsaved.error;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.flush().catch(() => {});
    // Handles still looking for an unreachable shard make shutdown's own
    // flush complain; everything that exists is already flushed above.
    await this.repo.shutdown().catch(() => {});
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : value && typeof (value as { val?: unknown }).val === "string" ? (value as { val: string }).val : undefined;

/**
 * The links the commune document was founded with: the first value its
 * history shows for each (shared/history/), so re-pointing "docs.proposals"
 * at an empty document later does not make the proposals vanish.
 */
function firstLinksOf(doc: A.Doc<unknown>): { proposals: string; inventory: string } | undefined {
  const current = linksOf(doc);
  const { indexes } = everyRecord(doc, PLACES.commune, () => A.getAllChanges(doc));
  const first = (name: "proposals" | "inventory") => indexes.get(`docs/${name}`)?.find((url) => automergeUrl.safeParse(url).success) ?? current?.[name];
  const proposals = first("proposals");
  const inventory = first("inventory");
  return proposals && inventory ? { proposals, inventory } : undefined;
}

function linksOf(doc: unknown): { proposals: string; inventory: string } | undefined {
  const docs = (doc as { docs?: { proposals?: unknown; inventory?: unknown } } | undefined)?.docs;
  const proposals = text(docs?.proposals);
  const inventory = text(docs?.inventory);
  return proposals && inventory ? { proposals, inventory } : undefined;
}

/** The shard index as plain strings; anything malformed in it is skipped (the reader reports it). */
function shardIndexOf(doc: unknown): Record<string, string> {
  const shards = (doc as { shards?: Record<string, unknown> } | undefined)?.shards;
  const index: Record<string, string> = {};
  if (!shards || typeof shards !== "object") return index;
  for (const [key, value] of Object.entries(shards)) {
    const url = text(value);
    if (url && isShardKey(key) && automergeUrl.safeParse(url).success) index[key] = url;
  }
  return index;
}
