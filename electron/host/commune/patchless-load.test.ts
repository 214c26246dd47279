import { Repo, type AutomergeUrl } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { loadWithoutPatches } from "./patchless-load";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

interface Shard {
  entries: { id: string; amount: number }[];
}

function repoAt(dir: string): Repo {
  const repo = new Repo({ storage: new NodeFSStorageAdapter(dir), network: [] });
  expect(loadWithoutPatches(repo)).toBe(true);
  return repo;
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
