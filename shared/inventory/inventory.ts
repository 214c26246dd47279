import type { CommuneState, Problem } from "../commune/state";
import type { Verifier } from "../identity/crypto";
import { judgeItem } from "../judges/item";
import { haystackOf, queryWords } from "./combined";
import type { SignedItem } from "./item";

export interface ItemView {
  item: SignedItem;
  /** Who first wrote it (the signer of the earliest genuine version). */
  author: string;
  versions: number;
}

const newer = (a: SignedItem, b: SignedItem) => a.version > b.version || (a.version === b.version && (a.at > b.at || (a.at === b.at && a.sig > b.sig)));

/**
 * The commune's knowledge as it stands: for each item the newest genuine
 * version (highest version number, ties broken by time then signature so
 * every member picks the same one). A version that is forged, signed for
 * another commune, filed under another item's id, or signed by someone who
 * was not an active member at its time counts for nothing and is reported.
 *
 * Versions arrive in first-seen order. One author signing two different
 * items under one id and version number is an equivocation: the first seen
 * counts, the other is reported naming her. (Two authors editing the same
 * version concurrently is ordinary editing: the tie-break above picks one.)
 */
export function inventory(
  verifier: Verifier,
  versionsById: Readonly<Record<string, readonly SignedItem[]>>,
  state: CommuneState,
): { items: ItemView[]; problems: Problem[] } {
  const items: ItemView[] = [];
  const problems: Problem[] = [];
  for (const [id, versions] of Object.entries(versionsById)) {
    let current: SignedItem | undefined;
    let first: SignedItem | undefined;
    let count = 0;
    const slots = new Map<string, SignedItem>();
    for (const version of versions) {
      const verdict = judgeItem(verifier, state, version, id);
      if (verdict !== "counted") {
        problems.push({ subject: "item", id, by: version.by, reason: verdict.reason, code: verdict.code });
        continue;
      }
      const slot = `${version.by}:${version.version}`;
      const earlier = slots.get(slot);
      if (earlier !== undefined) {
        if (earlier.sig !== version.sig) {
          const name = state.members[version.by]?.name ?? version.by.slice(0, 8);
          problems.push({
            subject: "item",
            id,
            by: version.by,
            code: "record.equivocation",
            reason: `${name} signed two different versions ${version.version} of "${earlier.title}"${earlier.title === version.title ? "" : ` (the other titled "${version.title}")`}; the first seen counts`,
          });
        }
        continue;
      }
      slots.set(slot, version);
      count++;
      if (!current || newer(version, current)) current = version;
      if (!first || newer(first, version)) first = version;
    }
    if (current && first) items.push({ item: current, author: first.by, versions: count });
  }
  items.sort((a, b) => b.item.at - a.item.at || (a.item.id < b.item.id ? -1 : 1));
  return { items, problems };
}

/** Tags as an item stores them: trimmed, lower-case, each once, none empty. The host signs these; forms preview them. */
export function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}

/** Case-insensitive search over title, body, tags and link: every word must appear somewhere (the combined view's rule too, shared/inventory/combined.ts). */
export function searchItems(items: readonly ItemView[], query: string): ItemView[] {
  const words = queryWords(query);
  if (words.length === 0) return [...items];
  return items.filter(({ item }) => {
    const text = haystackOf(item);
    return words.every((word) => text.includes(word));
  });
}
