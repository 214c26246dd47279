import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { loadWithoutPatches } from "./patchless-load";
import { reportSaveFailures } from "./save-failures";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A disk that fills up on demand: every save fails while `full` is set, as ENOSPC would. */
class FillingDisk extends NodeFSStorageAdapter {
  full = false;
  override async save(key: string[], binary: Uint8Array): Promise<void> {
    if (this.full) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    await super.save(key, binary);
  }
}

type Counter = { count: number };

it("keeps a save that fails in the library's timer from ending the process, reports it at the next flush, and writes it once the disk takes it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "commune-save-failures-"));
  dirs.push(dir);
  const disk = new FillingDisk(dir);
  const repo = new Repo({ storage: disk, network: [] });
  expect(loadWithoutPatches(repo)).toBe(true);
  const failures = reportSaveFailures(repo)!;
  const handle = repo.create<Counter>({ count: 0 });
  await repo.flush([handle.documentId]);

  disk.full = true;
  handle.change((doc) => {
    doc.count = 1;
  });
  // The library's own save runs from a timer a moment after the change; before the wrapper, its rejection was unhandled (vitest fails the run on one).
  await new Promise((resolve) => setTimeout(resolve, 300));
  await repo.flush([handle.documentId]);
  expect(String(failures.of([handle.documentId]))).toMatch(/ENOSPC/);

  disk.full = false;
  await repo.flush([handle.documentId]);
  expect(failures.of([handle.documentId])).toBeUndefined();
  await repo.shutdown();

  // A fresh Repo reads the change the full disk refused at first.
  const again = new Repo({ storage: new NodeFSStorageAdapter(dir), network: [] });
  const found = await again.find<Counter>(handle.url);
  expect(A.getHeads(found.doc())).toEqual(A.getHeads(handle.doc()));
  expect(found.doc().count).toBe(1);
  await again.shutdown();
});
