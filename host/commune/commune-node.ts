import type { DocHandle, StorageId } from "@automerge/automerge-repo";
import type { CommuneView, PurseHistoryView, SyncStatusView } from "../../shared/commands/views";
import { SAVED_HISTORY_POINTS, ViewCache } from "./view-cache";
import { checkpointView, communeView, type ViewModel } from "./views";
import { communeRecords, communeState } from "../../shared/commune/commune-state";
import type { CommuneState } from "../../shared/commune/state";
import { readCommuneDoc, readProposalsDoc } from "../../shared/docs/documents";
import { checkpointOf, trustedCheckpoint, type SignedCheckpoint } from "../../shared/purse/checkpoint";
import { toStored } from "../../shared/docs/automerge-form";
import { periodOf } from "../../shared/docs/documents";
import { randomId, type PublicKey } from "../../shared/identity/keys";
import { sign, type Signed } from "../../shared/identity/signed";
import type { Genesis } from "../../shared/commune/genesis";
import type { Entry, SignedEntry } from "../../shared/purse/entry";
import { purse } from "../../shared/purse/balances";
import { purseHistory } from "../../shared/purse/history";
import { fail, ok, type Result } from "../../shared/result";
import { relayKeyOf } from "../../shared/sync/relay-handshake";
import type { StoredIdentity } from "../store/identity-store";
import type { CommuneRecord } from "../store/commune-index";
import { CommuneDocs } from "./commune-docs";
import { headsOf } from "./heads";
import { CommuneModelCache, type CommuneModel } from "./commune-model";
import type { RelayLink, RelayLinkFactory } from "./relay-link";
import type { HostCrypto } from "../signatures/host-crypto";

export interface NodeContext {
  dataDir: string;
  /** The host's one crypto value: every signature made or checked for this commune goes through it. */
  crypto: HostCrypto;
  identity: StoredIdentity;
  links: RelayLinkFactory;
  now: () => number;
}


/**
 * One commune on this member's machine: its documents, the model computed
 * from them, its relay links and its sync status. Writes go through one
 * queue, so two commands never validate against the same state and both
 * commit: each sees the documents as the previous one left them.
 */
export class CommuneNode {
  record: CommuneRecord;
  readonly docs: CommuneDocs;
  links: RelayLink[];
  #context: NodeContext;
  #cache: CommuneModelCache;
  #queue: Promise<unknown> = Promise.resolve();
  #listeners = new Set<() => void>();
  #lastSynced: number | undefined;
  /** Storage ids of every relay seen this run: a relay that went away still holds what it confirmed. */
  readonly #relayStorage = new Set<StorageId>();
  #loaded: Promise<void>;
  #isLoaded = false;
  #views: ViewCache;
  /** The commune without its purse, for the view shown while the purse loads; keyed by the small documents' heads. */
  #withoutPurse: { base: string; model: Omit<ViewModel, "purse"> | undefined; checkpoint: SignedCheckpoint | undefined } | undefined;

