import { Repo } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { adaptRepo } from "./adapt-repo";
import { SYNC_RATE_MS } from "./sync-rate";

it("puts the sync rate and the patchless loader in place on a Repo with storage, as the host creates it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "commune-adapt-"));
  const repo = new Repo({ storage: new NodeFSStorageAdapter(dir), network: [] });
  try {
    expect(adaptRepo(repo)).toEqual({ syncRate: true, patchlessLoad: true, resyncRejoiningPeers: false });
    const handle = repo.create({ n: 1 });
    expect(repo.synchronizer.docSynchronizers[handle.documentId]?.syncDebounceRate).toBe(SYNC_RATE_MS);
  } finally {
    await repo.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
});

it("leaves a Repo without storage with the library's loader, and says so", async () => {
  const repo = new Repo({ network: [] });
  expect(adaptRepo(repo)).toEqual({ syncRate: true, patchlessLoad: false, resyncRejoiningPeers: false });
  await repo.shutdown();
});

it("resyncs rejoining peers only on a Repo that announces nothing, as the relay creates it", async () => {
  const repo = new Repo({ network: [], shareConfig: { announce: async () => false, access: async () => true } });
  expect(adaptRepo(repo, { announces: false })).toMatchObject({ resyncRejoiningPeers: true });
  await repo.shutdown();
});
