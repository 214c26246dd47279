import type { DocHandle, StorageId } from "@automerge/automerge-repo";
import type { SyncStatusView } from "../../shared/commands/views";
import type { CommuneDocs } from "./commune-docs";
import { headsOf } from "./heads";
import type { RelayLink } from "./relay-link";

/**
 * A commune's sync status: its relays, peers, when everything last matched
 * a relay, how many documents still have changes to send, and why its
 * documents failed to load here, if they did.
 */
export class SyncStatus {
  /** Storage ids of every relay seen this run: a relay that went away still holds what it confirmed. */
  readonly #relayStorage = new Set<StorageId>();
  #lastSynced: number | undefined;
  #loadProblem: string | undefined;

  /** Records why loading failed: shown in sync.status until the node is opened again. */
  loadFailed(problem: string): void {
    this.#loadProblem = problem;
  }

  /** A time everything matched a relay in an earlier run (kept on disk), unless this run knows a later one. */
  restore(lastSynced: number): void {
    if (this.#lastSynced === undefined || lastSynced > this.#lastSynced) this.#lastSynced = lastSynced;
  }

  get loadProblem(): string | undefined {
    return this.#loadProblem;
  }

  view(id: string, docs: CommuneDocs, links: readonly RelayLink[], now: number): SyncStatusView {
    const repo = docs.repo;
    const connected = repo.peers.map((peer) => repo.getStorageIdOfPeer(peer)).filter((storage): storage is StorageId => storage !== undefined);
    for (const storage of connected) this.#relayStorage.add(storage);
    // Waiting means "not yet on any relay": a document a relay confirmed before
    // it went offline is not waiting, so going offline alone changes nothing.
    const relayStorage = [...this.#relayStorage];
    // A shard the commune document lists but this machine has not loaded is
    // waiting too: until it arrives, balances here are missing its entries.
    let waiting = docs.unloadedShards();
    // With no relay there is nowhere to send anything: nothing is waiting to go out.
    if (links.length > 0) {
      for (const handle of docs.allHandles()) {
        if (!confirmedByRelay(handle, relayStorage) && !links.some((link) => link.holds?.(handle))) waiting++;
      }
    }
    // In sync only while a relay link is up: the Repo may list a relay's peer for a moment after its socket died, and "last synced 3 seconds ago" offline is a lie.
    const linked = links.some((link) => link.status().state === "connected");
    // A private commune's links are no Repo peers: being connected is their say.
    const privatelyLinked = links.some((link) => link.holds !== undefined && link.status().state === "connected");
    if (waiting === 0 && (connected.length > 0 || privatelyLinked) && linked) this.#lastSynced = now;
    const view: SyncStatusView = { commune: id, relays: links.map((link) => link.status()), peers: repo.peers.length, waiting, notices: [] };
    if (this.#lastSynced !== undefined) view.lastSynced = this.#lastSynced;
    if (this.#loadProblem !== undefined) view.loadProblem = this.#loadProblem;
    return view;
  }
}

function confirmedByRelay(handle: DocHandle<unknown>, relayStorage: StorageId[]): boolean {
  const local = [...headsOf(handle)].sort().join(",");
  return relayStorage.some((storageId) => {
    const remote = handle.getSyncInfo(storageId)?.lastHeads;
    return remote !== undefined && [...remote].sort().join(",") === local;
  });
}
