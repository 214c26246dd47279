import { fail, ok, type Result } from "../result";

/**
 * How large Automerge bytes become once loaded, measured before Automerge
 * sees them: a 64 KiB compressed change can inflate to a 64 MiB string, and
 * Automerge would allocate all of it (and copies of it) before any judge runs.
 * Bytes are not the whole cost: Automerge keeps each operation as a row of
 * about 200 bytes in memory, and its columns run-length encode repeats, so a
 * 2 KB change can carry two million operations (a plain string is stored one
 * operation per character). So each chunk's rows are counted too, from its
 * columns' encodings, without decoding a single operation.
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
  /**
   * Operations in one change. Commune writes one record per change (about
   * ten operations, every string an ImmutableString); the 100,000-entry bench
   * purse, written 1,000 entries per change, has 10,324 in its largest. Ten
   * times that is an offline burst no member types; four 2-million-character
   * strings in four 2 KB changes took a relay to 2.8 GiB and a host to 6.6.
   */
  changeOps: 100_000,
  /**
   * Operations (and changes) in one document, however it arrives: the
   * largest document of the 100,000-entry bench purse holds 37,455; a member
   * writing 100 entries a day all year fills a shard with about 365,000. One
   * million is about 200 MiB inside Automerge.
   */
  documentOps: 1_000_000,
  /**
   * Operations in all of one commune's documents on a member's machine. The
   * 100,000-entry bench purse is 1.03 million in 33 documents; eight times
   * that still fits a member's machine. A relay holds its own, lower, quota
   * per commune (relay/quota.ts), which its operator can raise up to this.
   */
  communeOps: 8_000_000,
} as const;

/**
 * Inflates raw DEFLATE without producing more than maxBytes: the inflated
 * bytes, "over" when they would go past maxBytes, "damaged" when it is not
 * DEFLATE. Passed in so shared/ stays free of Node (node:zlib in the host).
 */
