import { commandErrorOf, parseCommand, type CommandError, type CommandName, type CommandOutcome } from "../shared/commands/commands";
import { surviveAutomergeRepoTimeouts } from "./library-timeouts";
import type { EmbeddedRelayView } from "../shared/commands/views";
import { COMMUNE_VERSION } from "./app-version";
import { fail, ok, type Result } from "../shared/result";
import { communeCommands } from "./commands/commune-commands";
import type { Handler, HostContext, ProgressReporter } from "./commands/context";
import { inventoryCommands } from "./commands/inventory-commands";
import { partnerCommands } from "./commands/partner-commands";
import { exchangeCommands } from "./commands/exchange-commands";
import { privacyCommands } from "./commands/privacy-commands";
import { membershipCommands } from "./commands/membership-commands";
import { proposalCommands } from "./commands/proposal-commands";
import { discussionCommands } from "./commands/discussion-commands";
import { outcomeCommands } from "./commands/outcome-commands";
import { purseCommands } from "./commands/purse-commands";
import { snapshotCommands } from "./commands/snapshot-commands";
import { loadCommuneIndex, saveCommuneIndex, type CommuneRecord } from "./store/commune-index";
import { CommuneDocs } from "./commune/commune-docs";
import { CommuneNode, type NodeContext } from "./commune/commune-node";
import { RosterWatch } from "./commune/roster-watch";
import { PartnerReading } from "./commune/partner-reading";
import { ViewCache } from "./commune/view-cache";
import { PrivateCommunes } from "./commune/private-communes";
import type { RelayLinkFactory } from "./commune/relay-link";
import { EmbeddedRelay, type RelayPlace, type StartRelay } from "./embedded-relay";
import { openHostCrypto, type HostCrypto } from "./signatures/host-crypto";
import { HistoryScans, type HistoryScanOptions } from "./history/history-scans";
import { identityView, loadOrCreateIdentity, saveIdentity, type StoredIdentity } from "./store/identity-store";
import { diskRefusalOf, unsavedProblem } from "./store/disk-refusal";
import { isPlaintextGenesis } from "../shared/privacy/moving-over";

export interface HostOptions {
  dataDir: string;
  links: RelayLinkFactory;
  now?: () => number;
  /** How long joining waits for the commune to arrive from its relays. */
  joinTimeoutMs?: number;
  /** How the embedded relay starts; defaults to relay/'s startRelay, loaded only when a relay is asked for. */
  startRelay?: StartRelay;
  /** The history-scan workers' settings (tests give a failing worker, or a short timeout). */
  history?: HistoryScanOptions;
}

/** Commands that change what views outside a single commune show: the list of communes, the identity, relays, the embedded relay. */
const HOST_CHANGES: ReadonlySet<CommandName> = new Set<CommandName>([
  "identity.rename",
  "commune.create",
  "commune.join",
  "commune.leave",
  "commune.relays",
  "relay.host",
  "relay.stop",
]);

/**
 * A member's node: their identity, the communes they belong to, and the one
 * command set every front end (CLI, desktop app, browser mode) goes through.
 * Commands are validated at the edge (parseCommand), then handled by one
 * module per area over the shared/ rules.
 */
export class Host implements HostContext {
  readonly dataDir: string;
  readonly options: HostOptions;
  identity: StoredIdentity;
  readonly index: Map<string, CommuneRecord>;
  readonly nodes = new Map<string, CommuneNode>();
  /** Per commune, what keeps the rosters in its partners' shared documents current (./commune/roster-watch.ts). */
  readonly #rosterWatches = new Map<string, RosterWatch>();
  /** Reads each active partner now and then, so its answers, end and moves are filed without a member asking (./commune/partner-reading.ts). */
  readonly partnerReading = new PartnerReading(this);
  #handlers: { [K in CommandName]: Handler<K> };
  /** Built once at open and passed down: every signature this host makes or checks goes through it. */
  readonly crypto: HostCrypto;
  /** The worker threads that scan a tampered document's full history, off the thread that answers (history/history-scans.ts). */
  readonly history: HistoryScans;
  readonly relay: EmbeddedRelay;
  /** The communes whose epoch keys this machine holds, which sync with their relays privately (issue 13). */
  readonly privateCommunes: PrivateCommunes;
  #changeListeners = new Set<() => void>();

