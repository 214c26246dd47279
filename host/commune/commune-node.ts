import { shareKeysFor } from "../sync/share-keys";
import type { CommuneView, NoticeView, PurseHistoryView, SyncStatusView } from "../../shared/commands/views";
import type { CommuneState } from "../../shared/commune/state";
import type { Genesis } from "../../shared/commune/genesis";
import type { PublicKey } from "../../shared/identity/keys";
import type { Signed } from "../../shared/identity/signed";
import { ok, type Result } from "../../shared/result";
import { relayKeyOf } from "../../shared/sync/relay-handshake";
import type { StoredIdentity } from "../store/identity-store";
import type { CommuneRecord } from "../store/commune-index";
import type { CommuneDocs } from "./commune-docs";
import { CommuneModelCache, type CommuneModel } from "./commune-model";
import { ProvisionalViews } from "./provisional-views";
import type { PrivateLinkContext, RelayLink, RelayLinkFactory } from "./relay-link";
import { SyncStatus } from "./sync-status";
import { ViewCache } from "./view-cache";
import type { HostCrypto } from "../signatures/host-crypto";
import type { Verifier } from "../../shared/identity/crypto";
import { join } from "node:path";
import type { HistoryScans } from "../history/history-scans";
import { LastSyncedFile } from "./last-synced";
import type { Repo } from "@automerge/automerge-repo";
import { OperationCounts } from "../../repo-adaptations/held-operations";
import { noticesOf, ReadNotices } from "./notices";
import { EpochRotation } from "./epoch-rotation";
import { MovingOver, type MoveOverKeys } from "./moving-over";

export interface NodeContext {
  dataDir: string;
  /** The host's one crypto value: every signature made or checked for this commune goes through it. */
  crypto: HostCrypto;
  /** The host's worker threads for full history scans (../history/history-scans.ts). */
  history: HistoryScans;
  identity: StoredIdentity;
  links: RelayLinkFactory;
  now: () => number;
  /** What a private commune's relay links are made with; undefined (or absent) for a plaintext commune. */
  privateLink?: (commune: string) => PrivateLinkContext | undefined;
  /** Makes and opens a moved commune's first epoch (host/commune/moving-over.ts); absent: a plaintext commune stays plaintext. */
  moveOver?: MoveOverKeys;
  /** Where a failed load is reported, one line for a person; stderr unless a test listens. */
  log?: (line: string) => void;
}

/**
 * One commune on this member's machine: its documents, the model computed
 * from them, its relay links and its write queue. Writes go through one
 * queue (writer.ts), so two commands never validate against the same state
 * and both commit: each sees the documents as the previous one left them.
 * What it shows while loading is provisional-views.ts; its sync status is
 * sync-status.ts.
 */
export class CommuneNode {
  record: CommuneRecord;
  readonly docs: CommuneDocs;
  links: RelayLink[];
  #context: NodeContext;
  #cache: CommuneModelCache;
  #queue: Promise<unknown> = Promise.resolve();
  #listeners = new Set<() => void>();
  #loaded: Promise<void>;
  #isLoaded = false;
  #readsAhead = false;
  #readingAhead = false;
  #readAheadAgain = false;
  readonly #views: ProvisionalViews;
  readonly #sync = new SyncStatus();
  readonly #lastSynced: LastSyncedFile;
  readonly #readNotices: ReadNotices;
  #rotation: EpochRotation | undefined;
  #unfollowRefused: (() => void) | undefined;
  #movingOver: MovingOver | undefined;

