import type { PublicKey } from "../identity/keys";
import { kindOf, type ItemKind, type SignedItem } from "./item";

/**
 * The combined inventory (docs/partners.md, "The combined view"): our items
 * and every partner's, each with where it comes from and whether its
 * signature verifies against its commune's members. Built once per change
 * of a source and searched many times, so the work of lower-casing every
 * item's text is done when it is built, not per query: a query over 10,000
 * items across 10 partners stays far below the 100 ms the issue allows
 * (`npm run bench -- --only inventory-search`).
 */
export interface SourcedItem {
  /** "ours", or the partner commune's id. */
  source: string;
  /** Our commune's name or the partner's, as shown beside the item. */
  sourceName: string;
  /** The item's current version. */
  item: SignedItem;
  /** Who first wrote it. */
  author: PublicKey;
  /** Whether its signature verifies against its commune's members (always true for ours: what does not count is not listed). */
  verified: boolean;
}

export interface ItemQuery {
  /** Every word must appear in the title, body, tags or link (case-insensitive). */
  text?: string;
  /** Every tag must be on the item. */
  tags?: readonly string[];
  /** Only these sources. */
  sources?: readonly string[];
  kind?: ItemKind;
  /** Retired items too (default: no). */
  retired?: boolean;
  /** How many to return from the first match (newest first); default 50. */
  limit?: number;
  offset?: number;
}

export interface ItemResults {
  items: SourcedItem[];
  /** How many match in all. */
  total: number;
}

interface Indexed {
  entry: SourcedItem;
  haystack: string;
  tags: ReadonlySet<string>;
  kind: ItemKind;
}

/** The words of a query: lower-cased, split on white space, each once. */
export const queryWords = (text: string): string[] => [...new Set(text.toLowerCase().split(/\s+/).filter(Boolean))];

/** What a query matches an item against: the text `searchItems` reads, lower-cased once. */
export const haystackOf = (item: Pick<SignedItem, "title" | "body" | "tags" | "link">): string =>
  `${item.title}\n${item.body}\n${item.tags.join(" ")}\n${item.link ?? ""}`.toLowerCase();

export class ItemSearch {
  readonly #items: Indexed[];

  /** Sorted newest first once, ties by source and id, so every member lists the same order. */
  constructor(items: readonly SourcedItem[]) {
    this.#items = items
      .map((entry) => ({ entry, haystack: haystackOf(entry.item), tags: new Set(entry.item.tags), kind: kindOf(entry.item) }))
      .sort(
        (a, b) =>
          b.entry.item.at - a.entry.item.at ||
          (a.entry.source < b.entry.source ? -1 : a.entry.source > b.entry.source ? 1 : 0) ||
          (a.entry.item.id < b.entry.item.id ? -1 : a.entry.item.id > b.entry.item.id ? 1 : 0),
      );
  }

  get size(): number {
    return this.#items.length;
  }

  search(query: ItemQuery = {}): ItemResults {
    const words = queryWords(query.text ?? "");
    const tags = query.tags ?? [];
    const sources = query.sources ? new Set(query.sources) : undefined;
    const limit = Math.max(0, Math.floor(query.limit ?? 50));
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const items: SourcedItem[] = [];
    let total = 0;
    for (const indexed of this.#items) {
      const { entry } = indexed;
      if (!query.retired && entry.item.retired) continue;
      if (query.kind !== undefined && indexed.kind !== query.kind) continue;
      if (sources && !sources.has(entry.source)) continue;
      if (!tags.every((tag) => indexed.tags.has(tag))) continue;
      if (!words.every((word) => indexed.haystack.includes(word))) continue;
      if (total >= offset && items.length < limit) items.push(entry);
      total++;
    }
    return { items, total };
  }
}
