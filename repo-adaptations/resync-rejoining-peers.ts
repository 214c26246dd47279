import type { DocumentId, PeerId, Repo } from "@automerge/automerge-repo";

/**
 * Makes a Repo that does not announce documents (the relay's, `announce:
 * false`) forget what it believes it sent a peer when that peer reconnects,
 * the way automerge-repo already does for peers it announces to.
 *
 * Why: Automerge's sync state remembers the changes sent to a peer
 * (`sentHashes`) and never sends them again while that state lives. The
 * protocol expects both sides to round-trip the state through
 * encode/decode on every reconnect, which drops those in-flight hashes;
 * automerge-repo does that only in `DocSynchronizer.beginSync`, and calls
 * beginSync on a new peer only for documents its share policy announces.
 * The relay announces nothing, so when it sent a change to a member whose
 * socket was already dying (the member had gone offline a moment before the
 * relay noticed), that change was marked sent for good: after the member
 * reconnected it asked for the change, the relay answered without it, and
 * the two exchanged empty sync messages forever (relay.test.ts caught it
 * under load; upstream: automerge/automerge-repo#368 describes the same
 * loop).
 *
 * So: remember which documents each peer has synced with this Repo (from the
 * public "sync-state" event), and when that peer connects again call
 * beginSync for exactly those documents. A peer never receives a document
 * it had not already asked for or announced, so `announce: false` keeps its
 * meaning. Pinned by resync-rejoining-peers.test.ts (the lost change arrives)
 * and automerge-repo-internals.test.ts (beginSync still does the round trip).
 */
export function resyncRejoiningPeers(repo: Repo): true {
  const synchronizer = repo.synchronizer;
  const syncedWith = new Map<PeerId, Set<DocumentId>>();
  synchronizer.on("sync-state", ({ peerId, documentId }) => {
    let documents = syncedWith.get(peerId);
    if (!documents) syncedWith.set(peerId, (documents = new Set()));
    documents.add(documentId);
  });
  repo.networkSubsystem.on("peer", ({ peerId }) => {
    for (const documentId of syncedWith.get(peerId) ?? []) {
      // beginSync, not a check of hasPeer first: the point is the state's round trip, which it does even for a peer it has.
      void synchronizer.docSynchronizers[documentId]?.beginSync([peerId]);
    }
  });
  return true;
}