  /**
   * `loading` settles when the shards on this disk have loaded: until then
   * commands wait, and the commune's last views (cached on disk, keyed by the
   * documents' heads) stand in for what is still loading. A load or check
   * that fails is logged and shown in the sync status; the node then serves
   * whatever did load, as before.
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
    this.#views = new ProvisionalViews(this, views);
    this.#lastSynced = new LastSyncedFile(context.dataDir, record.id);
    this.#readNotices = new ReadNotices(context.dataDir, record.id);
    const lastSynced = this.#lastSynced.read();
    if (lastSynced !== undefined) this.#sync.restore(lastSynced);
    // A document's history scan (when it is not its whole history) runs in the host's workers and is kept beside the documents.
    docs.history.useWorkers(context.history, join(context.dataDir, "communes", record.id, "history-scans"));
    this.#loaded = loading
      .catch((error: unknown) => this.#loadFailed("could not load its documents", error))
      // Signatures are checked, and histories scanned, while the saved view still answers, without holding the event loop.
      .then(() => this.#cache.prepare(docs))
      .then(() => this.#cache.ready(docs))
      .catch((error: unknown) => this.#loadFailed("could not check its documents", error))
      .then(() => {
        this.#isLoaded = true;
        this.#changed();
      });
    docs.watch(() => {
      if (this.#readsAhead && !this.#isLoaded) this.#readAhead();
      this.#changed();
    });
    for (const link of links) this.#follow(link);
    // A private commune starts a new epoch when a member it was sealed to is gone (epoch-rotation.ts).
    const privateLink = context.privateLink?.(record.id);
    if (privateLink) this.#privately(privateLink);
    // A plaintext commune made before issue 13 (not plaintext by choice) moves to private once its founder's host makes epoch 1 (moving-over.ts).
    // A member who joined it with this version (`joinedPlaintext`) only adopts a first epoch: the commune may be plaintext by choice.
    else if (context.moveOver && record.plaintext !== true)
      this.#movingOver = new MovingOver(this, context.moveOver, this.#loaded, { mayMake: record.joinedPlaintext !== true });
  }

  /**
   * A newcomer's purse arrives from its relays one shard at a time, each
   * whole and loaded on this thread: from now until it is loaded, each shard
   * that is in is read and its signatures checked in the workers at once.
   * Without it every check started once the last shard was in (and a private
   * link had read the log to its end), and the other core waited meanwhile.
   * Not for shards opened from this disk, which are read as they load, in
   * steps: `loading` settles once they are whole.
   */
  readAheadWhileLoading(): void {
    this.#readsAhead = true;
    if (!this.#isLoaded) this.#readAhead();
  }

  /** One read at a time; a change during one asks for one more. */
  #readAhead(): void {
    if (this.#readingAhead) {
      this.#readAheadAgain = true;
      return;
    }
    this.#readingAhead = true;
    void this.#cache
      .readAhead(this.docs)
      // What failed here is done again by the load's own prepare, which reports it.
      .catch(() => undefined)
      .finally(() => {
        this.#readingAhead = false;
        if (!this.#readAheadAgain || this.#isLoaded) return;
        this.#readAheadAgain = false;
        this.#readAhead();
      });
  }

  #privately(context: PrivateLinkContext): void {
    this.#rotation = new EpochRotation(this, context);
    // A batch a relay link refused, like a record the rules refuse, is shown among the commune's problems.
    this.#unfollowRefused = context.refused.onChange(() => this.#changed());
  }

