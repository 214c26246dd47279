import { z } from "zod";
import type { SignedExchangeDecline } from "../partners/exchange";
import type { SignedMembershipEvent } from "../commune/events";
import type { CommuneId, Genesis } from "../commune/genesis";
import type { PublicKey } from "../identity/keys";
import type { Signed } from "../identity/signed";
import type { SignedItem } from "../inventory/item";
import type { GrantRecord } from "../partners/grant";
import type { PartnerOffer } from "../partners/offer";
import type { SignedComment } from "../proposals/comment";
import type { SignedOutcome } from "../proposals/outcome";
import type { SignedProposal, SignedVote } from "../proposals/proposal";
import type { SignedEntry } from "../purse/entry";
import type { SignedCheckpoint } from "../purse/checkpoint";
import { fail, ok, reworded, type Problem, type Result } from "../result";
import { DocReader } from "./doc-reader";
import { automergeUrl, communeId, isId, LIMITS, publicKey, year } from "./fields";
import { parseRelayUrl } from "./link";
import { shortened, type Malformed } from "./malformed";
import { parseWith } from "./reasons";
import {
  commentSchema,
  entrySchema,
  epochRecordSchema,
  genesisSchema,
  outcomeSchema,
  itemSchema,
  membershipEventSchema,
  partnerSchema,
  proposalSchema,
  voteSchema,
} from "./records";

/**
 * The four kinds of Commune document as the domain sees them, and the
 * readers that turn an untrusted document (an Automerge doc, or plain data
 * from a file or the network) into them.
 *
 * A reader checks the schema version first, then the envelope (the fields
 * that make the document what it is: its commune, owner, lists); a broken
 * envelope makes the document unreadable. Records inside the lists are
 * checked one by one: a malformed record is left out and reported as
 * `Malformed` (where it is and why), and the rest of the document reads.
 * Left out means it counts for nothing: no balance, no vote.
 *
 * A record that is well-formed but filed under the wrong key (a vote under
 * another proposal, an item version under another item) is malformed too:
 * documents are looked up by these keys. Whether a record belongs to this
 * commune or to the shard it sits in is a trust question, answered by the
 * domain rules (communeState, purse, inventory), which report it with a reason.
 *
 * Unknown top-level keys are ignored: a newer Commune may add a field an
 * older one can safely skip; anything it cannot skip raises the schema
 * number (see ./version).
 */

export interface Partner {
  name: string;
  /** The partner commune's InventoryDoc URL; since partnerships (issue 14), the document it shares with us. */
  inventory: string;
  /** The partner's offer, whose signer anchors its roster (shared/partners/offer.ts). */
  offer?: PartnerOffer;
  /** The partner's grant to us: its share key sealed to our box key (shared/partners/grant.ts). */
  grant?: GrantRecord;
  /** Its box key as its latest move says, once its epoch moved on since the grant. */
  box?: string;
}

export interface CommuneDoc {
  schema: 1;
  type: "commune";
  genesis: Signed<Genesis>;
  events: SignedMembershipEvent[];
  /** ws: or wss: addresses of the relays the commune syncs through. */
  relays: string[];
  /** Automerge URLs ("automerge:...") of the commune's other documents. */
  docs: { proposals: string; inventory: string };
  /** `shardKey(owner, period)` → the PurseShardDoc URL. */
  shards: Record<string, string>;
  /** Partner commune id → its name and inventory URL. */
  partners: Record<string, Partner>;
  /**
   * Each member's latest signed count of the purse, filed under their key.
   * Not part of what readCommuneDoc returns: only a newcomer reads it, with
   * `trustedCheckpoint` (shared/purse/checkpoint.ts), and nothing is judged by it.
   */
  checkpoints?: Record<PublicKey, SignedCheckpoint>;
  /**
   * For a commune moved from plaintext (issue 13; docs/relay.md, "Moving
   * existing communes"): its first epoch's record, encoded and signed inside
   * by the founder, so members still syncing in plaintext open their
   * lockbox in it. Absent in communes that never moved.
   */
  epochs?: string[];
  /**
   * Our members' signed declines of partners' exchanges (issue 14; a
   * decline moves no money, so it is no purse entry). Not part of what
   * readCommuneDoc returns: read with `declinesIn` (shared/partners/exchange.ts)
   * by the partner account, each judged by judgeExchangeDecline.
   */
  exchangeDeclines?: SignedExchangeDecline[];
}

