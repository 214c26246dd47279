import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { z } from "zod";
import { problem, type Problem } from "../../shared/result";
import { decodeItem, encodeItem, idOfItem, ITEM_LIMITS, type ItemHeader, type SealedItem } from "../../shared/privacy/headers";
import { droppedBySnapshot, startingSnapshot, type KeptItem } from "./compaction";
import { writeAtomically } from "../atomic-file";

/**
 * One private commune on a relay's disk (docs/relay.md, "The private
 * commune"): an append-only log of items as members sent them, the epoch
 * tree, and which item is the latest snapshot of each document.
 *
 *   log/00000001 ...   records: u32 length, u32 CRC-32 of the item, the item (encodeItem bytes);
 *                      or a gap: u32 0, u32 CRC-32 of the count, u32 count of dropped sequence numbers
 *   epochs.json        the epoch tree: ids, numbers, parents, admission PUBLIC keys, sequence numbers
 *   genesis.json       the founding anchor as registered (no readable field; a commune moved from plaintext: its genesis)
 *
 * An item's sequence number is its place in the log (1, 2, ...): the log is
 * the truth, and the index, the epoch tree and the snapshot table are rebuilt
 * from its headers on open. A record is fsync'd before its number is given,
 * so an acknowledged item survives kill -9; a torn last record (the process
 * died mid-write) is cut on open. Payloads are never parsed, only hashed by
 * the protocol's signature check: the relay stores what it gets.
 *
 * Compaction: a snapshot of document D whose header says `covers: N` holds
 * every batch of D numbered N or lower, so once it is on disk the store
 * drops those batches and D's earlier snapshots numbered N or lower
 * (compaction.ts decides which). Numbers never move, because members fetch
 * `since` the last one they read: each log file holding a dropped item is
 * copied record by record to `log/0000000N.tmp` with every run of dropped
 * numbers written as one gap record, fsync'd, renamed over the old file, and
 * the directory fsync'd. A kill at any moment leaves each file old or new,
 * both of which scan to the same numbers; `open` drops again whatever a kept
 * snapshot covers, so a compaction cut short is finished then. A reader that
 * opened the old file keeps reading it (its handle is tied to the file's
 * generation); one that meets a file being replaced waits for the swap.
 */

/** One log file is closed and the next begun past this size, so no file grows without end. */
export const LOG_FILE_BYTES = 64 * 1024 * 1024;
const RECORD_PREFIX = 8;

export interface Quota {
  /** Distinct document ids among a commune's batches and snapshots. */
  documents: number;
  /** Bytes of its log, records' prefixes included. */
  bytes: number;
  /** Where a log file ends and the next begins; LOG_FILE_BYTES unless a test wants many files. */
  fileBytes?: number;
}

export interface EpochNode {
  id: string;
  epoch: number;
  parent: string | null;
  /** Ed25519 public key the relay admits this epoch's holders by; the relay never holds a secret. */
  admission: string;
  seq: number;
}

const epochsFile = z.strictObject({
  version: z.literal(1),
  epochs: z.array(
    z.strictObject({
      id: z.string().regex(/^[0-9a-f]{64}$/),
      epoch: z.number().int().min(1),
      parent: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .nullable(),
      admission: z.string().regex(/^[0-9a-f]{64}$/),
      seq: z.number().int().min(1),
    }),
  ),
});

export interface AppendHooks {
  /** A reason to refuse the item, judged after every earlier append; nothing is written then. */
  guard?: () => Problem | undefined;
  /** The item is on disk as `seq`. */
  stored?: (seq: number) => void;
}

export type Appended = { ok: true; seq: number; duplicate: boolean } | { ok: false; problem: Problem };

interface Place {
  file: number;
  /** Which copy of the file the offset is in: a compaction's rewrite is the next generation. */
  generation: number;
  offset: number;
  length: number;
}

/** What a gap record's length field holds: no item is 0 bytes long (an item has a 4-byte header length). */
const GAP_MARK = 0;
const GAP_RECORD = 12;

