import { z } from "zod";
import { LIMITS, automergeUrl, communeId, currencyCode, line, publicKey, signature, time } from "../docs/fields";
import type { DocType } from "../docs/version";
import type { PublicKey } from "../identity/keys";
import type { Signed } from "../identity/signed";
import { AUTOMERGE_LIMITS } from "./automerge-container";
import { SNAPSHOT_LIMITS, type SnapshotBalances } from "./snapshot-schema";

/**
 * The manifest of an Automerge backup: which document each stretch of bytes
 * is, its heads, and the balances the exporter's app computed from them,
 * signed by the exporter (purpose "snapshot"; the `format` field keeps it
 * from ever passing for a JSON snapshot, whose format differs).
 */

export const AUTOMERGE_FORMAT = "commune-automerge";
export const AUTOMERGE_VERSION = 1;

export interface ManifestDocument {
  /** The document's type, as its own `type` field says. */
  role: DocType;
  url: string;
  /** Length of its Automerge.save() bytes in the file. */
  bytes: number;
  /** Automerge heads (hex change hashes) when exported. */
  heads: string[];
}

export interface ManifestBody {
  format: typeof AUTOMERGE_FORMAT;
  version: typeof AUTOMERGE_VERSION;
  commune: { id: string; name: string };
  createdAt: number;
  /** The commune document first, then proposals, inventory, and the purse shards. */
  documents: ManifestDocument[];
  /** How many purse entries the shards hold. */
  entries: number;
  /** As purse() computes them from every entry in the file, at createdAt. */
  balances: SnapshotBalances;
  by: PublicKey;
}

export type Manifest = Signed<ManifestBody>;

const whole = (min: number, max: number, message: string) =>
  z
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message })
    .refine((value) => !Object.is(value, -0), { error: message });

const head = z.string({ error: "must be a change hash" }).regex(/^[0-9a-f]{64}$/, { error: "must be a change hash (64 lowercase hex digits)" });

const balances = (what: string) =>
  z
    .record(currencyCode, whole(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, "must be a whole number of minor units"), { error: `must map ${what}` })
    .refine((record) => Object.keys(record).length <= LIMITS.currencies * 10, { error: "must hold fewer currencies" });

export const manifestSchema = z.strictObject(
  {
    format: z.literal(AUTOMERGE_FORMAT, { error: `must be "${AUTOMERGE_FORMAT}"` }),
    version: z.literal(AUTOMERGE_VERSION, { error: `must be ${AUTOMERGE_VERSION}` }),
    commune: z.strictObject({ id: communeId, name: line(LIMITS.name) }, { error: "must name the commune" }),
    createdAt: time,
    documents: z
      .array(
        z.strictObject(
          {
            role: z.enum(["commune", "proposals", "inventory", "purse-shard"], { error: "must be commune, proposals, inventory or purse-shard" }),
            url: automergeUrl,
            bytes: whole(0, AUTOMERGE_LIMITS.fileBytes, "must be a length in bytes"),
            heads: z.array(head, { error: "must be a list of change hashes" }).max(AUTOMERGE_LIMITS.headsPerDocument, { error: "must list fewer heads" }),
          },
          { error: "must describe a document" },
        ),
        { error: "must be a list of documents" },
      )
      .min(3, { error: "must list at least the commune, proposals and inventory documents" })
      .max(AUTOMERGE_LIMITS.documents, { error: `must list at most ${AUTOMERGE_LIMITS.documents} documents` }),
    entries: whole(0, SNAPSHOT_LIMITS.entries * 10, "must be a number of entries"),
    balances: z.strictObject(
      {
        purse: balances("currencies"),
        members: z
          .record(publicKey, balances("currencies"), { error: "must map members" })
          .refine((record) => Object.keys(record).length <= SNAPSHOT_LIMITS.members, { error: "must hold fewer members" }),
      },
      { error: "must give the purse's and members' balances" },
    ),
    by: publicKey,
    sig: signature,
  },
  { error: "must be a backup manifest" },
);