/** One member's purse entries for one calendar year (UTC), written only by that member, append-only. */
export interface PurseShardDoc {
  schema: 1;
  type: "purse-shard";
  commune: CommuneId;
  owner: PublicKey;
  /** The year, e.g. "2026". */
  period: string;
  entries: SignedEntry[];
}

export interface ProposalsDoc {
  schema: 1;
  type: "proposals";
  commune: CommuneId;
  /** Proposal id → proposal. */
  proposals: Record<string, SignedProposal>;
  /** Proposal id → votes in the order appended; each member's latest counts. */
  votes: Record<string, SignedVote[]>;
  /**
   * Proposal id → its discussion (comments, edits, retractions) in the order
   * appended. Documents made before discussions existed have none, and read
   * as an empty map.
   */
  comments?: Record<string, SignedComment[]>;
  /** Proposal id → its outcome statements in the order appended (shared/proposals/outcome.ts); absent in older documents. */
  outcomes?: Record<string, SignedOutcome[]>;
}

export interface InventoryDoc {
  schema: 1;
  type: "inventory";
  commune: CommuneId;
  /** Item id → its versions in the order appended. */
  items: Record<string, SignedItem[]>;
}

export const shardKey = (owner: PublicKey, period: string): string => `${owner}/${period}`;

/** The period a record falls in, and so the shard it goes to: its calendar year (UTC). */
export const periodOf = (at: number): string => String(new Date(at).getUTCFullYear());

export const isShardKey = (key: string): boolean => SHARD_KEY.test(key);

const SHARD_KEY = /^([0-9a-f]{64})\/([0-9]{4})$/;

export interface ReadDoc<D> {
  doc: D;
  /** Records left out, in document order within each list. */
  malformed: Malformed[];
  /** The document says a newer version saved it; its records were read as this version understands them. */
  schemaNote?: Problem;
}

const docLinksSchema = z.looseObject({ proposals: automergeUrl, inventory: automergeUrl });

export function readCommuneDoc(raw: unknown): Result<ReadDoc<CommuneDoc>> {
  const opened = DocReader.open(raw, "commune");
  if (!opened.ok) return opened;
  const reader = opened.value;
  const genesis = reader.record("genesis", genesisSchema);
  if (!genesis.ok) return genesis;
  const docs = reader.record("docs", docLinksSchema);
  if (!docs.ok) return docs;
  const events = reader.list("events", (value) => parseWith(membershipEventSchema, value));
  if (!events.ok) return events;
  // Unsigned lists any peer may edit: one of the wrong kind reads as empty, noted, and never damages the commune.
  const relays = reader.unsignedList("relays", (value) => {
    const relay = parseRelayUrl(value);
    if (!relay.ok) return reworded(relay.error, (message) => message.replace(/^The relay address /, ""));
    return ok(value as string);
  });
  const shards = reader.unsignedMap("shards", (key, value) =>
    SHARD_KEY.test(key) ? parseText(automergeUrl, value) : fail("record.misfiled", 'is filed under a key that is not "<owner public key>/<year>"'),
  );
  const partners = reader.unsignedMap("partners", (key, value) =>
    isId(key) ? parseWith(partnerSchema, value) : fail("record.misfiled", "is filed under a key that is not a commune id"),
  );
  const epochs = reader.optionalList("epochs", (value) => parseText(epochRecordSchema, value)).slice(0, LIMITS.epochRecords);

  return ok({
    doc: {
      schema: 1,
      type: "commune",
      genesis: genesis.value,
      events: events.value,
      relays,
      docs: { proposals: docs.value.proposals, inventory: docs.value.inventory },
      shards,
      partners,
      ...(epochs.length > 0 ? { epochs } : {}),
    },
    malformed: reader.malformed,
    ...schemaNoteOf(reader),
  });
}

/**
 * Reads a purse shard; with `from`, only the entries from that index on (a
 * reader that has the earlier ones already, and knows they are unchanged,
 * reads just what was appended). Malformed indexes are always absolute.
 */
