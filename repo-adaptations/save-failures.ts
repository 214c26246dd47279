import type { DocumentId, Repo } from "@automerge/automerge-repo";

/**
 * What failed saves a Repo has seen: the host asks after each flush, so a
 * command whose change could not be written says so.
 */
export interface SaveFailures {
  /** The error of the latest save of any of these documents, when it failed and no save of that document has succeeded since. */
  of(documentIds: readonly DocumentId[]): unknown;
}

/**
 * Keeps a failed write to disk (a full disk, a read-only folder) from ending
 * the process. automerge-repo 2.5 saves a document a moment after each change
 * and a peer's sync state after each sync message, each from a timer whose
 * promise nobody awaits (`Repo#saveFn`, `Repo#saveSyncState`): when the
 * storage adapter throws there, the rejection is unhandled and Node exits.
 * Found by tests/faults/disk-faults.test.ts: a host on a full disk died on
 * its third write.
 *
 * So saves on this Repo's StorageSubsystem no longer throw. A document save
 * that fails is remembered until one of that document succeeds, and the
 * save that every write ends with asks `of` (CommuneDocs.save in
 * host/commune/commune-docs.ts), so the command says the disk refused it
 * (kept, saved later: host/store/disk-refusal.ts). The library records a
 * document's saved heads only after the write, so the next save writes the
 * same changes again. A sync state is a cache of what
 * a peer holds: one not written costs a fuller sync on the next connection.
 *
 * Install after `loadWithoutPatches`, which replaces `saveDoc` too: this
 * wraps whatever `saveDoc` is in place. Undefined when the Repo has no
 * storage, or its storage no longer looks like this (pinned by
 * automerge-repo-internals.test.ts and save-failures.test.ts).
 */
export function reportSaveFailures(repo: Repo): SaveFailures | undefined {
  const storage = repo.storageSubsystem;
  if (!storage || typeof storage.saveDoc !== "function" || typeof storage.saveSyncState !== "function") return undefined;
  const saveDoc = storage.saveDoc.bind(storage);
  const saveSyncState = storage.saveSyncState.bind(storage);
  const failed = new Map<DocumentId, unknown>();
  storage.saveDoc = async (...args: Parameters<typeof saveDoc>): Promise<void> => {
    const [documentId] = args;
    try {
      await saveDoc(...args);
      failed.delete(documentId);
    } catch (error) {
      failed.set(documentId, error);
    }
  };
  storage.saveSyncState = async (...args: Parameters<typeof saveSyncState>): Promise<void> => {
    try {
      await saveSyncState(...args);
    } catch {
      // A cache of what the peer holds: without it the next connection syncs more.
    }
  };
  return {
    of(documentIds) {
      for (const documentId of documentIds) if (failed.has(documentId)) return failed.get(documentId);
      return undefined;
    },
  };
}
