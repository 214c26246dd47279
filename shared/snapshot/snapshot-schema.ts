import { z } from "zod";
import type { SignedMembershipEvent } from "../commune/events";
import type { Genesis } from "../commune/genesis";
import { LIMITS, automergeUrl, communeId, currencyCode, line, publicKey, signature, time } from "../docs/fields";
import { shortened } from "../docs/malformed";
import { entrySchema, genesisSchema, membershipEventSchema, proposalSchema, voteSchema } from "../docs/records";
import type { PublicKey } from "../identity/keys";
import type { Signed } from "../identity/signed";
import type { SignedProposal, SignedVote } from "../proposals/proposal";
import type { SignedEntry } from "../purse/entry";

/**
 * The shape of a Commune snapshot file (format "commune-snapshot", version 1),
 * documented in docs/snapshot-format.md and mirrored by
 * docs/snapshot.schema.json. Only the shape is checked here; signatures,
 * membership and balances are checked by verifySnapshot.
 *
 * The envelope is strict (an unknown top-level key is refused: the exporter's
 * signature covers the whole file, and a version 1 reader must not skip what
 * it does not understand). The signed records inside keep unknown keys, as
 * in the documents (see docs/records.ts): their authors' signatures cover them.
 */

export const SNAPSHOT_FORMAT = "commune-snapshot";
export const SNAPSHOT_VERSION = 1;

/** Bounds a snapshot may not exceed, so a hostile file cannot make the reader allocate without limit. */
export const SNAPSHOT_LIMITS = {
  /** 200 MiB of text (UTF-16 code units, i.e. characters of the JSON text): about 400,000 entries. */
  textLength: 200 * 1024 * 1024,
  /** Arrays and objects nested deeper than this are refused before JSON.parse sees the text. */
  depth: 64,
  entries: 1_000_000,
  events: 100_000,
  proposals: 100_000,
  votes: 1_000_000,
  documents: 10_000,
  headsPerDocument: 1_000,
  members: 100_000,
} as const;

/** Where an entry was read from: the purse shard of `shardOwner`. */
export interface SnapshotEntry {
  shardOwner: PublicKey;
  entry: SignedEntry;
}

export interface SnapshotBalances {
  /** Currency code → minor units in the common purse. */
  purse: Record<string, number>;
  /** Member key → currency code → standing in minor units (may be negative). */
  members: Record<PublicKey, Record<string, number>>;
}

/** Everything the exporter signs (purpose "snapshot"); `by` is the exporter's key. */
export interface SnapshotBody {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  commune: { id: string; name: string };
  /** When the snapshot was made (ms since 1970, UTC). */
  createdAt: number;
  /** Entries and records dated up to and including this time are in the snapshot. */
  asOf: number;
  genesis: Signed<Genesis>;
  events: SignedMembershipEvent[];
  proposals: SignedProposal[];
  votes: SignedVote[];
  /** In the canonical purse order; "entry #n" counts from 1 in this order. */
  entries: SnapshotEntry[];
  balances: SnapshotBalances;
  /** Automerge document URL → the document's heads when the snapshot was made. */
  heads: Record<string, string[]>;
}

export type Snapshot = Signed<SnapshotBody>;

const wholeNumber = (min: number, message: string) =>
  z
    .int({ error: message })
    .min(min, { error: message })
    .max(Number.MAX_SAFE_INTEGER, { error: message })
    .refine((value) => !Object.is(value, -0), { error: message });

const standing = wholeNumber(-Number.MAX_SAFE_INTEGER, "must be a whole number of minor units");
const holding = wholeNumber(0, "must be a whole number of minor units, 0 or more");

const bounded = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z.array(item, { error: `must be a list of ${what}` }).max(max, { error: `must list at most ${max} ${what}` });

const boundedRecord = <K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V, max: number, what: string) =>
  z.record(key, value, { error: `must map ${what}` }).refine((record) => Object.keys(record).length <= max, { error: `must hold at most ${max} ${what}` });

/** The message for a strict object: which unknown fields it has (at most three, each shortened), else `fallback`. */
const strictError =
  (fallback: string) =>
  (issue: z.core.$ZodRawIssue): string => {
    if (issue.code !== "unrecognized_keys") return fallback;
    const keys = issue.keys
      .slice(0, 3)
      .map((key) => `"${shortened(key)}"`)
      .join(", ");
    return `has ${issue.keys.length === 1 ? "a field" : "fields"} the format does not have (${keys}${issue.keys.length > 3 ? ", ..." : ""})`;
  };

/** An Automerge change hash: 64 lowercase hex digits. */
const head = z.string({ error: "must be a change hash" }).regex(/^[0-9a-f]{64}$/, { error: "must be a change hash (64 lowercase hex digits)" });

export const snapshotSchema = z.strictObject(
  {
    format: z.literal(SNAPSHOT_FORMAT, { error: `must be "${SNAPSHOT_FORMAT}"` }),
    version: z.literal(SNAPSHOT_VERSION, { error: `must be ${SNAPSHOT_VERSION}` }),
    commune: z.strictObject({ id: communeId, name: line(LIMITS.name) }, { error: strictError("must name the commune") }),
    createdAt: time,
    asOf: time,
    genesis: genesisSchema,
    events: bounded(membershipEventSchema, SNAPSHOT_LIMITS.events, "membership events"),
    proposals: bounded(proposalSchema, SNAPSHOT_LIMITS.proposals, "proposals"),
    votes: bounded(voteSchema, SNAPSHOT_LIMITS.votes, "votes"),
    entries: bounded(
      z.strictObject({ shardOwner: publicKey, entry: entrySchema }, { error: strictError("must be an entry with its shard owner") }),
      SNAPSHOT_LIMITS.entries,
      "entries",
    ),
    balances: z.strictObject(
      {
        purse: boundedRecord(currencyCode, holding, LIMITS.currencies * 10, "currencies"),
        members: boundedRecord(publicKey, boundedRecord(currencyCode, standing, LIMITS.currencies * 10, "currencies"), SNAPSHOT_LIMITS.members, "members"),
      },
      { error: strictError("must give the purse's and members' balances") },
    ),
    heads: boundedRecord(automergeUrl, bounded(head, SNAPSHOT_LIMITS.headsPerDocument, "heads"), SNAPSHOT_LIMITS.documents, "documents"),
    by: publicKey,
    sig: signature,
  },
  { error: strictError("must be a snapshot") },
);
