import type { Repo } from "@automerge/automerge-repo";
import { loadWithoutPatches, type RemoteSnapshots } from "./patchless-load";
import { installSyncRate } from "./sync-rate";

/**
 * Everything Commune changes about an automerge-repo Repo past its public
 * options, in the one call the host and the relay make right after creating
 * a Repo (before it has opened a document): the patchless loader on this
 * Repo's storage, and the sync rate, which automerge-repo only lets us set
 * for the whole process (sync-rate.ts says why). docs/ARCHITECTURE.md,
 * "automerge-repo adaptations", lists them with the tests that guard them.
 *
 * Each says whether it is in place; one that is not leaves the library's own
 * behaviour, slower but correct.
 */
export interface Adaptations {
  syncRate: boolean;
  patchlessLoad: boolean;
}

export function adaptRepo(repo: Repo, remote?: RemoteSnapshots): Adaptations {
  return { syncRate: installSyncRate(), patchlessLoad: loadWithoutPatches(repo, remote) };
}
