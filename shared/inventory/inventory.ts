import { isActiveAt, type CommuneState, type Problem } from "../commune/state";
import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import type { SignedItem } from "./item";

export interface ItemView {
  item: SignedItem;
  /** Who first wrote it (the signer of the earliest genuine version). */
  author: string;
  versions: number;
}

const newer = (a: SignedItem, b: SignedItem) =>
  a.version > b.version || (a.version === b.version && (a.at > b.at || (a.at === b.at && a.sig > b.sig)));

/**
 * The commune's knowledge as it stands: for each item the newest genuine
 * version (highest version number, ties broken by time then signature so
 * every member picks the same one). A version that is forged, signed for
 * another commune, filed under another item's id, or signed by someone who
 * was not an active member at its time counts for nothing and is reported.
 */
export function inventory(verifier: Verifier, versionsById: Readonly<Record<string, readonly SignedItem[]>>, state: CommuneState): { items: ItemView[]; problems: Problem[] } {
  const items: ItemView[] = [];
  const problems: Problem[] = [];
  for (const [id, versions] of Object.entries(versionsById)) {
    let current: SignedItem | undefined;
    let first: SignedItem | undefined;
    let count = 0;
    for (const version of versions) {
      const reason = itemProblem(verifier, version, id, state);
      if (reason) {
        problems.push({ subject: "item", id, by: version.by, reason });
        continue;
      }
      count++;
      if (!current || newer(version, current)) current = version;
      if (!first || newer(first, version)) first = version;
    }
    if (current && first) items.push({ item: current, author: first.by, versions: count });
  }
  items.sort((a, b) => b.item.at - a.item.at || (a.item.id < b.item.id ? -1 : 1));
  return { items, problems };
}

function itemProblem(verifier: Verifier, version: SignedItem, id: string, state: CommuneState): string | undefined {
  const signature = checkSignature(verifier, "item", version);
  if (signature === "unsigned") return "This knowledge item is not signed";
  if (signature) return "This knowledge item was altered after signing or is badly signed";
  if (version.commune !== state.id) return "This knowledge item belongs to another commune";
  if (version.id !== id) return "This knowledge item is filed under another item's id";
  if (!isActiveAt(state, version.by, version.at)) {
    const name = state.members[version.by]?.name ?? version.by.slice(0, 8);
    return `${name} was not an active member on ${new Date(version.at).toISOString().slice(0, 10)}`;
  }
  return undefined;
}

/** Case-insensitive search over title, body and tags: every word must appear somewhere. */
/** Tags as an item stores them: trimmed, lower-case, each once, none empty. The host signs these; forms preview them. */
export function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}

export function searchItems(items: readonly ItemView[], query: string): ItemView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...items];
  return items.filter(({ item }) => {
    const text = `${item.title}\n${item.body}\n${item.tags.join(" ")}\n${item.link ?? ""}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}