export class PrivateStore {
  readonly #dir: string;
  readonly #quota: Quota;
  /** places[seq - 1]: where item `seq` lies; undefined once a snapshot has dropped it. */
  readonly #places: Array<Place | undefined> = [];
  /** Per log file: the first and last sequence number it holds (gaps included) and its generation. */
  readonly #files = new Map<number, { first: number; last: number; generation: number }>();
  /** Files being replaced by a compaction; a reader waits for the swap before opening one. */
  readonly #swaps = new Map<number, Promise<void>>();
  /** Each document's kept batches and snapshots, in log order, with what a snapshot covers. */
  readonly #kept = new Map<string, KeptItem[]>();
  readonly #idOfSeq = new Map<number, string>();
  readonly #seqOfId = new Map<string, number>();
  readonly #documents = new Set<string>();
  readonly #snapshots = new Map<string, number>();
  /** Each document's batches by sequence number, in log order: what follows its latest snapshot. */
  readonly #batches = new Map<string, number[]>();
  readonly #epochs = new Map<string, EpochNode>();
  readonly #children = new Map<string, string[]>();
  #bytes = 0;
  #file = 1;
  #fileBytes = 0;
  #handle: FileHandle | undefined;
  /** Appends run one at a time, in arrival order. */
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(dir: string, quota: Quota) {
    this.#dir = dir;
    this.#quota = quota;
  }

