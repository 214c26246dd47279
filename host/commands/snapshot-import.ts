import * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import type { ImportSummary } from "../../shared/commands/commands";
import type { Verifier } from "../../shared/identity/crypto";
import { fail, ok, reworded, type Result } from "../../shared/result";
import type { VerifiedBackup } from "../../shared/snapshot/automerge-snapshot";
import { replayCommune } from "../../shared/snapshot/commune-replay";
import type { CommuneNode } from "../commune/commune-node";
import { importDocuments, inQueue } from "../commune/writer";
import type { HostContext } from "./context";

/**
 * Merges a verified backup into the member's own copy of its commune. The
 * merge is tried on copies first: it goes ahead only when the merged
 * documents still read as this commune and hide nothing the member has
 * (Automerge resolves a conflict by picking one side, so a file made from an
 * unrelated copy could otherwise mask records). Then each document's bytes
 * are loaded into its handle, which stores them and syncs them out like any
 * change from a peer.
 */
export async function mergeBackup(host: HostContext, backup: VerifiedBackup): Promise<Result<ImportSummary>> {
  const { id, name } = backup.manifest.commune;
  if (!host.index.has(id)) {
    return fail(
      "import.otherCommune",
      `This backup is of ${name} (id ${id}), a commune you do not belong to on this machine. Import merges a backup only into your own copy of the same commune. Nothing was imported.`,
    );
  }
  const found = host.node(id);
  if (!found.ok) return found;
  const node = found.value;
  await node.whenLoaded();
  return inQueue(node, () => merge(host.crypto, node, backup, host.now()));
}

async function merge(verifier: Verifier, node: CommuneNode, backup: VerifiedBackup, now: number): Promise<Result<ImportSummary>> {
  const { manifest, documents } = backup;
  const docs = node.docs;
  const fixed = [docs.commune, docs.proposals, docs.inventory];
  for (const [index, handle] of fixed.entries()) {
    if (documents[index]!.url !== handle.url) {
      return fail(
        "import.otherCopy",
        `This backup holds another copy of ${manifest.commune.name} than yours (its ${documents[index]!.role} document differs), so it cannot be merged. Nothing was imported.`,
      );
    }
  }
  await node.ready();
  const before = node.model();
  if (!before.ok) return reworded(before.error, (message) => `Your copy of ${manifest.commune.name} cannot be read (${message}). Nothing was imported.`);

  const local = new Map<string, DocHandle<unknown>>(docs.allHandles().map((handle) => [handle.url, handle]));
  const merged = documents.map((document) => {
    const handle = local.get(document.url);
    return { url: document.url, doc: handle ? A.merge(A.clone(handle.doc() as A.Doc<unknown>), document.doc) : document.doc };
  });
  const inFile = new Set(documents.map((document) => document.url));
  const shards = [
    ...merged.slice(3),
    ...[...docs.shards.values()].filter((handle) => !inFile.has(handle.url)).map((handle) => ({ url: handle.url, doc: handle.doc() })),
  ];
  const replayed = replayCommune(verifier, { commune: merged[0]!, proposals: merged[1]!, inventory: merged[2]!, shards }, now, { problems: false });
  if (!replayed.ok)
    return fail("import.wouldBreak", `Merging this backup would leave ${manifest.commune.name} unreadable (${replayed.error.message}). Nothing was imported.`);
  const mine = [
    ...before.value.entries.map(({ entry }) => entry.sig),
    ...before.value.doc.events.map((event) => event.sig),
    ...Object.values(before.value.proposals.proposals).map((proposal) => proposal.sig),
    ...Object.values(before.value.proposals.votes).flatMap((votes) => votes.map((vote) => vote.sig)),
  ];
  const hidden = mine.filter((sig) => !replayed.value.signatures.has(sig)).length;
  if (hidden > 0) {
    return fail(
      "import.wouldHideRecords",
      `This backup conflicts with your copy of ${manifest.commune.name}: merging it would hide ${hidden} of your records. Nothing was imported.`,
    );
  }

  const { updated, added } = await importDocuments(node, documents);
  // The merged documents' histories are read in the workers, if they need scanning.
  await node.ready();
  const after = node.model();
  return ok({
    commune: manifest.commune.id,
    name: manifest.commune.name,
    exporter: backup.exporter,
    createdAt: manifest.createdAt,
    documents: documents.length,
    updated,
    added: added.length,
    entriesBefore: before.value.entries.length,
    entriesAfter: after.ok ? after.value.entries.length : replayed.value.entries.length,
  });
}
