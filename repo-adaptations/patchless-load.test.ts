import * as A from "@automerge/automerge";
import { generateAutomergeUrl, parseAutomergeUrl, Repo, type AutomergeUrl, type DocumentId } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { loadWithoutPatches, type RemoteSnapshots } from "./patchless-load";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

type Shard = {
  entries: { id: string; amount: number }[];
};

function repoAt(dir: string, remote?: RemoteSnapshots): Repo {
  const storage = new NodeFSStorageAdapter(dir);
  const repo = new Repo({ storage, network: [] });
  expect(loadWithoutPatches(repo, remote)).toBe(true);
  return repo;
}

/** A relay's snapshots as the loader sees them: `bytes` for one document, kept in `dir` when asked to. */
function remoteWith(dir: string, documentId: DocumentId, bytes: Uint8Array): RemoteSnapshots & { asked: DocumentId[] } {
  const storage = new NodeFSStorageAdapter(dir);
  const asked: DocumentId[] = [];
  return {
    asked,
    fetch: async (id) => {
      asked.push(id);
      return id === documentId ? bytes : undefined;
    },
    keep: (id, name, data) => storage.save([id, "snapshot", name], data),
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-patchless-"));
  dirs.push(dir);
  return dir;
}

it("loads a stored document with its contents and without a change event for the load itself", async () => {
  const dir = await scratch();
  const writer = repoAt(dir);
  const handle = writer.create<Shard>({ entries: [] });
  handle.change((doc) => {
    for (let i = 0; i < 50; i++) doc.entries.push({ id: `e${i}`, amount: i });
  });
  await writer.flush();
  await writer.shutdown();

  const reader = repoAt(dir);
  // The library's own loader reports each load it makes; this one makes none.
  const libraryLoads: unknown[] = [];
  reader.on("doc-metrics", (metric) => {
    if (metric.type === "doc-loaded") libraryLoads.push(metric);
  });
  const changes: unknown[] = [];
  const loaded = await reader.find<Shard>(handle.url as AutomergeUrl);
  loaded.on("change", (event) => changes.push(event));
  expect(loaded.doc().entries).toHaveLength(50);
  expect(loaded.doc().entries[49]).toEqual({ id: "e49", amount: 49 });
  expect(loaded.heads()).toEqual(handle.heads());
  expect(changes).toEqual([]);
  expect(libraryLoads).toEqual([]);
  await reader.shutdown();
});

it("writes nothing for a loaded document that did not change, and keeps every later change", async () => {
  const dir = await scratch();
  const writer = repoAt(dir);
  const handle = writer.create<Shard>({ entries: [{ id: "first", amount: 1 }] });
  await writer.flush();
  await writer.shutdown();
  const stored = await filesUnder(dir);

  const idle = repoAt(dir);
  await idle.find<Shard>(handle.url as AutomergeUrl);
  await idle.flush();
  await idle.shutdown();
  expect(await filesUnder(dir)).toEqual(stored);

  const busy = repoAt(dir);
  const open = await busy.find<Shard>(handle.url as AutomergeUrl);
  open.change((doc) => {
    doc.entries.push({ id: "second", amount: 2 });
  });
  await busy.flush();
  open.change((doc) => {
    doc.entries.push({ id: "third", amount: 3 });
  });
  await busy.flush();
  await busy.shutdown();

  const again = repoAt(dir);
  const reopened = await again.find<Shard>(handle.url as AutomergeUrl);
  expect(reopened.doc().entries.map((entry) => entry.id)).toEqual(["first", "second", "third"]);
  reopened.change((doc) => {
    doc.entries.push({ id: "fourth", amount: 4 });
  });
  await again.flush();
  await again.shutdown();

  const last = repoAt(dir);
  expect((await last.find<Shard>(handle.url as AutomergeUrl)).doc().entries.map((entry) => entry.id)).toEqual(["first", "second", "third", "fourth"]);
  await last.shutdown();
});

it("takes a document it has none of whole from a relay's snapshot, keeps it on disk, and compacts later changes with it", async () => {
  const dir = await scratch();
  const source = A.change(A.from<Shard>({ entries: [] }), (doc) => {
    for (let i = 0; i < 30; i++) doc.entries.push({ id: `e${i}`, amount: i });
  });
  const url = generateAutomergeUrl();
  const { documentId } = parseAutomergeUrl(url);
  const remote = remoteWith(dir, documentId, A.save(source));

  const joiner = repoAt(dir, remote);
  const handle = await joiner.find<Shard>(url);
  expect(remote.asked).toEqual([documentId]);
  expect(handle.doc().entries).toHaveLength(30);
  expect(handle.heads()).toHaveLength(1);
  handle.change((doc) => {
    doc.entries.push({ id: "mine", amount: 99 });
  });
  await joiner.flush();
  await joiner.shutdown();

  // Offline now, and nothing to ask: everything comes from disk, once, compacted.
  const offline = repoAt(dir);
  const reopened = await offline.find<Shard>(url);
  expect(
    reopened
      .doc()
      .entries.map((entry) => entry.id)
      .slice(-2),
  ).toEqual(["e29", "mine"]);
  expect((await filesUnder(dir)).filter((file) => file.includes("snapshot") && !file.endsWith("snapshot"))).toHaveLength(1);
  await offline.shutdown();
});

it("drops a snapshot that does not load, writes nothing, and leaves the document to sync", async () => {
  const dir = await scratch();
  const url = generateAutomergeUrl();
  const { documentId } = parseAutomergeUrl(url);
  const remote = remoteWith(dir, documentId, new Uint8Array([0x85, 0x6f, 0x4a, 0x83, 1, 2, 3, 4, 5]));
  const joiner = repoAt(dir, remote);
  // No network in this Repo: a document that is not loaded is unavailable.
  await expect(joiner.find<Shard>(url)).rejects.toThrow(/unavailable/);
  expect(remote.asked).toEqual([documentId]);
  // The library's shutdown flush trips over the unavailable handle; there is nothing of it to flush.
  await joiner.shutdown().catch(() => {});
  // Only the Repo's own storage id; no chunk of the document.
  expect((await filesUnder(dir)).filter((file) => file.includes(documentId.slice(2)))).toEqual([]);
});
