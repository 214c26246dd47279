import { fail, ok, type Result } from "../result";

/**
 * How large Automerge bytes become once inflated, measured before Automerge
 * sees them: a 64 KiB compressed change can inflate to a 64 MiB string, and
 * Automerge would allocate all of it (and copies of it) before any judge runs.
 * The chunk container is documented in
 * https://automerge.org/automerge-binary-format-spec/ : magic bytes, a 4-byte
 * checksum, a type byte, a LEB128 length and the contents. A compressed change
 * is raw DEFLATE of a change's contents; a document's columns may each be raw
 * DEFLATE. Nothing here checks the checksum (Automerge does that when it
 * loads); this only refuses what would cost too much to load.
 */

export const INFLATION_LIMITS = {
  /**
   * One change once inflated. The largest honest change is one knowledge item
   * or one proposal with its signature (well under 1 MiB of text), or a burst
   * of a few hundred entries written while offline; 4 MiB leaves room for both.
   */
  changeBytes: 4 * 1024 * 1024,
  /**
   * One document chunk once inflated. The largest honest document is a purse
   * shard holding a year of a very active member: 100 entries a day, each
   * about 1 KiB with its signature, is about 36 MiB before Automerge's column
   * encoding shrinks it; 48 MiB is above that and below the 64 MiB bombs seen.
   */
  documentBytes: 48 * 1024 * 1024,
  /**
   * Everything one sync message carries, once inflated: Automerge applies a
   * message's changes together, so many changes each under changeBytes must
   * not add up to a bomb. A message may carry a whole document (Automerge 3
   * sends one to a peer that has nothing), so this is documentBytes.
   */
  syncMessageBytes: 48 * 1024 * 1024,
  /** Chunks in one run of bytes: a document saved with many later changes appended. */
  chunks: 1_000_000,
} as const;

/**
 * Inflates raw DEFLATE without producing more than maxBytes: the size it
 * inflates to, "over" when it would go past maxBytes, "damaged" when it is not
 * DEFLATE. Passed in so shared/ stays free of Node (node:zlib in the host).
 */
export type Inflater = (compressed: Uint8Array, maxBytes: number) => number | "over" | "damaged";

const MAGIC = [0x85, 0x6f, 0x4a, 0x83] as const;
const DOCUMENT = 0;
const CHANGE = 1;
const COMPRESSED_CHANGE = 2;
/** In a column's specification, the bit saying its data is raw DEFLATE. */
const DEFLATE_BIT = 0x08;

export interface Measured {
  chunks: number;
  /** The largest inflated size of any one chunk. */
  largest: number;
  /** Every chunk's inflated size added up. */
  total: number;
}

class Reader {
  at: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.at = start;
  }

  /** An unsigned LEB128 up to 2^53; null when truncated or longer. */
  uleb(): number | null {
    let value = 0;
    let scale = 1;
    for (let index = 0; index < 8; index++) {
      if (this.at >= this.end) return null;
      const byte = this.bytes[this.at++]!;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return Number.isSafeInteger(value) ? value : null;
      scale *= 128;
    }
    return null;
  }

  skip(count: number): boolean {
    if (count > this.end - this.at) return false;
    this.at += count;
    return true;
  }

  /** A count then that many length-prefixed byte strings, e.g. the actor list. */
  skipPrefixedList(): boolean {
    const count = this.uleb();
    if (count === null || count > this.end - this.at) return false;
    for (let index = 0; index < count; index++) {
      const length = this.uleb();
      if (length === null || !this.skip(length)) return false;
    }
    return true;
  }

  /** A count then that many 32-byte change hashes. */
  skipHashes(): boolean {
    const count = this.uleb();
    return count !== null && count <= (this.end - this.at) / 32 && this.skip(count * 32);
  }
}

type Verdict = Result<number>;

const malformed = (message: string): Verdict => fail("automerge.malformed", `Not Automerge data: ${message}.`);
const tooLarge = (what: string, limit: number): Verdict =>
  fail("automerge.inflatesTooLarge", `The ${what} would inflate to more than ${limit / 1048576} MiB, more than any honest one; it was refused unread.`, {
    params: { limit },
  });

/** Column metadata: a count then (specification, length) pairs; the sum of lengths and the deflated ones. */
function readColumns(reader: Reader): { total: number; columns: { deflated: boolean; length: number }[] } | null {
  const count = reader.uleb();
  if (count === null || count > reader.end - reader.at) return null;
  const columns: { deflated: boolean; length: number }[] = [];
  let total = 0;
  for (let index = 0; index < count; index++) {
    const spec = reader.uleb();
    const length = reader.uleb();
    if (spec === null || length === null) return null;
    total += length;
    columns.push({ deflated: (spec & DEFLATE_BIT) !== 0, length });
  }
  return { total, columns };
}