  private constructor(options: HostOptions, crypto: HostCrypto, identity: StoredIdentity, index: Map<string, CommuneRecord>) {
    this.crypto = crypto;
    this.history = new HistoryScans(options.history);
    this.dataDir = options.dataDir;
    this.options = options;
    this.identity = identity;
    this.index = index;
    this.relay = new EmbeddedRelay(options.dataDir, options.startRelay);
    // Epochs and batch authors are judged by the membership the commune's model holds (the one its rotation reads).
    this.privateCommunes = new PrivateCommunes(
      options.dataDir,
      crypto,
      () => this.identity.keys,
      (commune) => this.nodes.get(commune)?.membershipState()?.members,
      (commune) => {
        const genesis = this.nodes.get(commune)?.docs.genesis();
        return genesis !== undefined && isPlaintextGenesis(genesis);
      },
    );
    this.#handlers = {
      "identity.show": async () => ok(this.identityView()),
      "identity.rename": async (input) => this.rename(input.name),
      "host.info": async () => {
        const embeddedRelay = this.relay.view();
        return ok({ dataDir: this.dataDir, version: COMMUNE_VERSION, ...(embeddedRelay ? { embeddedRelay } : {}) });
      },
      "relay.host": async (input) => this.hostRelay({ port: input.port, host: input.lan ? "0.0.0.0" : "127.0.0.1" }),
      "relay.stop": async () => ok({ stopped: await this.relay.stop() }),
      "sync.status": async (input) => {
        const node = this.node(input.commune);
        return node.ok ? ok(node.value.syncStatus()) : node;
      },
      "notices.read": async (input) => {
        const node = this.node(input.commune);
        return node.ok ? node.value.markNoticesRead(input.ids) : node;
      },
      ...communeCommands,
      ...membershipCommands,
      ...purseCommands,
      ...proposalCommands,
      ...discussionCommands,
      ...outcomeCommands,
      ...inventoryCommands,
      ...partnerCommands,
      ...exchangeCommands,
      ...privacyCommands,
      ...snapshotCommands,
    };
  }

  static async open(options: HostOptions): Promise<Host> {
    surviveAutomergeRepoTimeouts();
    const crypto = openHostCrypto(options.dataDir);
    const { identity } = await loadOrCreateIdentity(options.dataDir, crypto);
    const index = await loadCommuneIndex(options.dataDir);
    const host = new Host(options, crypto, identity, index);
    try {
      for (const record of index.values()) await host.openNode(record);
    } catch (error) {
      await host.close();
      throw error;
    }
    await crypto.flush();
    return host;
  }

  get keys() {
    return this.identity.keys;
  }

  get links(): RelayLinkFactory {
    return this.options.links;
  }

  get joinTimeoutMs(): number {
    return this.options.joinTimeoutMs ?? 30_000;
  }

  name(): string {
    return this.identity.name;
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  nodeContext(): NodeContext {
    return {
      dataDir: this.dataDir,
      crypto: this.crypto,
      history: this.history,
      identity: this.identity,
      links: this.options.links,
      now: () => this.now(),
      privateLink: (commune) => this.privateCommunes.linkContext(commune),
      moveOver: this.privateCommunes,
    };
  }

  node(commune: string): Result<CommuneNode> {
    const node = this.nodes.get(commune);
    return node ? ok(node) : fail("commune.notAMember", `You do not belong to a commune with id ${commune}. "commune list" shows yours.`, { field: "commune" });
  }

  /** Opens a commune this machine already holds; its relays connect in the background. */
  async openNode(record: CommuneRecord, signal?: AbortSignal): Promise<CommuneNode> {
    // Open from disk first, then connect: the genesis read from disk lets any
    // of the commune's relays be registered, and offline opens at once.
    const repo = CommuneDocs.repoFor(this.dataDir, record.id, []);
    try {
      const docs = await CommuneDocs.open(repo, record.doc, signal);
      // The saved view is read before any shard starts loading: each shard
      // load holds the event loop for a while, and the first commune.show
      // should not wait behind one.
      const views = new ViewCache(this.dataDir, record.id);
      await views.read();
      // Shards on this disk start loading before any network exists, so they
      // never wait on a relay; until they are in, the saved view stands in.
      // Shards not on this disk are found once relays connect.
      // On the next turn, for the same reason (see CommuneDocs.watch).
      const loading = new Promise<void>((resolve) => setImmediate(resolve)).then(() => docs.discoverShards());
      const privateLink = await this.privateCommunes.open(record.id);
      const links = CommuneNode.linksFor(record, docs.genesis(), this.options.links, () => repo, privateLink);
      const connect = () => {
        for (const link of links) repo.networkSubsystem.addNetworkAdapter(link.adapter);
      };
      void loading.then(connect, connect);
      const node = new CommuneNode(record, docs, links, this.nodeContext(), loading, views);
      this.addNode(node);
      this.#changed();
      return node;
    } catch (error) {
      await repo.shutdown().catch(() => {});
      throw error;
    }
  }

  addNode(node: CommuneNode): void {
    this.nodes.set(node.id, node);
    this.#rosterWatches.get(node.id)?.close();
    this.#rosterWatches.set(node.id, new RosterWatch(this, node));
  }

  async remember(record: CommuneRecord): Promise<void> {
    this.index.set(record.id, record);
    await saveCommuneIndex(this.dataDir, this.index);
  }

  identityView() {
    return identityView(this.identity);
  }

  async rename(name: string) {
    const trimmed = name.trim();
    if (trimmed === "") return fail<ReturnType<Host["identityView"]>>("identity.noName", "Your name cannot be empty.", { field: "name" });
    this.identity = { ...this.identity, name: trimmed };
    await saveIdentity(this.dataDir, this.identity);
    return ok(this.identityView());
  }

  /** Starts the embedded relay (the relay.host command, or the daemon's --relay-port). */
  async hostRelay(place: RelayPlace): Promise<Result<EmbeddedRelayView>> {
    const started = await this.relay.start(place);
    if (started.ok) this.#changed();
    return started;
  }

  /**
   * Listens for changes outside any one commune's documents (communes
   * joined, created or left, the identity renamed, relays changed, the
   * embedded relay started or stopped): views such as commune.list and
   * host.info may show something new. Each commune's own changes come from
   * its CommuneNode's subscribe().
   */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#changeListeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the command that changed things has succeeded.
      }
    }
  }

  /** Runs one command from any front end: validated, handled, and answered in one error shape. */
  async run(name: unknown, input: unknown, options: { onProgress?: ProgressReporter } = {}): Promise<CommandOutcome<CommandName>> {
    const parsed = parseCommand(name, input);
    if (!parsed.ok) return parsed;
    const handler = this.#handlers[parsed.name] as Handler<CommandName>;
    try {
      const result = await handler(parsed.input as never, this, options.onProgress ?? (() => {}));
      // Verdicts are a shortcut, written in the background (close() waits for them): an answer that waited for the write waited
      // behind whatever the disk was doing, a newcomer's shards being stored included (seconds for its first look at the commune).
      void this.crypto.flush();
      if (result.ok && HOST_CHANGES.has(parsed.name)) this.#changed();
      return result.ok ? { ok: true, value: result.value } : { ok: false, error: commandErrorOf(result.error) };
    } catch (error) {
      // A change to the commune's documents that the disk refuses is answered by the writer (kept, saved later);
      // any other file the disk refuses (identity, list of communes, an export) leaves the outcome unknown.
      const refusal = await diskRefusalOf(error, this.dataDir);
      const failure: CommandError = refusal
        ? commandErrorOf(unsavedProblem(refusal))
        : {
            kind: "internal",
            code: "host.internal",
            message: `Something went wrong in the host: ${error instanceof Error ? error.message : String(error)}`,
          };
      return { ok: false, error: failure };
    }
  }

  async close(): Promise<void> {
    this.#changeListeners.clear();
    await this.relay.stop();
    this.partnerReading.close();
    for (const watch of this.#rosterWatches.values()) watch.close();
    this.#rosterWatches.clear();
    for (const node of this.nodes.values()) await node.close();
    this.nodes.clear();
    await this.crypto.flush();
    await this.crypto.close();
    await this.history.close();
  }
}
