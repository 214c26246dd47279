import { mkdir, open, readdir, readFile, rm, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { z } from "zod";
import { problem, type Problem } from "../../shared/result";
import { decodeItem, encodeItem, idOfItem, ITEM_LIMITS, type ItemHeader, type SealedItem } from "../../shared/privacy/headers";
import { writeAtomically } from "../atomic-file";

/**
 * One private commune on a relay's disk (docs/relay.md, "The private
 * commune"): an append-only log of items as members sent them, the epoch
 * tree, and which item is the latest snapshot of each document.
 *
 *   log/00000001 ...   records: u32 length, u32 CRC-32 of the item, the item (encodeItem bytes)
 *   epochs.json        the epoch tree: ids, numbers, parents, admission PUBLIC keys, sequence numbers
 *   genesis.json       the founding anchor as registered (no readable field; a commune moved from plaintext: its genesis)
 *
 * An item's sequence number is its place in the log (1, 2, ...): the log is
 * the truth, and the index, the epoch tree and the snapshot table are rebuilt
 * from its headers on open. A record is fsync'd before its number is given,
 * so an acknowledged item survives kill -9; a torn last record (the process
 * died mid-write) is cut on open. Payloads are never parsed, only hashed by
 * the protocol's signature check: the relay stores what it gets.
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
  offset: number;
  length: number;
}

export class PrivateStore {
  readonly #dir: string;
  readonly #quota: Quota;
  /** places[seq - 1]: where item `seq` lies. */
  readonly #places: Place[] = [];
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

  latestSnapshot(document: string): number | undefined {
    return this.#snapshots.get(document);
  }

  /** The sequence numbers of every document's latest snapshot, in log order. */
  latestSnapshots(): number[] {
    return [...this.#snapshots.values()].sort((a, b) => a - b);
  }

  /**
   * What a newcomer reads first: each document's latest snapshot followed by
   * that document's batches after it, documents in the order of their
   * snapshots. A document with batches and no snapshot is not in it (the
   * fetch of the log that follows brings it).
   */
  latestSnapshotsAndAfter(): number[] {
    const seqs: number[] = [];
    for (const [document, snapshot] of [...this.#snapshots].sort((a, b) => a[1] - b[1])) {
      seqs.push(snapshot);
      for (const batch of this.#batches.get(document) ?? []) if (batch > snapshot) seqs.push(batch);
    }
    return seqs;
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
    const handles = new Map<number, FileHandle>();
    try {
      while (seq < this.head && !this.#closed) {
        const place = this.#places[seq]!;
        let handle = handles.get(place.file);
        if (!handle) {
          for (const old of handles.values()) await old.close();
          handles.clear();
          handle = await open(this.#logPath(place.file), "r");
          handles.set(place.file, handle);
        }
        const bytes = new Uint8Array(place.length);
        await readFully(handle, bytes, place.offset + RECORD_PREFIX);
        seq++;
        await each(seq, bytes);
      }
    } finally {
      for (const handle of handles.values()) await handle.close();
    }
    return seq;
  }

  /** The stored bytes of item `seq` (encodeItem form). */
  async itemAt(seq: number): Promise<Uint8Array> {
    const place = this.#places[seq - 1];
    if (!place) throw new RangeError(`no item ${seq}`);
    const handle = await open(this.#logPath(place.file), "r");
    try {
      const bytes = new Uint8Array(place.length);
      await readFully(handle, bytes, place.offset + RECORD_PREFIX);
      return bytes;
    } finally {
      await handle.close();
    }
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
    const seq = this.#index({ file: this.#file, offset, length: bytes.length }, id, header);
    stored?.(seq);
    if (header.kind === "epoch") await this.#saveEpochs();
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
    this.#bytes += RECORD_PREFIX + place.length;
    this.#seqOfId.set(id, seq);
    if (header.kind === "epoch") {
      this.#epochs.set(id, { id, epoch: header.epoch, parent: header.parent, admission: header.admission, seq });
      if (header.parent !== null) this.#children.set(header.parent, [...(this.#children.get(header.parent) ?? []), id]);
    } else {
      this.#documents.add(header.document);
      if (header.kind === "snapshot") this.#snapshots.set(header.document, seq);
      else {
        const batches = this.#batches.get(header.document);
        if (batches) batches.push(seq);
        else this.#batches.set(header.document, [seq]);
      }
    }
    return seq;
  }

  async #scan(): Promise<void> {
    const logDir = join(this.#dir, "log");
    const files = (await readdir(logDir))
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
  }

  /** Indexes the record at `offset` and answers where the next begins, or "torn" when it is incomplete or its checksum fails. */
  async #readRecord(handle: FileHandle, file: number, offset: number, size: number, lastFile: boolean): Promise<number | "torn"> {
    if (offset + RECORD_PREFIX > size) return "torn";
    const prefix = new Uint8Array(RECORD_PREFIX);
    await readFully(handle, prefix, offset);
    const view = new DataView(prefix.buffer);
    const length = view.getUint32(0);
    const checksum = view.getUint32(4);
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
    this.#index({ file, offset, length }, idOfItem(decoded.item), decoded.item.signed.header);
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
