import * as A from "@automerge/automerge";
import type { DocumentId, Repo } from "@automerge/automerge-repo";
import { createHash } from "node:crypto";

/**
 * Where a document this machine has none of can come from whole: a relay's
 * compacted copy (see shared/sync/repo-wire.ts), kept on disk once it loads.
 */
export interface RemoteSnapshots {
  fetch(documentId: DocumentId): Promise<Uint8Array | undefined>;
  keep(documentId: DocumentId, name: string, bytes: Uint8Array): Promise<void>;
}

/**
 * Loads a Repo's documents from disk without building a patch per value.
 *
 * automerge-repo 2.5 loads a stored document with
 * `A.loadIncremental(A.init(), bytes)`, which makes one patch for every value
 * in the document and applies them to an empty JS object, and the handle
 * then asks `A.diff` from no heads to the loaded heads for its "change"
 * event, building every patch again. For the 30 shards of a 100,000-entry
 * purse that is ~10x `A.load` of the same bytes in time, and the patches
 * grow Automerge's WebAssembly memory (which never shrinks) by hundreds of
 * megabytes (measured: 51 s / 925 MB RSS against 5.1 s / 347 MB for A.load;
 * A.load followed by that diff, 28 s / 616 MB).
 *
 * So a Repo given to `loadWithoutPatches` reads the same chunks and builds
 * the document with `A.load`, and marks it as loaded from nothing, so the
 * handle's diff from no heads answers "no patches" from Automerge's own
 * last-patch record instead of computing them. Nothing listens to that first
 * "change": the Repo wires a handle to storage and sync only after it is
 * loaded, and the commune's own listeners are attached once `find` resolves.
 *
 * The library's loader also remembers the heads it loaded, in a private
 * field: the save that follows skips a document that did not change, and
 * writes only the new changes of one that did. This loader keeps its own
 * record for the first half (an unchanged document is not saved again); a
 * document that did change is stored whole once (one `A.save`, which also
 * compacts it), and incrementally from then on.
 *
 * Bytes `A.load` refuses (a chunk missing its dependencies) go to the
 * library's loader, which accepts partial content. Says whether the loader
 * was installed: false when the Repo has no storage or its storage no longer
 * looks like this, and the library's loader stays.
 *
 * With `remote`, a document that is not on disk is first asked for whole
 * (a new member's commune, a shard never seen here): receiving it through
 * sync instead replays every change and patches every value, the same cost
 * as the library's load. What `A.load` refuses from a relay is dropped and
 * the document syncs the usual way.
 *
 * Per Repo: it replaces `loadDoc` and `saveDoc` on this Repo's own
 * StorageSubsystem instance, which the Repo looks up at every load and save;
 * other Repos in the process keep the library's. What it relies on (those
 * methods, `loadDocData`, the library's loader building patches, Automerge's
 * private last-patch record) is pinned by patchless-load.test.ts and
 * automerge-repo-internals.test.ts.
 */
export function loadWithoutPatches(repo: Repo, remote?: RemoteSnapshots): boolean {
  const storage = repo.storageSubsystem;
  if (!storage || typeof storage.loadDoc !== "function" || typeof storage.loadDocData !== "function" || typeof storage.saveDoc !== "function") return false;
  const libraryLoad = storage.loadDoc.bind(storage);
  const librarySave = storage.saveDoc.bind(storage);
  /** Heads of documents loaded here and not saved since: the record the library's loader would have kept. */
  const loadedHeads = new Map<DocumentId, string>();
  let lastTurn: Promise<void> = Promise.resolve();
  let lastLoadMs = 0;
  storage.loadDoc = async <T>(documentId: DocumentId): Promise<A.Doc<T> | null> => {
    let bytes = await storage.loadDocData(documentId);
    const fromRelay = !bytes && remote !== undefined;
    if (fromRelay) bytes = (await remote.fetch(documentId)) ?? null;
    if (!bytes) return null;
    // One document per turn of the event loop: the files of all shards are
    // read at once and their loads would otherwise run back to back (seconds
    // at 100,000 entries) before a timer or a socket is served.
    const myTurn = lastTurn.then(() => pauseAfter(lastLoadMs));
    lastTurn = myTurn;
    await myTurn;
    let doc: A.Doc<T>;
    const started = performance.now();
    try {
      doc = A.load<T>(bytes);
    } catch {
      return fromRelay ? null : libraryLoad<T>(documentId);
    } finally {
      lastLoadMs = performance.now() - started;
    }
    if (fromRelay) {
      await remote!.keep(documentId, createHash("sha256").update(headsKey(doc)).digest("hex"), bytes);
      // Read back through the library, so it knows the chunk and compacts it with this document's next changes.
      await storage.loadDocData(documentId);
    }
    markLoadedFromNothing(doc);
    loadedHeads.set(documentId, headsKey(doc));
    return doc;
  };
  // A document unchanged since it was loaded has nothing to save: without
  // this, every flush would store every loaded document whole again.
  storage.saveDoc = async (documentId: DocumentId, doc: A.Doc<unknown>): Promise<void> => {
    const loaded = loadedHeads.get(documentId);
    if (loaded !== undefined) {
      if (loaded === headsKey(doc)) return;
      loadedHeads.delete(documentId);
    }
    await librarySave(documentId, doc);
  };
  return true;
}

/**
 * The pause before each load. After a long load one turn of the event loop
 * is not enough for a page being served meanwhile: each of its requests,
 * file reads and WebSocket round trips needs a turn of its own, and waited
 * behind a whole shard's load (~150 ms at 100,000 entries) at every one. A
 * few milliseconds let such a chain run several steps; 30 shards pay
 * ~0.2 s. After a short load (a commune's small documents) one turn will do.
 */
const LOAD_PAUSE_MS = 6;
const LONG_LOAD_MS = 20;
const pauseAfter = (lastLoadMs: number) =>
  new Promise<void>((resolve) => (lastLoadMs >= LONG_LOAD_MS ? setTimeout(resolve, LOAD_PAUSE_MS) : setImmediate(resolve)));

/**
 * A whole document from its saved bytes, as this loader builds one: with
 * `A.load`, marked so that a handle given it (`handle.update(() => doc)`)
 * answers its first diff with no patches instead of one per value. For a
 * document that arrives whole from elsewhere than disk (a private relay's
 * snapshot, host/sync/private-link.ts). Throws what `A.load` throws.
 */
export function loadWholeWithoutPatches<T>(bytes: Uint8Array): A.Doc<T> {
  const doc = A.load<T>(bytes);
  markLoadedFromNothing(doc);
  return doc;
}

const headsKey = (doc: A.Doc<unknown>): string => [...A.getHeads(doc)].sort().join(",");

/** Automerge's record of a document's last patches, which `A.diff` answers from when the heads match. */
interface LastPatch {
  before: A.Heads;
  after: A.Heads;
  patches: A.Patch[];
}

const AUTOMERGE_STATE = Symbol.for("_am_meta");

function markLoadedFromNothing(doc: A.Doc<unknown>): void {
  const state = Reflect.get(doc, AUTOMERGE_STATE) as { mostRecentPatch?: LastPatch } | undefined;
  if (state && typeof state === "object") state.mostRecentPatch = { before: [], after: A.getHeads(doc), patches: [] };
}
