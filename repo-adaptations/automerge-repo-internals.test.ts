import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/**
 * The upgrade guard of repo-adaptations/: what sync-rate.ts,
 * patchless-load.ts and resync-rejoining-peers.ts rely on inside
 * automerge-repo and Automerge, read from
 * the installed packages. An upgrade that moves any of it fails here, with
 * what to re-check, before it quietly turns an adaptation off (each one falls
 * back to the library's own, slower behaviour) or, worse, half on.
 *
 * After re-checking, update the pinned versions below (and package.json's
 * exact automerge-repo pin) together with the adaptations.
 */
const CHECKED_REPO_VERSION = "2.5.6";
const CHECKED_AUTOMERGE_VERSION = "3.5.0";

const require = createRequire(import.meta.url);
/** .../node_modules/@automerge/automerge-repo/dist/entrypoints/fullfat.js -> its dist/. */
const repoDist = join(dirname(require.resolve("@automerge/automerge-repo")), "..");
/** The Automerge automerge-repo itself loads (its own copy if it ever has one). */
const automergeRoot = (() => {
  let dir = dirname(createRequire(join(repoDist, "index.js")).resolve("@automerge/automerge/slim"));
  while (!dir.endsWith(join("@automerge", "automerge"))) dir = dirname(dir);
  return dir;
})();

const read = (file: string): string => readFileSync(file, "utf8");
const repoSource = (path: string): string => read(join(repoDist, path));
const manifest = z.object({ version: z.string().optional(), dependencies: z.record(z.string(), z.string()).optional() });
const manifestAt = (root: string) => manifest.parse(JSON.parse(read(join(root, "package.json"))));
const versionAt = (root: string): string | undefined => manifestAt(root).version;
const ours = manifestAt(fileURLToPath(new URL("..", import.meta.url)));

