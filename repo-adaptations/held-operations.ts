import * as A from "@automerge/automerge";
import type { Repo } from "@automerge/automerge-repo";
import type { HeldOperations } from "../shared/sync/automerge-chunks";

/**
 * What a Repo holds in memory, counted as shared/sync/automerge-chunks.ts
 * counts what arrives: operations and changes. Every Repo in Commune belongs
 * to one commune, so all of its documents are the commune's.
 *
 * Read again at most every `maxAgeMs`: A.stats costs 7-12 µs a document
 * (222-401 µs for the 33 documents of the 100,000-entry bench purse), and a
 * relay asks on every sync message. What arrived since the last reading is
 * the caller's to add: the relay's quota keeps what it let in as promises
 * (relay/quota.ts); a member's relay link asks the relay that already
 * counted it.
 */
export class OperationCounts {
  readonly #repo: () => Repo | undefined;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #counts = new Map<string, number>();
  #readAt = -Infinity;

  constructor(repo: () => Repo | undefined, options: { maxAgeMs?: number; now?: () => number } = {}) {
    this.#repo = repo;
    this.#maxAgeMs = options.maxAgeMs ?? 1_000;
    this.#now = options.now ?? performance.now.bind(performance);
  }

  /** Operations and changes per open document. */
  byDocument(): ReadonlyMap<string, number> {
    if (this.#now() - this.#readAt < this.#maxAgeMs) return this.#counts;
    const counts = new Map<string, number>();
    for (const [id, handle] of Object.entries(this.#repo()?.handles ?? {})) {
      if (!handle.isReady()) continue;
      const stats = A.stats(handle.doc());
      counts.set(id, stats.numOps + stats.numChanges);
    }
    this.#counts = counts;
    this.#readAt = this.#now();
    return counts;
  }

  /** In one document, and in all of them. */
  held(documentId: string): HeldOperations {
    let commune = 0;
    const counts = this.byDocument();
    for (const operations of counts.values()) commune += operations;
    return { document: counts.get(documentId) ?? 0, commune };
  }
}