export type Inflater = (compressed: Uint8Array, maxBytes: number) => Uint8Array | "over" | "damaged";

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
  /** Every chunk's operations added up (a document's changes count as operations too: each is a row Automerge keeps). */
  ops: number;
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

  /** A signed LEB128 within ±2^53; null when truncated or longer. */
  sleb(): number | null {
    let value = 0;
    let scale = 1;
    for (let index = 0; index < 8; index++) {
      if (this.at >= this.end) return null;
      const byte = this.bytes[this.at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) value -= scale;
        return Number.isSafeInteger(value) ? value : null;
      }
    }
    return null;
  }

  get left(): number {
    return this.end - this.at;
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

/** One chunk's cost: its inflated size and the rows (operations, and a document's changes) Automerge would keep. */
interface ChunkCost {
  size: number;
  ops: number;
}
type Verdict = Result<ChunkCost>;

const malformed = (message: string): Result<never> => fail("automerge.malformed", `Not Automerge data: ${message}.`);
const tooLarge = (what: string, limit: number): Result<never> =>
  fail("automerge.inflatesTooLarge", `The ${what} would inflate to more than ${limit / 1048576} MiB, more than any honest one; it was refused unread.`, {
    params: { limit },
  });
const tooManyOps = (what: string, limit: number): Result<never> =>
  fail(
    "automerge.tooManyOperations",
    `The ${what} holds more than ${limit.toLocaleString("en-US")} Automerge operations, more than any honest one; it was refused unread.`,
    { params: { limit } },
  );

interface Column {
  /** Its specification without the low four bits: which column it is. Columns nested in a group share the group's id. */
  id: number;
  /** The low three bits of its specification: how its values are encoded. */
  type: number;
  deflated: boolean;
  length: number;
}

/** Column metadata: a count then (specification, length) pairs. */
function readColumns(reader: Reader): { total: number; columns: Column[] } | null {
  const count = reader.uleb();
  if (count === null || count > reader.left) return null;
  const columns: Column[] = [];
  let total = 0;
  for (let index = 0; index < count; index++) {
    const spec = reader.uleb();
    const length = reader.uleb();
    if (spec === null || length === null) return null;
    total += length;
    columns.push({ id: Math.floor(spec / 16), type: spec & COLUMN_TYPE_BITS, deflated: (spec & DEFLATE_BIT) !== 0, length });
  }
  return { total, columns };
}

/** In a column's specification, the bits saying how its values are encoded. */
const COLUMN_TYPE_BITS = 0x07;
const GROUP = 0;
const ACTOR = 1;
const ULEB = 2;
const DELTA = 3;
const BOOLEAN = 4;
const STRING = 5;
const VALUE_METADATA = 6;

/**
 * How many values one column holds, read from its encoding without decoding
 * them: run-length columns are runs of (count, value), literal runs and null
 * runs; boolean columns are alternating run lengths; raw value bytes hold no
 * count of their own (the value metadata column counts them). Stops once past
 * `limit`; null when the encoding is cut short. Every run takes at least one
 * byte, so this is linear in the column's bytes.
 */
function columnRows(bytes: Uint8Array, type: number, limit: number): number | null {
  const reader = new Reader(bytes);
  let rows = 0;
  if (type === BOOLEAN) {
    while (reader.left > 0 && rows <= limit) {
      const run = reader.uleb();
      if (run === null) return null;
      rows += run;
    }
    return rows;
  }
  const value: (() => boolean) | undefined =
    type === DELTA
      ? () => reader.sleb() !== null
      : type === STRING
        ? () => {
            const length = reader.uleb();
            return length !== null && reader.skip(length);
          }
        : type === GROUP || type === ACTOR || type === ULEB || type === VALUE_METADATA
          ? () => reader.uleb() !== null
          : undefined;
  if (!value) return 0;
  while (reader.left > 0 && rows <= limit) {
    const run = reader.sleb();
    if (run === null) return null;
    if (run > 0) {
      if (!value()) return null;
      rows += run;
    } else if (run < 0) {
      if (-run > reader.left) return null;
      for (let index = 0; index < -run; index++) if (!value()) return null;
      rows -= run;
    } else {
      const nulls = reader.uleb();
      if (nulls === null) return null;
      rows += nulls;
    }
  }
  return rows;
}

/**
 * The rows a run of columns encodes: the longest column's count (Automerge
 * reads every column of a row together), plus the values nested in each group
 * (an operation's predecessors, a change's dependencies), which Automerge
 * keeps too: a group column says how many of the next columns' values belong
 * to each row, and the columns that share its id hold them. Deflated columns
 * are inflated within what is left of `budget` bytes, which is spent as they
 * are.
 */
function rowsOf(
  bytes: Uint8Array,
  at: number,
  columns: readonly Column[],
  limit: number,
  inflate: Inflater,
  budget: { bytes: number },
): Result<{ rows: number; end: number }> | "over" {
  let rows = 0;
  const groups = new Map<number, number>();
  for (const column of columns) {
    let data = bytes.subarray(at, at + column.length);
    at += column.length;
    if (column.deflated) {
      const inflated = inflate(data, budget.bytes);
      if (inflated === "over") return "over";
      if (inflated === "damaged") return malformed("a compressed column is not DEFLATE");
      budget.bytes -= inflated.length;
      data = inflated;
    }
    const count = columnRows(data, column.type, limit);
    if (count === null) return malformed("a column's encoding is cut short");
    const nested = column.type !== GROUP && groups.has(column.id);
    if (nested) groups.set(column.id, Math.max(groups.get(column.id)!, count));
    else rows = Math.max(rows, count);
    if (column.type === GROUP && !groups.has(column.id)) groups.set(column.id, 0);
  }
  for (const values of groups.values()) rows += values;
  return ok({ rows, end: at });
}

/** A document chunk's contents: its own size plus what its deflated columns inflate to, and its changes and operations. */
function documentCost(bytes: Uint8Array, start: number, end: number, inflate: Inflater): Verdict {
  const limit = INFLATION_LIMITS.documentBytes;
  const reader = new Reader(bytes, start, end);
  if (!reader.skipPrefixedList() || !reader.skipHashes()) return malformed("a document's actors or heads are cut short");
  const changeColumns = readColumns(reader);
  const opColumns = changeColumns && readColumns(reader);
  if (!changeColumns || !opColumns) return malformed("a document's column list is cut short");
  if (changeColumns.total + opColumns.total > reader.left) return malformed("a document's columns claim more bytes than it holds");
  const budget = { bytes: limit - (end - start) };
  const maxOps = INFLATION_LIMITS.documentOps;
  const changes = rowsOf(bytes, reader.at, changeColumns.columns, maxOps, inflate, budget);
  if (changes === "over") return tooLarge("document", limit);
  if (!changes.ok) return changes;
  const ops = rowsOf(bytes, changes.value.end, opColumns.columns, maxOps, inflate, budget);
  if (ops === "over" || budget.bytes < 0) return tooLarge("document", limit);
  if (!ops.ok) return ops;
  const rows = changes.value.rows + ops.value.rows;
  if (rows > maxOps) return tooManyOps("document", maxOps);
  return ok({ size: limit - budget.bytes, ops: rows });
}

/**
 * A change's contents (inflated, when the chunk was compressed): dependencies,
 * actor, sequence number, start op, time, message and other actors, then its
 * operation columns. Only the operations are counted: the header is read past.
 */
function changeCost(contents: Uint8Array, inflate: Inflater): Verdict {
  const reader = new Reader(contents);
  const header =
    reader.skipHashes() &&
    reader.skip(reader.uleb() ?? Infinity) &&
    reader.uleb() !== null &&
    reader.uleb() !== null &&
    reader.sleb() !== null &&
    reader.skip(reader.uleb() ?? Infinity) &&
    reader.skipPrefixedList();
  const columns = header ? readColumns(reader) : null;
  if (!columns) return malformed("a change's header is cut short");
  if (columns.total > reader.left) return malformed("a change's columns claim more bytes than it holds");
  const limit = INFLATION_LIMITS.changeOps;
  const budget = { bytes: INFLATION_LIMITS.changeBytes - contents.length };
  const ops = rowsOf(contents, reader.at, columns.columns, limit, inflate, budget);
  if (ops === "over") return tooLarge("change", INFLATION_LIMITS.changeBytes);
  if (!ops.ok) return ops;
  if (ops.value.rows > limit) return tooManyOps("change", limit);
  return ok({ size: INFLATION_LIMITS.changeBytes - budget.bytes, ops: ops.value.rows + 1 });
}

/**
 * Walks every chunk in bytes (a saved document, a change, or any run of them,
 * as A.load and A.loadIncremental accept) and measures each one inflated,
 * never inflating past the limit, and counts the operations each would add.
 * Each chunk is held to its own limits; what the chunks add up to is for the
 * caller to judge (a backup holds many documents, a sync message one). Always
 * a verdict, never a throw: the bytes may be hostile.
 */
export function measureAutomerge(bytes: Uint8Array, inflate: Inflater): Result<Measured> {
  const reader = new Reader(bytes);
  let chunks = 0;
  let largest = 0;
  let total = 0;
  let ops = 0;
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
    if (type === DOCUMENT) verdict = documentCost(bytes, start, end, inflate);
    else if (type === CHANGE)
      verdict = length > INFLATION_LIMITS.changeBytes ? tooLarge("change", INFLATION_LIMITS.changeBytes) : changeCost(bytes.subarray(start, end), inflate);
    else if (type === COMPRESSED_CHANGE) {
      const inflated = inflate(bytes.subarray(start, end), INFLATION_LIMITS.changeBytes);
      verdict =
        inflated === "over"
          ? tooLarge("change", INFLATION_LIMITS.changeBytes)
          : inflated === "damaged"
            ? malformed("a compressed change is not DEFLATE")
            : changeCost(inflated, inflate);
    } else verdict = malformed(`chunk ${chunks} has the unknown type ${type}`);
    if (!verdict.ok) return verdict;
    largest = Math.max(largest, verdict.value.size);
    total += verdict.value.size;
    ops += verdict.value.ops;
    reader.at = end;
  }
  return ok({ chunks, largest, total, ops });
}

