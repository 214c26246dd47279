import * as Automerge from "@automerge/automerge";
import type { CommuneUsage } from "./counted-storage";

export interface QuotaLimits {
  maxDocumentsPerCommune: number;
  maxBytesPerCommune: number;
}

/** What the quota needs of a commune's storage. */
export interface UsageSource {
  usage(): CommuneUsage;
  holds(documentId: string): boolean;
}

const MB = 1024 * 1024;
/**
 * automerge-repo writes a document's changes to storage a little after they
 * arrive (a debounce, then the write): until then they are counted here as
 * they pass. After this long with nothing new let in, storage holds it all
 * and its own count is the truth again.
 */
const SETTLE_MS = 2_000;

/**
 * One commune's quota on this relay, checked on each sync message before the
 * Repo sees it: a document the relay does not hold yet counts against the
 * document limit from its first message (the Repo makes a handle for it at
 * once, before anything is stored), and past the byte limit only messages
 * that carry no changes pass, so members still read everything.
 */
export class CommuneQuota {
  readonly #storage: UsageSource;
  readonly #limits: QuotaLimits;
  readonly #now: () => number;
  /** Documents let in that storage does not hold yet. */
  readonly #pending = new Set<string>();
  /** Bytes of changes let in since storage last caught up, and when the last came. */
  #unsettledBytes = 0;
  #lastLetIn = 0;

  constructor(storage: UsageSource, limits: QuotaLimits, now: () => number = Date.now) {
    this.#storage = storage;
    this.#limits = limits;
    this.#now = now;
  }

  /** Documents held or let in, and bytes stored or on their way to storage. */
  usage(): CommuneUsage {
    for (const documentId of this.#pending) if (this.#storage.holds(documentId)) this.#pending.delete(documentId);
    if (this.#now() - this.#lastLetIn > SETTLE_MS) this.#unsettledBytes = 0;
    const stored = this.#storage.usage();
    return { documents: stored.documents + this.#pending.size, bytes: stored.bytes + this.#unsettledBytes };
  }

  refusal(documentId: string, data: Uint8Array, open: boolean): string | undefined {
    const usage = this.usage();
    const known = open || this.#storage.holds(documentId) || this.#pending.has(documentId);
    if (!known) {
      if (usage.documents >= this.#limits.maxDocumentsPerCommune)
        return `this commune has reached this relay's limit of ${this.#limits.maxDocumentsPerCommune} documents; its operator can raise it`;
      this.#pending.add(documentId);
    }
    const changes = changeBytes(data);
    if (changes === 0) return undefined;
    if (usage.bytes >= this.#limits.maxBytesPerCommune)
      return `this commune has reached this relay's limit of ${Math.round(this.#limits.maxBytesPerCommune / MB)} MB stored; its operator can raise it`;
    this.#unsettledBytes += changes;
    this.#lastLetIn = this.#now();
    return undefined;
  }
}

/** The bytes of changes a sync message brings (only they can grow what is stored). The gateway has already checked it decodes. */
function changeBytes(data: Uint8Array): number {
  try {
    let bytes = 0;
    for (const change of Automerge.decodeSyncMessage(data).changes) bytes += change.byteLength;
    return bytes;
  } catch {
    return data.byteLength;
  }
}
