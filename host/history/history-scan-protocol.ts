import { z } from "zod";
import type { Sighting } from "../../shared/history/scan";

/**
 * What the host's main thread and a history-scan worker say to each other
 * (./history-scans.ts). One document version is scanned per job, in up to
 * two steps, so that a version scanned before costs the main thread
 * nothing: the main thread names the version and where its kept scan is;
 * the worker answers from that file when it holds this very version, or
 * asks for the document's bytes (`A.save` on the main thread, a fraction
 * of getting its changes there) and scans them. Both sides parse what
 * arrives.
 */

const job = z.number().int().nonnegative();
const placesName = z.enum(["commune", "purse-shard", "proposals", "inventory"]);
const heads = z.array(z.string().max(128)).max(10_000);

/**
 * A sighting as shared/history/scan.ts makes it. Loose: fields the scanner
 * adds later travel along; the ones read here are checked.
 */
export const sightingSchema = z.looseObject({
  place: z.array(z.string()).max(64).readonly(),
  value: z.unknown(),
  list: z.boolean(),
  order: z.number().int().nonnegative(),
  change: z.string(),
});

export const sightingsSchema = z.array(sightingSchema).transform((sightings) => sightings as unknown as Sighting[]);

/** Where a version's scan is kept, and which version it must be to count. */
export const keptScan = z.strictObject({ file: z.string().min(1), url: z.string().min(1), heads });

export const toScanWorker = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("scan"), job, places: placesName, kept: keptScan.optional() }),
  /** The document at the version named, as `A.save` wrote it. */
  z.strictObject({ type: z.literal("document"), job, saved: z.instanceof(Uint8Array) }),
  /** That version is gone: the worker drops the job. */
  z.strictObject({ type: z.literal("forget"), job }),
]);

export type ToScanWorker = z.infer<typeof toScanWorker>;

export const fromScanWorker = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("need-document"), job }),
  /**
   * Sightings in order, a part at a time (`last` on the final part), so that
   * the main thread takes each part between its other work rather than a
   * large shard's in one go. `kept`: read from the kept file, not scanned.
   */
  z.strictObject({ type: z.literal("sightings"), job, sightings: sightingsSchema, kept: z.boolean(), last: z.boolean() }),
  /** The document could not be read or scanned (a hostile or damaged document): said in words. */
  z.strictObject({ type: z.literal("failed"), job, message: z.string() }),
]);

/** What the worker sends: its sightings as the scanner made them (the schema above is what the main thread checks of them). */
export type FromScanWorker =
  Exclude<z.input<typeof fromScanWorker>, { type: "sightings" }> | { type: "sightings"; job: number; sightings: Sighting[]; kept: boolean; last: boolean };

/** Sightings per message: receiving and checking one part costs the main thread a few milliseconds. */
export const SIGHTINGS_PER_MESSAGE = 1_000;

/**
 * What a kept scan file holds (written and read only by the worker, with
 * node:v8's serializer: it keeps bigints, bytes and dates as they are). v2
 * sights the envelope fields too (shared/history/every-record.ts); a v1
 * file lacks them, so it is scanned again.
 */
export const keptScanFile = z.strictObject({
  format: z.literal("commune/history-scan/v2"),
  url: z.string(),
  heads,
  places: placesName,
  sightings: sightingsSchema,
});

/** A kept scan larger than this is neither written nor read: the next open scans again. */
export const MAX_KEPT_SCAN_BYTES = 128 * 1024 * 1024;
