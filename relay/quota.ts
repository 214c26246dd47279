import * as Automerge from "@automerge/automerge";
import type { CommuneUsage } from "./counted-storage";
import { operationsProblem, type HeldOperations } from "../shared/sync/automerge-chunks";

export interface QuotaLimits {
  maxDocumentsPerCommune: number;
  maxBytesPerCommune: number;
  maxOperationsPerCommune: number;
}

/** What the quota needs of a commune's storage. */
export interface UsageSource {
  usage(): CommuneUsage;
  holds(documentId: string): boolean;
}

/** The operations the commune's Repo holds in memory, document by document (repo-adaptations/held-operations.ts). */
export interface OperationsSource {
  byDocument(): ReadonlyMap<string, number>;
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
  readonly #held: OperationsSource;
  readonly #limits: QuotaLimits;
  readonly #now: () => number;
  /** Documents let in that storage does not hold yet. */
  readonly #pending = new Set<string>();
  /** Bytes of changes let in since storage last caught up, and when the last came. */
  #unsettledBytes = 0;
  #lastLetIn = 0;
  /**
   * What each document will hold once the messages let in are applied: the
   * Repo applies a message a few turns after this check, so three documents
   * sent at once would each be checked against a Repo that holds none of
   * them yet. A document's promise is kept until the Repo holds as much.
   */
  #promised = new Map<string, number>();

  constructor(storage: UsageSource, held: OperationsSource, limits: QuotaLimits, now: () => number = Date.now) {
    this.#storage = storage;
    this.#held = held;
    this.#limits = limits;
    this.#now = now;
  }

  /** Documents held or let in, and bytes stored or on their way to storage. */
  usage(): CommuneUsage {
    for (const documentId of this.#pending) if (this.#storage.holds(documentId)) this.#pending.delete(documentId);
    if (this.#now() - this.#lastLetIn > SETTLE_MS) {
      this.#unsettledBytes = 0;
      this.#promised.clear();
    }
    const stored = this.#storage.usage();
    return { documents: stored.documents + this.#pending.size, bytes: stored.bytes + this.#unsettledBytes };
  }

  /**
   * Operations are checked against what the commune's Repo holds, not what
   * is stored: a 2 KB change can carry two million of them, and each costs
   * the relay memory while the document is open.
   */
  #operationsHeld(documentId: string): HeldOperations {
    return largerOf(this.#held.byDocument(), this.#promised, documentId);
  }

  refusal(documentId: string, data: Uint8Array, operations: number, open: boolean): string | undefined {
    const usage = this.usage();
    const known = open || this.#storage.holds(documentId) || this.#pending.has(documentId);
    if (!known) {
      if (usage.documents >= this.#limits.maxDocumentsPerCommune)
        return `this commune has reached this relay's limit of ${this.#limits.maxDocumentsPerCommune} documents; its operator can raise it`;
      this.#pending.add(documentId);
    }
    const held = this.#operationsHeld(documentId);
    const room = operationsProblem(held, operations, this.#limits.maxOperationsPerCommune);
    if (!room.ok)
      return room.error.code === "automerge.communeFull"
        ? `this commune has reached this relay's limit of ${this.#limits.maxOperationsPerCommune.toLocaleString("en-US")} Automerge operations; its operator can raise it`
        : room.error.message;
    if (operations > 0) {
      this.#promised.set(documentId, held.document + operations);
      this.#lastLetIn = this.#now();
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

/** Held by the Repo, or promised to it by messages let in and not yet applied, whichever is more, per document. */
function largerOf(counts: ReadonlyMap<string, number>, promised: Map<string, number>, documentId: string): HeldOperations {
  let commune = 0;
  for (const [id, count] of counts) {
    const promise = promised.get(id) ?? 0;
    if (count >= promise) promised.delete(id);
    commune += Math.max(count, promise);
  }
  for (const [id, promise] of promised) if (!counts.has(id)) commune += promise;
  return { document: Math.max(counts.get(documentId) ?? 0, promised.get(documentId) ?? 0), commune };
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