const SYNC_MESSAGE_TYPES = [0x42, 0x43];

/**
 * Measures what an Automerge sync message (0x42, or 0x43 with capabilities
 * after its changes) would make Automerge inflate: heads, need and have are
 * hashes and bloom filters read past, then each length-prefixed change (or
 * whole document) is measured as measureAutomerge does, and their sum is held
 * to syncMessageBytes and documentOps. Run before Automerge.decodeSyncMessage, which already
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
  const sum: Measured = { chunks: 0, largest: 0, total: 0, ops: 0 };
  for (let index = 0; index < changes; index++) {
    const length = reader.uleb();
    if (length === null || length > bytes.length - reader.at) return malformedMessage("a change claims more bytes than there are");
    const measured = measureAutomerge(bytes.subarray(reader.at, reader.at + length), inflate);
    if (!measured.ok) return measured;
    reader.at += length;
    sum.chunks += measured.value.chunks;
    sum.largest = Math.max(sum.largest, measured.value.largest);
    sum.total += measured.value.total;
    sum.ops += measured.value.ops;
    // A message concerns one document: together its changes are held to what one document may hold.
    if (sum.ops > INFLATION_LIMITS.documentOps) return tooManyOps("sync message's changes together", INFLATION_LIMITS.documentOps);
    if (sum.total > INFLATION_LIMITS.syncMessageBytes)
      return fail(
        "automerge.inflatesTooLarge",
        `The sync message's changes would inflate to more than ${INFLATION_LIMITS.syncMessageBytes / 1048576} MiB together, more than any honest one; it was refused unread.`,
        { params: { limit: INFLATION_LIMITS.syncMessageBytes } },
      );
  }
  return ok(sum);
}

/** The operations (and changes) a Repo already holds, in the document a sync message concerns and in all of its commune's documents. */
export interface HeldOperations {
  document: number;
  commune: number;
}

/**
 * Whether `incoming` more operations may join what is held: one change under
 * its limit after another could otherwise grow a document, or a commune, to
 * any size. Relays and hosts hold documents to the same documentOps, so what
 * a relay stores every member can load. `communeLimit` is the machine's own:
 * communeOps on a member's machine, the operator's quota on a relay.
 */
export function operationsProblem(held: HeldOperations, incoming: number, communeLimit: number = INFLATION_LIMITS.communeOps): Result<void> {
  if (incoming === 0) return ok(undefined);
  const limit = INFLATION_LIMITS.documentOps;
  if (held.document + incoming > limit)
    return fail(
      "automerge.documentFull",
      `These changes would take the document past ${limit.toLocaleString("en-US")} Automerge operations, more than any honest one holds; they were refused.`,
      { params: { limit } },
    );
  if (held.commune + incoming > communeLimit)
    return fail(
      "automerge.communeFull",
      `These changes would take the commune past ${communeLimit.toLocaleString("en-US")} Automerge operations on this machine; they were refused.`,
      { params: { limit: communeLimit } },
    );
  return ok(undefined);
}
