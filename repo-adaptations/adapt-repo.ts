import type { Repo } from "@automerge/automerge-repo";
import { loadWithoutPatches, type RemoteSnapshots } from "./patchless-load";
import { resyncRejoiningPeers } from "./resync-rejoining-peers";
import { installSyncRate } from "./sync-rate";

/**
 * Everything Commune changes about an automerge-repo Repo past its public
 * options, in the one call the host and the relay make right after creating
 * a Repo (before it has opened a document): the patchless loader on this
 * Repo's storage; the sync rate, which automerge-repo only lets us set for
 * the whole process (sync-rate.ts says why); and, for a Repo that announces
 * no documents (the relay's), a fresh sync state for a peer that reconnects
 * (resync-rejoining-peers.ts). docs/ARCHITECTURE.md,
 * "automerge-repo adaptations", lists them with the tests that guard them.
 *
 * Each says whether it is in place; one that is not leaves the library's own
 * behaviour, slower but correct.
 */
export interface Adaptations {
  syncRate: boolean;
  patchlessLoad: boolean;
  /** Only for a Repo made with `announces: false`; the others resync on reconnect by themselves. */
  resyncRejoiningPeers: boolean;
}

export interface AdaptOptions {
  /** Where the patchless loader may ask for whole documents (the host's relays). */
  remote?: RemoteSnapshots;
  /** False when the Repo's share policy announces nothing (the relay's). */
  announces?: boolean;
}

export function adaptRepo(repo: Repo, options: AdaptOptions = {}): Adaptations {
  return {
    syncRate: installSyncRate(),
    patchlessLoad: loadWithoutPatches(repo, options.remote),
    resyncRejoiningPeers: options.announces === false && resyncRejoiningPeers(repo),
  };
}