describe("automerge-repo as repo-adaptations/ knows it", () => {
  it("is the version the adaptations were checked against, pinned exactly", () => {
    const recheck = "re-check repo-adaptations/sync-rate.ts and patchless-load.ts against the new dist, then update CHECKED_REPO_VERSION";
    expect(versionAt(join(repoDist, "..")), recheck).toBe(CHECKED_REPO_VERSION);
    for (const name of ["@automerge/automerge-repo", "@automerge/automerge-repo-network-websocket", "@automerge/automerge-repo-storage-nodefs"] as const) {
      expect(ours.dependencies?.[name], `package.json must pin ${name} exactly: ${recheck}`).toBe(CHECKED_REPO_VERSION);
    }
  });

  it("still makes DocSynchronizers the way sync-rate.ts rewrites: a class field syncDebounceRate read once by the constructor", async () => {
    const recheck = "sync-rate.ts rewrites the syncDebounceRate field's definition; re-check how DocSynchronizer throttles its sync";
    const doc = repoSource("synchronizer/DocSynchronizer.js");
    expect(doc, recheck).toMatch(/export class DocSynchronizer extends Synchronizer \{/);
    expect(doc, recheck).toMatch(/^\s+syncDebounceRate = 100;$/m);
    expect(doc, recheck).toContain("asyncThrottle(() => this.#syncWithPeers(), this.syncDebounceRate)");
    const collection = repoSource("synchronizer/CollectionSynchronizer.js");
    expect(collection, "sync-rate.ts finds the class through repo.synchronizer.docSynchronizers; re-check it").toMatch(/^\s+docSynchronizers = \{\};$/m);
    expect(collection, recheck).toContain("new DocSynchronizer({");

    const repo = new Repo({ network: [] });
    const handle = repo.create();
    const synchronizer = repo.synchronizer.docSynchronizers[handle.documentId];
    await repo.shutdown();
    expect(typeof synchronizer?.syncDebounceRate, recheck).toBe("number");
    const base = Object.getPrototypeOf(synchronizer?.constructor) as { name?: string } | null;
    expect(["Synchronizer", "WithSyncRate"], `sync-rate.ts inserts a constructor above DocSynchronizer; found ${base?.name}: ${recheck}`).toContain(base?.name);
  });

  it("still resets a peer's sync state only in beginSync, which a new peer gets only for announced documents, as resync-rejoining-peers.ts expects", () => {
    const recheck =
      "resync-rejoining-peers.ts calls beginSync on a rejoining peer for the round trip of its sync state; re-check DocSynchronizer and CollectionSynchronizer";
    const doc = repoSource("synchronizer/DocSynchronizer.js");
    expect(doc, recheck).toContain("const reparsedSyncState = A.decodeSyncState(A.encodeSyncState(syncState));");
    // If endSync ever forgets the peer's sync state, a rejoining peer starts fresh by itself and the adaptation may go.
    expect(
      doc.slice(doc.indexOf("endSync(peerId) {"), doc.indexOf("receiveMessage(message) {")),
      "endSync now forgets sync states: measure whether resync-rejoining-peers.ts is still needed",
    ).not.toContain("#syncStates");
    const collection = repoSource("synchronizer/CollectionSynchronizer.js");
    expect(collection, recheck).toContain("if (okToShare)\n                    void docSynchronizer.beginSync([peerId]);");
    expect(collection, recheck).toContain('docSynchronizer.on("sync-state", event => this.emit("sync-state", event));');
  });

  it("still loads and saves through the storage subsystem methods patchless-load.ts replaces, looked up on the instance", () => {
    const recheck = "patchless-load.ts replaces storageSubsystem.loadDoc and saveDoc and reads loadDocData; re-check StorageSubsystem and Repo";
    const storage = repoSource("storage/StorageSubsystem.js");
    expect(storage, recheck).toMatch(/^\s+async loadDoc\(documentId\) \{$/m);
    expect(storage, recheck).toMatch(/^\s+async loadDocData\(documentId\) \{$/m);
    expect(storage, recheck).toMatch(/^\s+async saveDoc\(documentId, doc\) \{$/m);
    // The reason the loader exists: the library's load builds a patch per value. If it stops, the adaptation may go.
    expect(storage, "the library's loader no longer uses A.loadIncremental(A.init(), ...): measure whether patchless-load.ts is still needed").toContain(
      "A.loadIncremental(A.init(), binary)",
    );
    // The library skips saving an unchanged document by the heads it loaded; the replacement keeps its own record.
    expect(storage, recheck).toContain("#storedHeads");
    const repo = repoSource("Repo.js");
    expect(repo, recheck).toContain("this.storageSubsystem.loadDoc(handle.documentId)");
    expect(repo, recheck).toContain("this.storageSubsystem.saveDoc(handle.documentId");
  });

  it("still saves documents and sync states from timers nobody awaits, through the storage subsystem methods save-failures.ts wraps", () => {
    const recheck =
      "save-failures.ts replaces storageSubsystem.saveDoc and saveSyncState so that a save failing in a timer cannot end the process; re-check Repo";
    const repo = repoSource("Repo.js");
    expect(repo, recheck).toContain("asyncThrottle(({ doc, handle, }) => this.storageSubsystem.saveDoc(handle.documentId, doc)");
    expect(repo, recheck).toContain("this.storageSubsystem.saveSyncState(documentId, storageId, syncState)");
    expect(repo, recheck).toContain("void handler(payload);");
    expect(repoSource("storage/StorageSubsystem.js"), recheck).toMatch(/^\s+async saveSyncState\(documentId, storageId, syncState\) \{$/m);
  });

  it("still asks Automerge for the loaded document's patches with A.diff, which answers from the private last-patch record patchless-load.ts writes", () => {
    const recheck =
      "patchless-load.ts marks a loaded document in Automerge's private Symbol.for(\"_am_meta\").mostRecentPatch; re-check DocHandle's change event and Automerge's diff";
    expect(repoSource("DocHandle.js"), recheck).toContain("A.diff(after, beforeHeads, afterHeads)");
    expect(versionAt(automergeRoot), `${recheck}, then update CHECKED_AUTOMERGE_VERSION`).toBe(CHECKED_AUTOMERGE_VERSION);
    expect(read(join(automergeRoot, "dist/mjs/constants.js")), recheck).toContain('export const STATE = Symbol.for("_am_meta")');
    expect(read(join(automergeRoot, "dist/mjs/implementation.js")), recheck).toContain("return state.mostRecentPatch.patches;");

    const doc = A.load<{ n: number }>(A.save(A.from({ n: 1 })));
    const state = Reflect.get(doc, Symbol.for("_am_meta")) as { mostRecentPatch?: unknown } | undefined;
    expect(typeof state, recheck).toBe("object");
    state!.mostRecentPatch = { before: [], after: A.getHeads(doc), patches: [] };
    expect(A.diff(doc, [], A.getHeads(doc)), recheck).toEqual([]);
  });
});
