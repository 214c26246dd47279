import { communeRecords, communeState, type CommuneRecords } from "../commune/commune-state";
import { communeIdOf } from "../commune/genesis";
import type { CommuneState } from "../commune/state";
import { describeMalformed, readCommuneDoc, readInventoryDoc, readProposalsDoc, readPurseShardDoc, shardKey, type Malformed } from "../docs/documents";
import type { Verifier } from "../identity/crypto";
import { checkSignature, type SignaturePurpose } from "../identity/signed";
import { canonicalOrder, purse, type PurseView, type ShardEntry } from "../purse/balances";
import { isoDay, memberName } from "../purse/wording";
import { fail, failWith, ok, type Result } from "../result";

/**
 * A commune recomputed from its documents alone, with the shared/ rules: the
 * same reading the member's host does, for documents that came from a file.
 * Documents that do not belong together (another commune's proposals, a
 * shard the commune does not list) make the whole unreadable; a malformed
 * record or a signature that fails is kept as `problem`, the first one in
 * words, for a verifier that refuses anything a person could not trust.
 */

export interface DocumentAt {
  url: string;
  doc: unknown;
}

export interface CommuneDocuments {
  commune: DocumentAt;
  proposals: DocumentAt;
  inventory: DocumentAt;
  shards: readonly DocumentAt[];
}

export interface Replayed {
  id: string;
  state: CommuneState;
  records: CommuneRecords;
  /** Every entry of every shard, in the canonical purse order: "entry #n" is entries[n - 1]. */
  entries: ShardEntry[];
  view: PurseView;
  /** Signatures of every record the documents hold (entries, events, proposals, votes), to tell what a merge would hide. */
  signatures: Set<string>;
  problem: string | undefined;
}

/** `problems: false` skips looking for the first problem (a writer that only needs the balances). */
export function replayCommune(verifier: Verifier, docs: CommuneDocuments, at: number, options: { problems?: boolean } = {}): Result<Replayed> {
  const commune = readCommuneDoc(docs.commune.doc);
  if (!commune.ok) return fail("replay.communeUnreadable", `The commune document cannot be read: ${commune.error.message}`);
  const { genesis, events } = commune.value.doc;
  const id = communeIdOf(genesis);
  const links = commune.value.doc.docs;

  const proposals = readProposalsDoc(docs.proposals.doc);
  if (!proposals.ok) return fail("replay.proposalsUnreadable", `The proposals document cannot be read: ${proposals.error.message}`);
  if (proposals.value.doc.commune !== id || links.proposals !== docs.proposals.url)
    return fail("replay.proposalsElsewhere", "The proposals document belongs to another commune.");
  const inventory = readInventoryDoc(docs.inventory.doc);
  if (!inventory.ok) return fail("replay.inventoryUnreadable", `The knowledge inventory document cannot be read: ${inventory.error.message}`);
  if (inventory.value.doc.commune !== id || links.inventory !== docs.inventory.url)
    return fail("replay.inventoryElsewhere", "The knowledge inventory document belongs to another commune.");

  const malformed: { where: string; what: Malformed }[] = [
    ...commune.value.malformed.map((what) => ({ where: "the commune document", what })),
    ...proposals.value.malformed.map((what) => ({ where: "the proposals document", what })),
    ...inventory.value.malformed.map((what) => ({ where: "the knowledge inventory", what })),
  ];
  // A document that says a newer version saved it was read all the same; the first such is the file's first problem.
  const newer = [commune.value.schemaNote, proposals.value.schemaNote, inventory.value.schemaNote].flatMap((problem) => (problem ? [problem.message] : []));
  const shardEntries: ShardEntry[] = [];
  const seen = new Set<string>();
  for (const [index, shard] of docs.shards.entries()) {
    const read = readPurseShardDoc(shard.doc);
    if (!read.ok) return fail("replay.shardUnreadable", `Purse shard #${index + 1} cannot be read: ${read.error.message}`);
    const { owner, period, commune: of, entries } = read.value.doc;
    const key = shardKey(owner, period);
    if (of !== id || commune.value.doc.shards[key] !== shard.url)
      return fail("replay.shardUnlisted", `Purse shard #${index + 1} is not one the commune document lists.`);
    if (seen.has(key)) return fail("replay.shardTwice", `The purse shard of ${owner.slice(0, 8)} for ${period} is there twice.`);
    seen.add(key);
    malformed.push(...read.value.malformed.map((what) => ({ where: `the ${period} purse shard of ${owner.slice(0, 8)}`, what })));
    if (read.value.schemaNote) newer.push(read.value.schemaNote.message);
    for (const entry of entries) shardEntries.push({ entry, shardOwner: owner });
  }

  const records = communeRecords({ genesis, events }, proposals.value.doc);
  const computed = communeState(verifier, records, at, id);
  if (!computed.ok) return failWith(computed.error);
  const state = computed.value;
  const entries = canonicalOrder(shardEntries);
  const view = purse(verifier, entries, state);

  const signatures = new Set<string>();
  for (const record of [...records.events, ...records.proposals, ...records.votes]) signatures.add(record.sig);
  for (const { entry } of entries) signatures.add(entry.sig);

  const problem = options.problems === false ? undefined : (newer[0] ?? firstProblem(verifier, malformed, state, records, entries, inventory.value.doc.items));
  return ok({ id, state, records, entries, view, signatures, problem });
}

function firstProblem(
  verifier: Verifier,
  malformed: readonly { where: string; what: Malformed }[],
  state: CommuneState,
  records: CommuneRecords,
  entries: readonly ShardEntry[],
  items: Parameters<typeof badItem>[2],
): string | undefined {
  const first = malformed[0];
  if (first) return `In ${first.where}: ${describeMalformed(first.what)}.`;
  return badSignature(verifier, state, records, entries) ?? badItem(verifier, state, items);
}

const broken = (problem: string) => (problem === "unsigned" ? "is not signed" : "was altered after it was signed");

function badSignature(verifier: Verifier, state: CommuneState, records: CommuneRecords, entries: readonly ShardEntry[]): string | undefined {
  const lists: [SignaturePurpose, string, readonly { by: string; sig: string; at: number }[]][] = [
    ["membership", "Membership record", records.events],
    ["proposal", "Proposal", records.proposals],
    ["vote", "Vote", records.votes],
  ];
  for (const [purpose, label, list] of lists) {
    for (const [index, record] of list.entries()) {
      const problem = checkSignature(verifier, purpose, record);
      if (problem) return `${label} #${index + 1} (by ${memberName(state, record.by)}, ${isoDay(record.at)}) ${broken(problem)}.`;
    }
  }
  for (const [index, { entry }] of entries.entries()) {
    const problem = checkSignature(verifier, "entry", entry);
    if (problem) return `Entry #${index + 1} (by ${memberName(state, entry.by)}, ${isoDay(entry.at)}) ${broken(problem)}.`;
  }
  return undefined;
}

function badItem(
  verifier: Verifier,
  state: CommuneState,
  items: Readonly<Record<string, readonly { by: string; sig: string; at: number; title: string }[]>>,
): string | undefined {
  for (const versions of Object.values(items)) {
    for (const [index, item] of versions.entries()) {
      const problem = checkSignature(verifier, "item", item);
      if (problem) return `Version #${index + 1} of knowledge item "${item.title.slice(0, 60)}" (by ${memberName(state, item.by)}) ${broken(problem)}.`;
    }
  }
  return undefined;
}
