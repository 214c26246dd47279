import { Repo, type AutomergeUrl, type DocHandle } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { join } from "node:path";
import type { StoredCommune, StoredProposals, StoredShard } from "../../host/commune/commune-docs";
import { loadCommuneIndex } from "../../host/store/commune-index";
import { loadIdentity } from "../../host/store/identity-store";
import { fromStored } from "../../shared/docs/automerge-form";
import { nobleSigner } from "../../shared/identity/crypto";
import type { KeyPair } from "../../shared/identity/keys";

/**
 * What an attacker who holds a commune's documents works with: the member's
 * own data folder, opened (while the member's host is stopped) with a plain
 * automerge-repo Repo over the same NodeFS storage the host uses, changed
 * with plain Automerge operations, and saved. The next start of the host
 * syncs whatever the folder holds through the relay, as it would any change.
 */
export interface AttackersCopy {
  repo: Repo;
  keys: KeyPair;
  commune: DocHandle<StoredCommune>;
  proposals: DocHandle<StoredProposals>;
  /** The shard filed under `owner/period` in the commune document's index as it stands. */
  shard(owner: string, period: string): Promise<DocHandle<StoredShard>>;
}

export async function tamperWith(dataDir: string, communeId: string, attack: (copy: AttackersCopy) => Promise<void> | void): Promise<void> {
  const record = (await loadCommuneIndex(dataDir)).get(communeId);
  if (!record) throw new Error(`${dataDir} holds no commune ${communeId}`);
  const identity = await loadIdentity(dataDir, nobleSigner);
  if (!identity) throw new Error(`${dataDir} holds no identity`);
  const repo = new Repo({ storage: new NodeFSStorageAdapter(join(dataDir, "communes", communeId, "repo")), network: [] });
  try {
    const commune = await repo.find<StoredCommune>(record.doc as AutomergeUrl);
    const { docs, shards } = fromStored(commune.doc()) as { docs: { proposals: string }; shards: Record<string, string> };
    const proposals = await repo.find<StoredProposals>(docs.proposals as AutomergeUrl);
    const shard = async (owner: string, period: string) => {
      const url = shards[`${owner}/${period}`];
      if (url === undefined) throw new Error(`no shard ${owner}/${period} in the index`);
      return repo.find<StoredShard>(url as AutomergeUrl);
    };
    await attack({ repo, keys: identity.keys, commune, proposals, shard });
    await repo.flush();
  } finally {
    await repo.shutdown();
  }
}
