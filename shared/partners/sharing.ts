import { kindOf, type Item } from "../inventory/item";

/**
 * Whether an item of ours goes into the document shared with `partner`
 * (docs/partners.md, "Documents"). An item says whom it is shared with;
 * one that says nothing (every version signed before partnerships) is
 * shared as its kind was always meant to be: offers and needs are what
 * partners see and answer (issue 14), knowledge stays ours until its
 * author shares it. A retired version is shared where the item was, so a
 * partner sees it retired rather than keeping the last version it read.
 */
export function sharedWithPartner(item: Pick<Item, "kind" | "sharedWith">, partner: string): boolean {
  const sharedWith = item.sharedWith ?? (kindOf(item) === "knowledge" ? "commune" : "partners");
  if (sharedWith === "commune") return false;
  if (sharedWith === "partners") return true;
  return sharedWith.includes(partner);
}