export function readPurseShardDoc(raw: unknown, from = 0): Result<ReadDoc<PurseShardDoc>> {
  const opened = DocReader.open(raw, "purse-shard");
  if (!opened.ok) return opened;
  const reader = opened.value;
  const commune = reader.field("commune", communeId);
  if (!commune.ok) return commune;
  const owner = reader.field("owner", publicKey);
  if (!owner.ok) return owner;
  const period = reader.field("period", year);
  if (!period.ok) return period;
  // Whose shard and which commune an entry belongs to are trust questions,
  // answered (and shown in the ledger) by purse(); here only the shape counts.
  const entries = reader.list("entries", (value) => parseWith(entrySchema, value), from);
  if (!entries.ok) return entries;

  return ok({
    doc: { schema: 1, type: "purse-shard", commune: commune.value, owner: owner.value, period: period.value, entries: entries.value },
    malformed: reader.malformed,
    ...schemaNoteOf(reader),
  });
}

/**
 * Reads one record of a list kept per proposal (votes, comments, outcomes):
 * well-formed, and naming the proposal it is filed under. A record under
 * another proposal's key is refused: read under it, it would count there.
 */
function filedUnderProposal<T extends { proposal: string }>(schema: z.ZodType<T>, what: string): (key: string, value: unknown) => Result<T> {
  return (key, value) => {
    const record = parseWith(schema, value);
    if (!record.ok) return record;
    if (record.value.proposal !== key) return fail("record.misfiled", `is filed under proposal "${shortened(key)}" but is ${what} "${record.value.proposal}"`);
    return record;
  };
}

export function readProposalsDoc(raw: unknown): Result<ReadDoc<ProposalsDoc>> {
  const opened = DocReader.open(raw, "proposals");
  if (!opened.ok) return opened;
  const reader = opened.value;
  const commune = reader.field("commune", communeId);
  if (!commune.ok) return commune;
  const proposals = reader.map("proposals", (key, value) => {
    const proposal = parseWith(proposalSchema, value);
    if (!proposal.ok) return proposal;
    if (proposal.value.id !== key) return fail("record.misfiled", `is filed under "${shortened(key)}" but its id is "${proposal.value.id}"`);
    return proposal;
  });
  if (!proposals.ok) return proposals;
  const votes = reader.mapOfLists("votes", filedUnderProposal(voteSchema, "a vote on"));
  if (!votes.ok) return votes;
  const comments = reader.has("comments") ? reader.mapOfLists("comments", filedUnderProposal(commentSchema, "a comment on")) : ok({});
  if (!comments.ok) return comments;
  const outcomes = reader.has("outcomes") ? reader.mapOfLists("outcomes", filedUnderProposal(outcomeSchema, "an outcome of")) : ok({});
  if (!outcomes.ok) return outcomes;

  return ok({
    doc: {
      schema: 1,
      type: "proposals",
      commune: commune.value,
      proposals: proposals.value,
      votes: votes.value,
      comments: comments.value,
      outcomes: outcomes.value,
    },
    malformed: reader.malformed,
    ...schemaNoteOf(reader),
  });
}

/** Knowledge items filed under their id, each version in order: a version filed under another id is misfiled (the inventory, a partner's shared document). */
export function itemsFiledById(reader: DocReader) {
  return reader.mapOfLists("items", (key, value) => {
    const item = parseWith(itemSchema, value);
    if (!item.ok) return item;
    if (item.value.id !== key) return fail("record.misfiled", `is filed under item "${shortened(key)}" but its id is "${item.value.id}"`);
    return item;
  });
}

export function readInventoryDoc(raw: unknown): Result<ReadDoc<InventoryDoc>> {
  const opened = DocReader.open(raw, "inventory");
  if (!opened.ok) return opened;
  const reader = opened.value;
  const commune = reader.field("commune", communeId);
  if (!commune.ok) return commune;
  const items = itemsFiledById(reader);
  if (!items.ok) return items;

  return ok({ doc: { schema: 1, type: "inventory", commune: commune.value, items: items.value }, malformed: reader.malformed, ...schemaNoteOf(reader) });
}

const schemaNoteOf = (reader: DocReader): { schemaNote?: Problem } => {
  const schemaNote = reader.schemaNote;
  return schemaNote ? { schemaNote } : {};
};

function parseText(schema: z.ZodType<string>, value: unknown): Result<string> {
  const parsed = schema.safeParse(value);
  return parsed.success ? ok(parsed.data) : fail("record.malformed", parsed.error.issues[0]?.message ?? "is malformed");
}

export { describeMalformed, type Malformed } from "./malformed";