  /** Whether a commune's store exists in `dir` (it was registered). */
  static async exists(dir: string): Promise<boolean> {
    try {
      return (await stat(join(dir, "genesis.json"))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Creates a commune's store from its registration: the genesis and the
   * epoch chain, whose records become the log's first items. The genesis is
   * written last, so a store without one is an unfinished registration.
   */
  static async create(dir: string, genesis: object, chain: SealedItem[], quota: Quota): Promise<PrivateStore> {
    if (await PrivateStore.exists(dir)) throw new Error(`${dir} holds a registered commune already`);
    // What is there is an unfinished registration (no genesis): it is started again.
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, "log"), { recursive: true, mode: 0o700 });
    const store = new PrivateStore(dir, quota);
    for (const item of chain) {
      const appended = await store.append(item);
      if (!appended.ok) {
        await store.close();
        throw new Error(`registration chain refused by the store: ${appended.problem.message}`);
      }
    }
    await writeAtomically(join(dir, "genesis.json"), JSON.stringify(genesis));
    return store;
  }

  /** Opens a registered commune's store: reads the log's headers, cuts a torn last record, rebuilds the indexes. */
  static async open(dir: string, quota: Quota): Promise<PrivateStore> {
    const store = new PrivateStore(dir, quota);
    await store.#scan();
    await store.#saveEpochsIfBehind();
    return store;
  }

  /** The highest sequence number stored; 0 for an empty log. */
  get head(): number {
    return this.#places.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get documents(): number {
    return this.#documents.size;
  }

  epoch(id: string): EpochNode | undefined {
    return this.#epochs.get(id);
  }

  childrenOf(id: string): EpochNode[] {
    return (this.#children.get(id) ?? []).map((child) => this.#epochs.get(child)!);
  }

  /** The founding record the commune was registered with (genesis.json): its anchor, or a moved commune's readable genesis. */
  async genesis(): Promise<unknown> {
    return JSON.parse(await readFile(join(this.#dir, "genesis.json"), "utf8")) as unknown;
  }

  /** Every first epoch (number 1, no parent): one, unless two moves of the commune registered different ones on different relays. */
  firsts(): EpochNode[] {
    return [...this.#epochs.values()].filter((node) => node.parent === null);
  }

  /** Epochs without a child: the only ones a socket is admitted by. */
  tips(): EpochNode[] {
    return [...this.#epochs.values()].filter((node) => !this.#children.has(node.id));
  }

  /** Every epoch below `id`, parents before children. */
  descendantsOf(id: string): EpochNode[] {
    const found: EpochNode[] = [];
    const queue = [id];
    while (queue.length > 0) {
      for (const child of this.childrenOf(queue.shift()!)) {
        found.push(child);
        queue.push(child.id);
      }
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  /** The snapshot a newcomer starts `document` from (compaction.ts, startingSnapshot). */
  latestSnapshot(document: string): number | undefined {
    return this.#snapshots.get(document);
  }

  /** The sequence numbers of every document's latest snapshot, in log order. */
  latestSnapshots(): number[] {
    return [...this.#snapshots.values()].sort((a, b) => a - b);
  }

  /**
   * What a newcomer reads first: each document's latest snapshot and that
   * document's batches numbered past what the snapshot covers (a batch put
   * between the number it covers and the snapshot itself may not be in it),
   * each once, each snapshot before its batches, so a member who has none of
   * the document loads it whole, without a patch per value, and merges the
   * batches into it. A document with batches and no snapshot is not in it
   * (the fetch of the log that follows brings it).
   *
   * Documents go smallest first (the bytes of their items here; log order
   * between equals). The relay cannot tell a commune's documents apart, but
   * the few a newcomer needs before it can show anything (the commune
   * document with the signed count, its proposals and inventory) are small,
   * and the purse's shards are large: in log order a commune document
   * compacted after the shards came after them, and a newcomer loaded every
   * shard (seconds at 100,000 entries) before it could show a balance.
   */
  latestSnapshotsAndAfter(): number[] {
    const documents: Array<{ seqs: number[]; bytes: number }> = [];
    for (const [document, snapshot] of [...this.#snapshots].sort((a, b) => a[1] - b[1])) {
      const { covers } = startingSnapshot(this.#kept.get(document)!)!;
      const seqs = [snapshot];
      for (const batch of [...(this.#batches.get(document) ?? [])].sort((a, b) => a - b)) if (batch > covers && batch !== snapshot) seqs.push(batch);
      documents.push({ seqs, bytes: seqs.reduce((sum, seq) => sum + (this.#places[seq - 1]?.length ?? 0), 0) });
    }
    // Array.prototype.sort is stable: documents of equal size stay in log order.
    return documents.sort((a, b) => a.bytes - b.bytes).flatMap(({ seqs }) => seqs);
  }

  /**
   * Appends one item and resolves once it is on disk (fsync'd) with its
   * sequence number. The quota is checked before a byte is written; an item
   * already stored (same id) answers its old number and writes nothing.
   * The protocol judges whether the item may be put in `hooks.guard`, which
   * runs in the append queue, so it sees every earlier item (two epochs put
   * at once cannot both be the first child of their parent); `hooks.stored`
   * runs there too, right after the item is indexed, so whatever it passes
   * on leaves in sequence order.
   */
  append(item: SealedItem, hooks: AppendHooks = {}): Promise<Appended> {
    const result = this.#tail.then(() => this.#append(item, hooks));
    this.#tail = result.catch(() => {});
    return result;
  }

  /**
   * Calls `each` with every item after `since`, in order, one at a time
   * (awaiting it), reading one record at a time from disk: a long log is
   * never held in memory. Items appended while it runs are included; it ends
   * at the head it finds when `each` of the last one has resolved.
   */
  async read(since: number, each: (seq: number, bytes: Uint8Array) => Promise<void>): Promise<number> {
    let seq = Math.max(0, since);
    let current: { file: number; generation: number; handle: FileHandle } | undefined;
    try {
      while (seq < this.head && !this.#closed) {
        const place = this.#places[seq];
        seq++;
        // A number a snapshot dropped is a hole: the reader goes on past it.
        if (!place) continue;
        if (current?.file !== place.file || current.generation !== place.generation) {
          await current?.handle.close();
          current = undefined;
          const handle = await this.#openPlace(place);
          // The file was replaced meanwhile: the item is looked up again in the new one.
          if (!handle) {
            seq--;
            continue;
          }
          current = { file: place.file, generation: place.generation, handle };
        }
        const bytes = new Uint8Array(place.length);
        await readFully(current.handle, bytes, place.offset + RECORD_PREFIX);
        await each(seq, bytes);
      }
    } finally {
      await current?.handle.close();
    }
    return seq;
  }

  /** The stored bytes of item `seq` (encodeItem form); a dropped item is not asked for. */
  async itemAt(seq: number): Promise<Uint8Array> {
    const bytes = await this.keptItem(seq);
    if (!bytes) throw new RangeError(`no item ${seq}`);
    return bytes;
  }

  /**
   * The stored bytes of item `seq`, or undefined when it is not kept: a
   * snapshot may drop an item between the moment a caller listed it and the
   * moment it is read.
   */
  async keptItem(seq: number): Promise<Uint8Array | undefined> {
    for (;;) {
      const place = this.#places[seq - 1];
      if (!place) return undefined;
      const handle = await this.#openPlace(place);
      if (!handle) continue;
      try {
        const bytes = new Uint8Array(place.length);
        await readFully(handle, bytes, place.offset + RECORD_PREFIX);
        return bytes;
      } finally {
        await handle.close();
      }
    }
  }

  /**
   * Opens the file `place` is in, as the generation `place` names: answers
   * undefined when a compaction replaced that file before or while it was
   * opened (the caller looks the place up again). The swap is marked before
   * the rename and the generation moved on after it, so a handle this
   * answers is the file the offset was measured in.
   */
  async #openPlace(place: Place): Promise<FileHandle | undefined> {
    const swap = this.#swaps.get(place.file);
    if (swap) {
      await swap;
      return undefined;
    }
    const handle = await open(this.#logPath(place.file), "r");
    if (this.#swaps.has(place.file) || this.#files.get(place.file)?.generation !== place.generation) {
      await handle.close();
      return undefined;
    }
    return handle;
  }

  /** Waits for the appends under way, then closes the log. */
  async close(): Promise<void> {
    await this.#tail.catch(() => {});
    this.#closed = true;
    await this.#handle?.close();
    this.#handle = undefined;
  }

  async #append(item: SealedItem, { guard, stored }: AppendHooks): Promise<Appended> {
    if (this.#closed) return { ok: false, problem: problem("private.closing", "The relay is shutting down") };
    const id = idOfItem(item);
    const known = this.#seqOfId.get(id);
    if (known !== undefined) return { ok: true, seq: known, duplicate: true };
    const refusal = guard?.();
    if (refusal) return { ok: false, problem: refusal };
    const header = item.signed.header;
    const bytes = encodeItem(item);
    const size = RECORD_PREFIX + bytes.length;
    const quota = this.#quotaProblem(header, size);
    if (quota) return { ok: false, problem: quota };

    if (this.#fileBytes > 0 && this.#fileBytes + size > (this.#quota.fileBytes ?? LOG_FILE_BYTES)) {
      await this.#handle?.close();
      this.#handle = undefined;
      this.#file++;
      this.#fileBytes = 0;
    }
    const created = !this.#handle;
    this.#handle ??= await open(this.#logPath(this.#file), "a", 0o600);
    const record = new Uint8Array(size);
    const view = new DataView(record.buffer);
    view.setUint32(0, bytes.length);
    view.setUint32(4, crc32(bytes));
    record.set(bytes, RECORD_PREFIX);
    const offset = this.#fileBytes;
    try {
      await writeFully(this.#handle, record);
      await this.#handle.datasync();
      if (created) await syncDirectory(join(this.#dir, "log"));
    } catch (error) {
      // What was written may be half a record: it is cut, so the next append starts clean.
      await this.#handle.truncate(offset).catch(() => {});
      throw error;
    }
    this.#fileBytes += size;
    const seq = this.#index({ file: this.#file, generation: this.#generationOf(this.#file), offset, length: bytes.length }, id, header);
    stored?.(seq);
    if (header.kind === "epoch") await this.#saveEpochs();
    // The snapshot is on disk and acknowledged before anything it covers is dropped. A rewrite that
    // fails (a full disk) does not unstore it: the indexes already skip what it drops, every file is
    // old or new, and the next open drops again.
    if (header.kind === "snapshot") await this.#compact(header.document).catch(() => {});
    return { ok: true, seq, duplicate: false };
  }

  #quotaProblem(header: ItemHeader, size: number): Problem | undefined {
    if (this.#bytes + size > this.#quota.bytes) {
      return problem("private.quota", `This commune has ${this.#bytes} of the ${this.#quota.bytes} bytes this relay keeps for it; the item does not fit`, {
        params: { bytes: this.#bytes, limit: this.#quota.bytes },
      });
    }
    if (header.kind !== "epoch" && !this.#documents.has(header.document) && this.#documents.size >= this.#quota.documents) {
      return problem("private.quota", `This commune has the ${this.#quota.documents} documents this relay keeps for it; a new one does not fit`, {
        params: { documents: this.#documents.size, limit: this.#quota.documents },
      });
    }
    return undefined;
  }

  #index(place: Place, id: string, header: ItemHeader): number {
    this.#places.push(place);
    const seq = this.#places.length;
    this.#fileHolds(place.file, seq);
    this.#bytes += RECORD_PREFIX + place.length;
    this.#seqOfId.set(id, seq);
    this.#idOfSeq.set(seq, id);
    if (header.kind === "epoch") {
      this.#epochs.set(id, { id, epoch: header.epoch, parent: header.parent, admission: header.admission, seq });
      if (header.parent !== null) this.#children.set(header.parent, [...(this.#children.get(header.parent) ?? []), id]);
    } else {
      this.#documents.add(header.document);
      const kept = this.#kept.get(header.document) ?? [];
      this.#kept.set(header.document, kept);
      if (header.kind === "snapshot") {
        kept.push({ seq, covers: header.covers });
        this.#snapshots.set(header.document, startingSnapshot(kept)!.seq);
      } else {
        kept.push({ seq });
        const batches = this.#batches.get(header.document);
        if (batches) batches.push(seq);
        else this.#batches.set(header.document, [seq]);
      }
    }
    return seq;
  }

  /** Sequence numbers a gap record stands for: they stay numbers, with nothing behind them. */
  #indexGap(file: number, count: number): void {
    for (let n = 0; n < count; n++) {
      this.#places.push(undefined);
      this.#fileHolds(file, this.#places.length);
    }
  }

  #fileHolds(file: number, seq: number): void {
    const known = this.#files.get(file);
    if (known) known.last = seq;
    else this.#files.set(file, { first: seq, last: seq, generation: 0 });
  }

  #generationOf(file: number): number {
    return this.#files.get(file)?.generation ?? 0;
  }

  /**
   * Drops from the indexes and from disk what document's snapshots cover
   * (compaction.ts), leaving every other document, the epoch records and
   * the kept numbers as they are.
   */
  async #compact(document: string): Promise<void> {
    const kept = this.#kept.get(document) ?? [];
    const dropped = droppedBySnapshot(kept);
    if (dropped.size === 0) return;
    this.#kept.set(
      document,
      kept.filter((item) => !dropped.has(item.seq)),
    );
    const batches = this.#batches.get(document);
    if (batches)
      this.#batches.set(
        document,
        batches.filter((seq) => !dropped.has(seq)),
      );
    const files = new Set<number>();
    for (const seq of dropped) {
      const place = this.#places[seq - 1]!;
      files.add(place.file);
      this.#places[seq - 1] = undefined;
      this.#bytes -= RECORD_PREFIX + place.length;
      // A batch put again after it was dropped is taken as new: members put back what a snapshot left out.
      const id = this.#idOfSeq.get(seq)!;
      this.#idOfSeq.delete(seq);
      this.#seqOfId.delete(id);
    }
    for (const file of [...files].sort((a, b) => a - b)) await this.#rewrite(file);
  }

  /**
   * Writes `file` again without the items whose places are gone: kept
   * records copied byte for byte, each run of missing numbers as one gap
   * record, to a temporary file that is fsync'd and renamed over the old one.
   */
  async #rewrite(file: number): Promise<void> {
    const span = this.#files.get(file)!;
    const generation = span.generation + 1;
    const path = this.#logPath(file);
    const temporary = `${path}.tmp`;
    const moved: Array<[number, Place]> = [];
    const source = await open(path, "r");
    let size = 0;
    try {
      const target = await open(temporary, "w", 0o600);
      try {
        let gap = 0;
        const writeGap = async (): Promise<void> => {
          if (gap === 0) return;
          await writeFully(target, gapRecord(gap));
          size += GAP_RECORD;
          gap = 0;
        };
        for (let seq = span.first; seq <= span.last; seq++) {
          const place = this.#places[seq - 1];
          if (!place) {
            gap++;
            continue;
          }
          await writeGap();
          const record = new Uint8Array(RECORD_PREFIX + place.length);
          await readFully(source, record, place.offset);
          await writeFully(target, record);
          moved.push([seq, { file, generation, offset: size, length: place.length }]);
          size += record.length;
        }
        await writeGap();
        await target.sync();
      } finally {
        await target.close();
      }
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    } finally {
      await source.close();
    }
    const active = file === this.#file;
    if (active) {
      await this.#handle?.close();
      this.#handle = undefined;
    }
    let swapped!: () => void;
    this.#swaps.set(
      file,
      new Promise<void>((resolve) => {
        swapped = resolve;
      }),
    );
    try {
      await rename(temporary, path);
      await syncDirectory(join(this.#dir, "log"));
      for (const [seq, place] of moved) this.#places[seq - 1] = place;
      span.generation = generation;
      if (active) this.#fileBytes = size;
    } finally {
      this.#swaps.delete(file);
      swapped();
    }
  }

  async #scan(): Promise<void> {
    const logDir = join(this.#dir, "log");
    const names = await readdir(logDir);
    // A compaction's copy the process died writing: the file it was to replace is whole.
    for (const name of names.filter((name) => /^\d{8}\.tmp$/.test(name))) await rm(join(logDir, name), { force: true });
    const files = names
      .filter((name) => /^\d{8}$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
    for (const [position, file] of files.entries()) {
      const last = position === files.length - 1;
      const handle = await open(this.#logPath(file), last ? "r+" : "r");
      try {
        const { size } = await handle.stat();
        let offset = 0;
        while (offset < size) {
          const torn = await this.#readRecord(handle, file, offset, size, last);
          if (torn === "torn") {
            if (!last) throw new Error(`${this.#logPath(file)} is damaged at byte ${offset} (not its last record): the log is not read`);
            await handle.truncate(offset);
            await handle.sync();
            break;
          }
          offset = torn;
        }
        this.#file = file;
        this.#fileBytes = offset;
      } finally {
        await handle.close();
      }
    }
    // A compaction a kill cut short is finished: each file is old or new, and what a snapshot covers goes again.
    for (const document of [...this.#kept.keys()]) await this.#compact(document);
  }

  /** Indexes the record at `offset` and answers where the next begins, or "torn" when it is incomplete or its checksum fails. */
  async #readRecord(handle: FileHandle, file: number, offset: number, size: number, lastFile: boolean): Promise<number | "torn"> {
    if (offset + RECORD_PREFIX > size) return "torn";
    const prefix = new Uint8Array(RECORD_PREFIX);
    await readFully(handle, prefix, offset);
    const view = new DataView(prefix.buffer);
    const length = view.getUint32(0);
    const checksum = view.getUint32(4);
    if (length === GAP_MARK) {
      if (offset + GAP_RECORD > size) return "torn";
      const count = new Uint8Array(4);
      await readFully(handle, count, offset + RECORD_PREFIX);
      const dropped = new DataView(count.buffer).getUint32(0);
      if (crc32(count) !== checksum || dropped === 0) return "torn";
      this.#indexGap(file, dropped);
      return offset + GAP_RECORD;
    }
    const end = offset + RECORD_PREFIX + length;
    if (length < 4 || length > 4 + ITEM_LIMITS.headerBytes + ITEM_LIMITS.payloadBytes || end > size) return "torn";
    // Only the last record can be torn by a crash; it alone is read whole to check its sum.
    if (lastFile && end === size) {
      const whole = new Uint8Array(length);
      await readFully(handle, whole, offset + RECORD_PREFIX);
      if (crc32(whole) !== checksum) return "torn";
    }
    const headerLength = new Uint8Array(4);
    await readFully(handle, headerLength, offset + RECORD_PREFIX);
    const headerBytes = Math.min(new DataView(headerLength.buffer).getUint32(0), ITEM_LIMITS.headerBytes, length - 4);
    const head = new Uint8Array(4 + headerBytes);
    await readFully(handle, head, offset + RECORD_PREFIX);
    const decoded = decodeItem(head);
    if (!decoded.ok) throw new Error(`${this.#logPath(file)} holds an unreadable item at byte ${offset}: ${decoded.problem.message}`);
    this.#index({ file, generation: 0, offset, length }, idOfItem(decoded.item), decoded.item.signed.header);
    return end;
  }

  async #saveEpochsIfBehind(): Promise<void> {
    try {
      const parsed = epochsFile.safeParse(JSON.parse(await readFile(join(this.#dir, "epochs.json"), "utf8")));
      if (parsed.success && parsed.data.epochs.length === this.#epochs.size) return;
    } catch {
      // Missing or unreadable: the log is the truth, and the tree is written again from it.
    }
    await this.#saveEpochs();
  }

  async #saveEpochs(): Promise<void> {
    const epochs = [...this.#epochs.values()].sort((a, b) => a.seq - b.seq);
    await writeAtomically(join(this.#dir, "epochs.json"), JSON.stringify({ version: 1, epochs }, null, 2) + "\n");
  }

  #logPath(file: number): string {
    return join(this.#dir, "log", String(file).padStart(8, "0"));
  }
}

function gapRecord(count: number): Uint8Array {
  const record = new Uint8Array(GAP_RECORD);
  const view = new DataView(record.buffer);
  view.setUint32(0, GAP_MARK);
  view.setUint32(8, count);
  view.setUint32(4, crc32(record.subarray(8)));
  return record;
}

async function readFully(handle: FileHandle, into: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error("the log ended inside a record");
    done += bytesRead;
  }
}

async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename or create is then as durable as the OS makes it.
  } finally {
    await handle.close();
  }
}