/** A document chunk's contents: its own size plus what its deflated columns inflate to. */
function documentSize(bytes: Uint8Array, start: number, end: number, inflate: Inflater): Verdict {
  const limit = INFLATION_LIMITS.documentBytes;
  const reader = new Reader(bytes, start, end);
  if (!reader.skipPrefixedList() || !reader.skipHashes()) return malformed("a document's actors or heads are cut short");
  const changeColumns = readColumns(reader);
  const opColumns = changeColumns && readColumns(reader);
  if (!changeColumns || !opColumns) return malformed("a document's column list is cut short");
  if (changeColumns.total + opColumns.total > end - reader.at) return malformed("a document's columns claim more bytes than it holds");
  let size = end - start;
  for (const column of [...changeColumns.columns, ...opColumns.columns]) {
    if (column.deflated) {
      const inflated = inflate(bytes.subarray(reader.at, reader.at + column.length), limit - size);
      if (inflated === "over") return tooLarge("document", limit);
      if (inflated === "damaged") return malformed("a compressed column is not DEFLATE");
      size += inflated;
    }
    reader.at += column.length;
  }
  return size > limit ? tooLarge("document", limit) : ok(size);
}

/**
 * Walks every chunk in bytes (a saved document, a change, or any run of them,
 * as A.load and A.loadIncremental accept) and measures each one inflated,
 * never inflating past the limit. Always a verdict, never a throw: the bytes
 * may be hostile.
 */
export function measureAutomerge(bytes: Uint8Array, inflate: Inflater): Result<Measured> {
  const reader = new Reader(bytes);
  let chunks = 0;
  let largest = 0;
  let total = 0;
  while (reader.at < bytes.length) {
    if (++chunks > INFLATION_LIMITS.chunks) return fail("automerge.tooManyChunks", "The data holds more Automerge chunks than any honest document.");
    if (MAGIC.some((byte, index) => bytes[reader.at + index] !== byte))
      return fail("automerge.malformed", `Not Automerge data: chunk ${chunks} does not start with Automerge's magic bytes.`);
    reader.at += MAGIC.length + 4;
    if (reader.at >= bytes.length) return fail("automerge.malformed", "Not Automerge data: a chunk ends in its header.");
    const type = bytes[reader.at++]!;
    const length = reader.uleb();
    if (length === null || length > bytes.length - reader.at)
      return fail("automerge.malformed", "Not Automerge data: a chunk claims more bytes than there are.");
    const start = reader.at;
    const end = start + length;
    let verdict: Verdict;
    if (type === DOCUMENT) verdict = documentSize(bytes, start, end, inflate);
    else if (type === CHANGE) verdict = length > INFLATION_LIMITS.changeBytes ? tooLarge("change", INFLATION_LIMITS.changeBytes) : ok(length);
    else if (type === COMPRESSED_CHANGE) {
      const inflated = inflate(bytes.subarray(start, end), INFLATION_LIMITS.changeBytes);
      verdict =
        inflated === "over"
          ? tooLarge("change", INFLATION_LIMITS.changeBytes)
          : inflated === "damaged"
            ? malformed("a compressed change is not DEFLATE")
            : ok(inflated);
    } else verdict = malformed(`chunk ${chunks} has the unknown type ${type}`);
    if (!verdict.ok) return verdict;
    largest = Math.max(largest, verdict.value);
    total += verdict.value;
    reader.at = end;
  }
  return ok({ chunks, largest, total });
}

const SYNC_MESSAGE_TYPES = [0x42, 0x43];

/**
 * Measures what an Automerge sync message (0x42, or 0x43 with capabilities
 * after its changes) would make Automerge inflate: heads, need and have are
 * hashes and bloom filters read past, then each length-prefixed change (or
 * whole document) is measured as measureAutomerge does, and their sum is held
 * to syncMessageBytes. Run before Automerge.decodeSyncMessage, which already
 * inflates compressed changes.
 */
export function measureSyncMessage(bytes: Uint8Array, inflate: Inflater): Result<Measured> {
  const malformedMessage = (what: string): Result<Measured> => fail("automerge.malformed", `Not an Automerge sync message: ${what}.`);
  if (bytes.length === 0 || !SYNC_MESSAGE_TYPES.includes(bytes[0]!)) return malformedMessage("it does not start with a sync message's type");
  const reader = new Reader(bytes, 1);
  if (!reader.skipHashes() || !reader.skipHashes()) return malformedMessage("its heads or needs are cut short");
  const haves = reader.uleb();
  if (haves === null || haves > bytes.length) return malformedMessage("its list of haves is cut short");
  for (let index = 0; index < haves; index++) {
    const bloom = reader.skipHashes() ? reader.uleb() : null;
    if (bloom === null || !reader.skip(bloom)) return malformedMessage("a have is cut short");
  }
  const changes = reader.uleb();
  if (changes === null || changes > bytes.length) return malformedMessage("its list of changes is cut short");
  const sum: Measured = { chunks: 0, largest: 0, total: 0 };
  for (let index = 0; index < changes; index++) {
    const length = reader.uleb();
    if (length === null || length > bytes.length - reader.at) return malformedMessage("a change claims more bytes than there are");
    const measured = measureAutomerge(bytes.subarray(reader.at, reader.at + length), inflate);
    if (!measured.ok) return measured;
    reader.at += length;
    sum.chunks += measured.value.chunks;
    sum.largest = Math.max(sum.largest, measured.value.largest);
    sum.total += measured.value.total;
    if (sum.total > INFLATION_LIMITS.syncMessageBytes)
      return fail(
        "automerge.inflatesTooLarge",
        `The sync message's changes would inflate to more than ${INFLATION_LIMITS.syncMessageBytes / 1048576} MiB together, more than any honest one; it was refused unread.`,
        { params: { limit: INFLATION_LIMITS.syncMessageBytes } },
      );
  }
  return ok(sum);
}
