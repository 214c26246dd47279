import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Chunk, StorageAdapterInterface, StorageKey } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";

/** What a commune holds on this relay, for its quota and /health. */
export interface CommuneUsage {
  documents: number;
  bytes: number;
}

/** The storage adapter's own record (NodeFS keeps it as a "document" named storage-adapter-id). */
const ADAPTER_KEY = "storage-adapter-id";
/** How many files the first count of a commune's folder reads at most; past it the commune is treated as full. */
const MAX_FILES_COUNTED = 200_000;

/**
 * One commune's storage (automerge-repo's NodeFS adapter), counted: the
 * bytes of every chunk written and removed, and the documents it holds, so
 * the relay can refuse growth past the operator's quota before anything is
 * stored. It matters for memory too: the NodeFS adapter keeps every chunk it
 * writes in memory, so 25 documents of 4 MiB once took a relay to 724 MiB.
 * The folder is counted once when the commune opens (a bounded walk); after
 * that every write and removal updates the count.
 */
export class CountedStorage implements StorageAdapterInterface {
  readonly #inner: NodeFSStorageAdapter;
  #retired = false;
  readonly #directory: string;
  readonly #sizes = new Map<string, number>();
  readonly #documents = new Map<string, number>();
  #bytes = 0;
  /** Resolves when the folder's first count is done. */
  readonly counted: Promise<void>;

  constructor(directory: string) {
    this.#directory = directory;
    this.#inner = new NodeFSStorageAdapter(directory);
    this.counted = this.#countFolder();
  }

  usage(): CommuneUsage {
    return { documents: this.#documents.size, bytes: this.#bytes };
  }

  holds(documentId: string): boolean {
    return this.#documents.has(documentId);
  }

  load(key: StorageKey): Promise<Uint8Array | undefined> {
    return this.#inner.load(key);
  }

  loadRange(keyPrefix: StorageKey): Promise<Chunk[]> {
    return this.#inner.loadRange(keyPrefix);
  }

  /**
   * The commune was forgotten (moved to private) and its folder is being
   * removed: automerge-repo may still flush a throttled sync state after its
   * Repo shut down, which would recreate the folder or race its removal.
   * From here on writes are dropped.
   */
  retire(): void {
    this.#retired = true;
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    if (this.#retired) return;
    this.#note(key, data.byteLength);
    await this.#inner.save(key, data);
  }

  async remove(key: StorageKey): Promise<void> {
    if (this.#retired) return;
    this.#forget(join(...key));
    await this.#inner.remove(key);
  }

  async removeRange(keyPrefix: StorageKey): Promise<void> {
    if (this.#retired) return;
    const prefix = join(...keyPrefix);
    for (const key of [...this.#sizes.keys()]) if (key === prefix || key.startsWith(`${prefix}${sep}`)) this.#forget(key);
    await this.#inner.removeRange(keyPrefix);
  }

  #note(key: StorageKey, size: number): void {
    const joined = join(...key);
    const before = this.#sizes.get(joined);
    this.#bytes += size - (before ?? 0);
    this.#sizes.set(joined, size);
    const document = key[0];
    if (before === undefined && document !== undefined && document !== ADAPTER_KEY) this.#documents.set(document, (this.#documents.get(document) ?? 0) + 1);
  }

  #forget(joined: string): void {
    const size = this.#sizes.get(joined);
    if (size === undefined) return;
    this.#bytes -= size;
    this.#sizes.delete(joined);
    const document = joined.split(sep)[0]!;
    const chunks = (this.#documents.get(document) ?? 1) - 1;
    if (chunks <= 0) this.#documents.delete(document);
    else this.#documents.set(document, chunks);
  }

  /** NodeFS keeps key [id, ...rest] at <id[0:2]>/<id[2:]>/<rest>: the walk turns paths back into keys. */
  async #countFolder(): Promise<void> {
    let files = 0;
    const walk = async (folder: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (++files > MAX_FILES_COUNTED) {
          // A folder this large is past any sensible quota: count it as full rather than walk on.
          this.#bytes = Number.MAX_SAFE_INTEGER;
          return;
        }
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile()) {
          const parts = relative(this.#directory, path).split(sep);
          if (parts.length < 2) continue;
          const key = [`${parts[0]}${parts[1]}`, ...parts.slice(2)];
          if (this.#sizes.has(join(...key))) continue; // written through save() while the walk ran
          this.#note(key, (await stat(path)).size);
        }
      }
    };
    await walk(this.#directory);
  }
}