  /**
   * A plaintext commune turned private on this machine (moving-over.ts):
   * private links to its relays join the plaintext ones, which stay while
   * the relays still serve the plaintext copy (members on the plaintext
   * protocol learn the first epoch there); the rotation starts.
   */
  goPrivate(context: PrivateLinkContext): void {
    if (this.#rotation) return;
    const fresh = CommuneNode.linksFor(this.record, this.docs.genesis(), this.#context.links, () => this.docs.repo, context);
    for (const link of fresh) {
      this.#follow(link);
      this.docs.repo.networkSubsystem.addNetworkAdapter(link.adapter);
    }
    this.links = [...this.links, ...fresh];
    this.#privately(context);
    this.#changed();
  }

  #loadFailed(what: string, error: unknown): void {
    const problem = `${this.record.name} ${what}: ${error instanceof Error ? error.message : String(error)}`;
    if (this.#sync.loadProblem === undefined) this.#sync.loadFailed(problem);
    (this.#context.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`commune ${this.id}: ${problem}`);
  }

  /**
   * Resolves once the shards on this disk have loaded (or failed to: then
   * sync.status says why), and the documents' histories as they are now
   * have been read, so model() scans nothing on this thread.
   */
  whenLoaded(): Promise<void> {
    return this.#loaded.then(() => this.ready());
  }

  /** Resolves when every document's current version has had its history read (scanned in a worker when it needed a scan). */
  ready(): Promise<void> {
    return this.#cache.ready(this.docs);
  }

  get loaded(): boolean {
    return this.#isLoaded;
  }

  /** The commune's view at once, provisional while the purse loads (provisional-views.ts); undefined: wait for whenLoaded. */
  viewNow(): Promise<CommuneView | undefined> {
    return this.#views.viewNow().then((view) => view && this.withSyncProblems(view));
  }

  /**
   * The view with what a private commune's sync refused added to its
   * problems: child epochs that do not count by the signed history
   * (EpochKeyring.refusedEpochs), and items a relay link did not apply
   * (tampered, replayed, or by an author who could not write under their
   * epoch). They are not in the documents, so the model does not list them.
   */
  withSyncProblems(view: CommuneView): CommuneView {
    const context = this.#context.privateLink?.(this.id);
    if (!context) return view;
    const problems = [
      ...context.keyring.refusedEpochs().map(({ id, reason }) => ({ subject: "epoch", id, reason })),
      ...context.refused.list().map(({ subject, id, by, reason }) => ({ subject, id, ...(by !== undefined ? { by } : {}), reason })),
    ];
    return problems.length === 0 ? view : { ...view, problems: [...view.problems, ...problems] };
  }

  /** The commune's membership state, from the small documents alone while the purse loads. */
  membershipState(): CommuneState | undefined {
    return this.#views.membershipState();
  }

  /** The purse's history saved with the last view, while the purse loads; undefined: wait for whenLoaded. */
  historyNow(currency: string | undefined, points: number): Promise<PurseHistoryView[] | undefined> {
    return this.#views.historyNow(currency, points);
  }

  #follow(link: RelayLink): void {
    // Offline across the move: the relay refuses the plaintext handshake with the chain of epochs (moving-over.ts).
    link.onNowPrivate?.((records) => void this.#movingOver?.fromChain(records));
    // The relay deleted its plaintext copy: the plaintext link to it has nothing left to sync.
    link.onForgotten?.(() => this.#dropPlaintextLink(link.url));
    link.onStatus((status) => {
      // A relay coming back may hold shards we could not find while offline.
      if (status.state === "connected") void this.docs.discoverShards();
      this.#changed();
    });
  }

  #dropPlaintextLink(url: string): void {
    const plaintext = this.links.filter((link) => link.url === url && link.onNowPrivate !== undefined);
    if (plaintext.length === 0) return;
    for (const link of plaintext) {
      this.docs.repo.networkSubsystem.removeNetworkAdapter(link.adapter);
      link.adapter.disconnect();
    }
    this.links = this.links.filter((link) => !plaintext.includes(link));
    this.#changed();
  }

  /** Connects to the record's relays now: new ones join, dropped ones disconnect. The shared relay list is written by writer.ts. */
  setRelays(record: CommuneRecord, factory: RelayLinkFactory): void {
    const network = this.docs.repo.networkSubsystem;
    for (const link of this.links.filter((l) => !record.relays.includes(l.url))) {
      network.removeNetworkAdapter(link.adapter);
      link.adapter.disconnect();
    }
    const kept = this.links.filter((l) => record.relays.includes(l.url));
    const fresh = CommuneNode.linksFor(
      { ...record, relays: record.relays.filter((url) => !kept.some((l) => l.url === url)) },
      this.docs.genesis(),
      factory,
      () => this.docs.repo,
      this.#context.privateLink?.(record.id),
    );
    for (const link of fresh) {
      this.#follow(link);
      network.addNetworkAdapter(link.adapter);
    }
    this.links = [...kept, ...fresh];
    this.record = record;
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

  /** What checks the signatures of this commune's records. */
  get verifier(): Verifier {
    return this.#context.crypto;
  }

  /** `repo` is the commune's Repo once it exists (links are made before it, to be its network). */
  static linksFor(
    record: CommuneRecord,
    genesis: Signed<Genesis> | undefined,
    factory: RelayLinkFactory,
    repo: () => Repo | undefined,
    privateLink?: PrivateLinkContext,
  ): RelayLink[] {
    const relayKey = relayKeyOf(record.secret);
    const counts = new OperationCounts(repo);
    const held = (documentId: string) => counts.held(documentId);
    // The documents shared with partners are sealed under their share keys (host/sync/share-keys.ts).
    const privately = privateLink ? { private: { ...privateLink, repo, shares: shareKeysFor(repo, privateLink) } } : {};
    return record.relays.map((url) => factory({ url, commune: record.id, relayKey, genesis, held, ...privately }));
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

  /** Runs one write after every earlier one has finished, whatever their outcome; only writer.ts calls it. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue
      .then(() => this.#loaded)
      .then(() => this.ready())
      .then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Waits until every change is on disk. */
  async persist(): Promise<void> {
    await this.docs.flush();
  }

  /** Relays, peers, when everything last matched a relay, how many documents still have changes to send, a failed load, and unread notices. */
  syncStatus(): SyncStatusView {
    const view = this.#sync.view(this.id, this.docs, this.links, this.now());
    if (view.lastSynced !== undefined) this.#lastSynced.remember(view.lastSynced);
    view.notices = this.#notices();
    return view;
  }

  /** What happened to my own entries after I wrote them, unread; none while the commune loads (the saved view has no verdicts to tell). */
  #notices(): NoticeView[] {
    if (!this.#isLoaded) return [];
    const model = this.model();
    return model.ok ? noticesOf(model.value.ledger.uncounted(), this.me, model.value.state, this.#readNotices.read) : [];
  }

  /** Marks notices read (all unread ones without `ids`); the views that show them are told. */
  async markNoticesRead(ids: readonly string[] | undefined): Promise<Result<{ read: number }>> {
    const marked = await this.#readNotices.mark(ids ?? this.#notices().map((notice) => notice.id));
    if (!marked.ok) return marked;
    if (marked.value > 0) this.#changed();
    return ok({ read: marked.value });
  }

  async close(): Promise<void> {
    this.#movingOver?.close();
    this.#rotation?.close();
    this.#unfollowRefused?.();
    await this.#queue.catch(() => undefined);
    if (this.#isLoaded) {
      await this.ready();
      const model = this.model();
      if (model.ok) this.#views.save(model.value);
    }
    await this.#views.flush();
    // Whether everything matched a relay at the end of this run is what the next one, perhaps offline, reports.
    this.syncStatus();
    await this.#lastSynced.flush();
    this.#listeners.clear();
    await this.docs.close();
  }
}
