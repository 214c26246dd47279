import type { PublicKey } from "../../shared/identity/keys";

/**
 * What a private commune's relay links refused to apply (a batch that does
 * not open, was replayed from elsewhere, or whose author could not write
 * under its epoch), kept per commune so the member sees it in the commune's
 * problems, as a record the signed-history rules refuse is shown there.
 * Held in memory: a link reads each item of a relay's log once, so after a
 * restart only what is refused anew is listed. The newest MAX_KEPT are
 * kept; the same item refused by two relays is one problem.
 */
export interface RefusedItem {
  subject: "batch" | "snapshot" | "item";
  /** The item's id (its signed header's hash), or its place in a relay's log when it could not be read at all. */
  id: string;
  by?: PublicKey;
  reason: string;
}

const MAX_KEPT = 100;

export class RefusedItems {
  readonly #items = new Map<string, RefusedItem>();
  readonly #listeners = new Set<() => void>();

  add(item: RefusedItem): void {
    if (this.#items.has(item.id)) return;
    this.#items.set(item.id, item);
    for (const id of this.#items.keys()) {
      if (this.#items.size <= MAX_KEPT) break;
      this.#items.delete(id);
    }
    for (const listener of this.#listeners) listener();
  }

  /** An item listed as refused that applied after all (it waited for a partner's share key): no longer a problem. */
  forget(id: string): void {
    if (!this.#items.delete(id)) return;
    for (const listener of this.#listeners) listener();
  }

  list(): RefusedItem[] {
    return [...this.#items.values()].map((item) => ({ ...item }));
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
