import type { PartnerSharedView } from "../../../shared/commands/views";
import { haystackOf, queryWords } from "../../../shared/inventory/combined";
import type { ItemKind } from "../../../shared/inventory/item";
import { sinceText } from "../../ui/Time";
import type { PartnerRead } from "../partners/partner-reads";

/**
 * Partners' items in the Knowledge screen's combined view. Our items are
 * searched by the host (`inventory.list`); a partner's come from the last
 * read of it (`partner.shared`) and are searched here with the same rule
 * (shared/inventory/combined.ts: every word, case-insensitive, in the title,
 * body or tags), so one search box finds both.
 */
export interface PartnerSource {
  partner: string;
  name: string;
  items: PartnerSharedView["items"];
}

export interface SourcedPartnerItem {
  source: string;
  sourceName: string;
  item: PartnerSharedView["items"][number];
}

export interface CombinedFilter {
  query: string;
  kind: ItemKind | "all";
  tags: ReadonlySet<string>;
  retired: boolean;
}

/** The partners' items the search, kind, tags and the retired choice let through, partner by partner in the order the sources come. */
export function partnerItemsMatching(sources: readonly PartnerSource[], filter: CombinedFilter): SourcedPartnerItem[] {
  const words = queryWords(filter.query);
  return sources.flatMap(({ partner, name, items }) =>
    items
      .filter((item) => (filter.retired || !item.retired) && (filter.kind === "all" || item.kind === filter.kind))
      // Every chosen tag, as our own items are filtered.
      .filter((item) => [...filter.tags].every((tag) => item.tags.includes(tag)))
      .filter((item) => {
        const haystack = haystackOf({ title: item.title, body: item.body, tags: item.tags });
        return words.every((word) => haystack.includes(word));
      })
      .map((item) => ({ source: partner, sourceName: name, item })),
  );
}

/** Where the last read of one partner stands, for the line above the combined list. */
export function partnerReadWords(name: string, read: PartnerRead | undefined, now: number): string {
  if (read?.reading) return `${name}: reading through its relay…`;
  if (read?.view && read.at !== undefined) {
    const count = read.view.items.filter((item) => !item.retired).length;
    const last = `${name}: ${count} ${count === 1 ? "item" : "items"}, read ${sinceText(read.at, now)}.`;
    return read.error ? `${last} Reading again failed: ${read.error.message}` : last;
  }
  if (read?.error) return `${name}: not read. ${read.error.message}`;
  return `${name}: not read yet.`;
}
