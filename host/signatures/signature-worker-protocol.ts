import { z } from "zod";

/**
 * What the host's main thread and a signature worker say to each other.
 * A batch of purse entries is checked in two steps, so that verdicts the
 * host already holds (on disk from an earlier run) are not verified again:
 * the worker answers each entry's claim (the key its verdict is kept under,
 * or the problem found without verifying), the main thread looks the keys
 * up and asks for the rest, and the worker answers whether each is valid.
 * Both sides parse what arrives.
 */

/** Entries go as they are: the worker computes their signed message exactly as the main thread would. */
const entryRecord = z.custom<Record<string, unknown>>((value) => typeof value === "object" && value !== null && !Array.isArray(value), "an entry record");
const batch = z.number().int().nonnegative();

export const toSignatureWorker = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("claims"), batch, entries: z.array(entryRecord) }),
  /** Verify the entries at these positions of the batch; the worker then forgets the batch. */
  z.strictObject({ type: z.literal("verify"), batch, positions: z.array(z.number().int().nonnegative()) }),
]);

export type ToSignatureWorker = z.infer<typeof toSignatureWorker>;

/** A verdict key (16 bytes as hex), or why there is nothing to verify. */
export const claimAnswer = z.union([z.string().regex(/^[0-9a-f]{32}$/), z.literal("unsigned"), z.literal("bad signature")]);

export const fromSignatureWorker = z.discriminatedUnion("type", [
  /** One answer per entry of the batch, in order. */
  z.strictObject({ type: z.literal("claims"), batch, claims: z.array(claimAnswer) }),
  /** One verdict per position asked, in order. */
  z.strictObject({ type: z.literal("verdicts"), batch, valid: z.array(z.boolean()) }),
]);

export type FromSignatureWorker = z.infer<typeof fromSignatureWorker>;

/**
 * Whether a record reaches a worker exactly as it is here. Structured clone
 * copies strings, numbers, booleans, null and undefined faithfully, but turns
 * a class instance into a plain object, which canonical encoding would then
 * accept where the main thread refuses it. Entries read from a shard are flat
 * records of scalars; anything else is checked on the main thread.
 */
export function travelsIntact(record: object): record is Record<string, unknown> {
  if (Object.getPrototypeOf(record) !== Object.prototype) return false;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) return false;
    const value: unknown = (record as Record<string, unknown>)[key];
    if (value !== null && value !== undefined && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return false;
  }
  return true;
}