  /**
   * `loading` settles when the shards on this disk have loaded: until then
   * commands wait, and the commune's last views (cached on disk, keyed by the
   * documents' heads) stand in for what is still loading.
   */
  constructor(
    record: CommuneRecord,
    docs: CommuneDocs,
    links: RelayLink[],
    context: NodeContext,
    loading: Promise<void> = Promise.resolve(),
    views: ViewCache = new ViewCache(context.dataDir, record.id),
  ) {
    this.record = record;
    this.docs = docs;
    this.links = links;
    this.#context = context;
    this.#cache = new CommuneModelCache(context.crypto);
    this.#views = views;
    void this.#views.read();
    this.#loaded = loading
      .catch(() => undefined)
      // Signatures are checked while the saved view still answers, without holding the event loop.
      .then(() => this.#cache.prepare(docs))
      .catch(() => undefined)
      .then(() => {
        this.#isLoaded = true;
        this.#changed();
      });
    docs.watch(() => this.#changed());
    for (const link of links) this.#follow(link);
  }

  /** Resolves once the shards on this disk have loaded. */
  whenLoaded(): Promise<void> {
    return this.#loaded;
  }

  get loaded(): boolean {
    return this.#isLoaded;
  }

  /**
   * The commune's view at once: computed when everything is loaded, else the
   * view saved last time if the documents it was computed from are unchanged
   * (marked provisional), else, on a machine that has never counted this
   * purse (a newcomer), the newest signed checkpoint of an active member
   * (provisional, and saying whose count it is), else undefined (the caller
   * waits for whenLoaded).
   */
  async viewNow(): Promise<CommuneView | undefined> {
    if (this.#isLoaded) {
      const model = this.model();
      return model.ok ? this.#saveView(model.value) : undefined;
    }
    const cached = await this.#views.read();
    if (cached && cached.base === this.#baseVersion()) return { ...cached.view, provisional: true };
    if (cached) return undefined;
    this.#modelWithoutPurse();
    const { model, checkpoint } = this.#withoutPurse!;
    return model && checkpoint ? checkpointView(model, checkpoint, this.me, this.now()) : undefined;
  }

  /**
   * The commune's membership state: from the model once the purse is
   * loaded, else from the small documents alone, so listing communes does no
   * purse work (a model computed while shards load judges whatever is in).
   */
  membershipState(): CommuneState | undefined {
    if (!this.#isLoaded) return this.#modelWithoutPurse()?.state;
    const model = this.model();
    return model.ok ? model.value.state : undefined;
  }

  #modelWithoutPurse(): Omit<ViewModel, "purse"> | undefined {
    const base = this.#baseVersion();
    if (this.#withoutPurse?.base === base) return this.#withoutPurse.model;
    let model: Omit<ViewModel, "purse"> | undefined;
    const commune = readCommuneDoc(this.docs.commune.doc());
    const proposals = readProposalsDoc(this.docs.proposals.doc());
    if (commune.ok && proposals.ok) {
      const { doc } = proposals.value;
      const state = communeState(this.#context.crypto, communeRecords(commune.value.doc, doc), this.now(), this.id);
      if (state.ok) model = { id: this.id, state: state.value, proposals: doc, problems: state.value.problems };
    }
    // Read once per version of the small documents, not on every view while the purse loads.
    const checkpoint = model && trustedCheckpoint(this.#context.crypto, this.docs.commune.doc()?.checkpoints, this.id, model.state);
    this.#withoutPurse = { base, model, checkpoint };
    return model;
  }

  /**
   * Signs this machine's count of the purse into the commune document, for
   * newcomers to show until their own count is ready (shared/purse/checkpoint.ts).
   * Only from a complete model: a count of a purse still loading would be wrong.
   */
  async writeCheckpoint(model: CommuneModel): Promise<void> {
    if (!this.#isLoaded || this.docs.unloadedShards() > 0) return;
    const shards: Record<string, string[]> = {};
    for (const [key, handle] of this.docs.shards) shards[key] = [...headsOf(handle)];
    const checkpoint = sign(this.#context.crypto, "checkpoint", checkpointOf(this.id, this.now(), shards, model.purse, model.state), this.#context.identity.keys);
    this.docs.commune.change((doc) => {
      doc.checkpoints ??= {};
      doc.checkpoints[this.me] = toStored(checkpoint) as NonNullable<typeof doc.checkpoints>[string];
    });
    await this.persist();
  }

  /** Heads of the documents that are always loaded before the node exists; shards are covered by the saved view. */
  #baseVersion(): string {
    return [this.docs.commune, this.docs.proposals, this.docs.inventory].map((handle) => headsOf(handle).join(",")).join("|");
  }

  /**
   * The purse's balance over time from the history saved with the view, while
   * the purse is still loading and the documents it was computed from are
   * unchanged; else undefined (the caller waits for whenLoaded).
   */
  async historyNow(currency: string | undefined, points: number): Promise<PurseHistoryView[] | undefined> {
    if (this.#isLoaded || points !== SAVED_HISTORY_POINTS) return undefined;
    const cached = await this.#views.read();
    if (!cached?.history || cached.base !== this.#baseVersion()) return undefined;
    if (currency === undefined) return cached.history;
    const line = cached.history.find((saved) => saved.currency === currency);
    return line ? [line] : undefined;
  }

  #saveView(model: CommuneModel): CommuneView {
    const view = communeView(model, this.me, this.now());
    const history = () => Object.keys(model.purse.purse).map((currency) => ({ currency, points: purseHistory(model.purse.entries, currency, SAVED_HISTORY_POINTS) }));
    this.#views.write({ base: this.#baseVersion(), view, history });
    return view;
  }

  #follow(link: RelayLink): void {
    link.onStatus((status) => {
      // A relay coming back may hold shards we could not find while offline.
      if (status.state === "connected") void this.docs.discoverShards();
      this.#changed();
    });
  }

  /** Connects to the record's relays now: new ones join, dropped ones disconnect; the commune's shared relay list follows. */
  async setRelays(record: CommuneRecord, factory: RelayLinkFactory): Promise<void> {
    const network = this.docs.repo.networkSubsystem;
    for (const link of this.links.filter((l) => !record.relays.includes(l.url))) {
      network.removeNetworkAdapter(link.adapter);
      link.adapter.disconnect();
    }
    const kept = this.links.filter((l) => record.relays.includes(l.url));
    const fresh = CommuneNode.linksFor({ ...record, relays: record.relays.filter((url) => !kept.some((l) => l.url === url)) }, this.docs.genesis(), factory);
    for (const link of fresh) {
      this.#follow(link);
      network.addNetworkAdapter(link.adapter);
    }
    this.links = [...kept, ...fresh];
    this.record = record;
    this.docs.commune.change((doc) => {
      doc.relays.splice(0, doc.relays.length, ...record.relays.map((url) => toStored(url)));
    });
    await this.persist();
    this.#changed();
  }

  get id(): string {
    return this.record.id;
  }

  get me(): PublicKey {
    return this.#context.identity.keys.publicKey;
  }

  now(): number {
    return this.#context.now();
  }

  static linksFor(record: CommuneRecord, genesis: Signed<Genesis> | undefined, factory: RelayLinkFactory): RelayLink[] {
    const relayKey = relayKeyOf(record.secret);
    return record.relays.map((url) => factory({ url, commune: record.id, relayKey, genesis }));
  }

  model(): Result<CommuneModel> {
    return this.#cache.compute(this.docs, this.record.id, this.#context.now());
  }

  /** Listens for anything that may change what this commune's views show. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Runs one write after every earlier one has finished, whatever their outcome. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => this.#loaded).then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Waits until every change is on disk: a command reports success only after this. */
  async persist(): Promise<void> {
    await this.docs.flush();
  }

  /**
   * Signs a purse entry, checks it with the same rules every member applies
   * (it must count: not overdrawn, not beyond the spend limit without a
   * passed proposal), then appends it to this member's shard for its year.
   */
  async appendEntry(fields: Omit<Entry, "commune" | "id" | "at">): Promise<Result<{ id: string }>> {
    return this.exclusive(async () => {
      const model = this.model();
      if (!model.ok) return fail(model.error);
      const at = this.now();
      const entry: SignedEntry = sign(this.#context.crypto, "entry", { ...fields, commune: this.id, id: randomId(), at } as Entry, this.#context.identity.keys);
      const next = { entry, shardOwner: this.me };
      // The new entry is almost always the newest: judge it against the
      // running ledger; only an entry that would land earlier replays all.
      const judged =
        model.value.ledger.preview(next) ?? purse(this.#context.crypto, [...model.value.entries, next], model.value.state).entries.find((view) => view.entry === entry);
      if (!judged || judged.status !== "counted") return fail(`Not recorded: the ${fields.kind} would not count (${judged?.reason ?? "the commune's rules refuse it"}).`);
      const shard = await this.docs.ownShard(this.me, periodOf(at), this.id);
      shard.change((doc) => {
        doc.entries.push(toStored(entry) as (typeof doc.entries)[number]);
      });
      await this.persist();
      return ok({ id: entry.id });
    });
  }

  /** Relays, peers, when everything last matched a relay, and how many documents still have changes to send. */
  syncStatus(): SyncStatusView {
    const repo = this.docs.repo;
    const connected = repo.peers.map((peer) => repo.getStorageIdOfPeer(peer)).filter((id): id is StorageId => id !== undefined);
    for (const id of connected) this.#relayStorage.add(id);
    // Waiting means "not yet on any relay": a document a relay confirmed before
    // it went offline is not waiting, so going offline alone changes nothing.
    const relayStorage = [...this.#relayStorage];
    // A shard the commune document lists but this machine has not loaded is
    // waiting too: until it arrives, balances here are missing its entries.
    let waiting = this.docs.unloadedShards();
    // With no relay there is nowhere to send anything: nothing is waiting to go out.
    if (this.links.length > 0) {
      for (const handle of this.docs.allHandles()) {
        if (!confirmedByRelay(handle, relayStorage)) waiting++;
      }
    }
    if (waiting === 0 && connected.length > 0) this.#lastSynced = this.now();
    const view: SyncStatusView = { commune: this.id, relays: this.links.map((link) => link.status()), peers: repo.peers.length, waiting };
    if (this.#lastSynced !== undefined) view.lastSynced = this.#lastSynced;
    return view;
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    if (this.#isLoaded) {
      const model = this.model();
      if (model.ok) this.#saveView(model.value);
    }
    await this.#views.flush();
    this.#listeners.clear();
    await this.docs.close();
  }
}

function confirmedByRelay(handle: DocHandle<unknown>, relayStorage: StorageId[]): boolean {
  const local = [...headsOf(handle)].sort().join(",");
  return relayStorage.some((storageId) => {
    const remote = handle.getSyncInfo(storageId)?.lastHeads;
    return remote !== undefined && [...remote].sort().join(",") === local;
  });
}
