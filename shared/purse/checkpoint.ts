import { z } from "zod";
import type { CommuneState } from "../commune/state";
import { fromStored } from "../docs/automerge-form";
import { communeId, count, currencyCode, publicKey, signature, time } from "../docs/fields";
import type { PublicKey } from "../identity/keys";
import type { Verifier } from "../identity/crypto";
import type { Signed } from "../identity/signed";
import { judgeCheckpoint } from "../judges/checkpoint";
import type { PurseView } from "./balances";
import { proposalSpending } from "./spend-authority";

/**
 * A member's signed count of the purse: "with these shards at these heads,
 * my host found these balances". A newcomer shows the newest checkpoint of
 * an active member (marked as that member's count, provisional) while its
 * own host receives and checks the full history, which for a purse of
 * 100,000 entries takes tens of seconds; its own count then replaces it.
 *
 * A checkpoint is trusted as far as its signer: it is never used to judge an
 * entry, only shown until the member's own count exists. A member who signs
 * a false count misleads a newcomer for those seconds, and no longer.
 */
export interface Checkpoint {
  commune: string;
  at: number;
  /** Every purse shard the count covers: `shardKey` to its heads. */
  shards: Record<string, string[]>;
  purse: Record<string, number>;
  members: Record<PublicKey, Record<string, number>>;
  entries: { counted: number; overdrawn: number; untrusted: number };
  /** Amount paid out under each spend proposal that has had a payment. */
  used: Record<string, number>;
}

export type SignedCheckpoint = Signed<Checkpoint>;

// Balances may be negative (member standings) but always whole minor units.
const balance = z.number().int().safe();
const balances = z.record(currencyCode, balance).refine((value) => Object.keys(value).length <= 1_000, "lists too many currencies");

const checkpointSchema = z.looseObject({
  commune: communeId,
  at: time,
  by: publicKey,
  sig: signature,
  shards: z
    .record(z.string().max(200), z.array(z.string().max(100)).max(1_000))
    .refine((value) => Object.keys(value).length <= 100_000, "lists too many shards"),
  purse: balances,
  members: z.record(publicKey, balances).refine((value) => Object.keys(value).length <= 100_000, "lists too many members"),
  entries: z.object({ counted: count, overdrawn: count, untrusted: count }),
  used: z.record(z.string().max(64), balance),
});

/** The checkpoint's fields from a member's complete count of the purse. */
export function checkpointOf(commune: string, at: number, shards: Record<string, string[]>, purse: PurseView, state: CommuneState): Checkpoint {
  const entries = { counted: 0, overdrawn: 0, untrusted: 0 };
  for (const view of purse.entries) entries[view.status]++;
  const used: Record<string, number> = {};
  for (const [proposal, amount] of proposalSpending(purse.entries, state)) if (amount !== 0) used[proposal] = amount;
  const members: Record<PublicKey, Record<string, number>> = {};
  for (const [member, standing] of Object.entries(purse.members)) members[member] = { ...standing };
  return { commune, at, shards, purse: { ...purse.purse }, members, entries, used };
}

/**
 * The newest checkpoint in a commune document's `checkpoints` map that is
 * well formed, for this commune, validly signed by the member it is filed
 * under, and written while that member was active. Anything else is skipped.
 */
export function trustedCheckpoint(verifier: Verifier, raw: unknown, commune: string, state: CommuneState): SignedCheckpoint | undefined {
  const stored = fromStored(raw);
  if (!stored || typeof stored !== "object" || Array.isArray(stored)) return undefined;
  let newest: SignedCheckpoint | undefined;
  for (const [key, value] of Object.entries(stored as Record<string, unknown>)) {
    const parsed = checkpointSchema.safeParse(fromStored(value));
    if (!parsed.success) continue;
    const checkpoint = parsed.data as SignedCheckpoint;
    if (checkpoint.commune !== commune) continue;
    if (newest && newest.at >= checkpoint.at) continue;
    if (judgeCheckpoint(verifier, state, checkpoint, key) !== "counted") continue;
    newest = checkpoint;
  }
  return newest;
}
