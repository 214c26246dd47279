import type { CommuneId } from "../commune/genesis";
import type { Signed } from "../identity/signed";

/**
 * What an item is: something the commune knows (a recipe, a guide, a tool it
 * owns), something a member offers (a skill, a tool to lend), or something
 * the commune needs (help with a harvest). Partner communes will see offers
 * and needs and answer them (issue 14).
 */
export type ItemKind = "knowledge" | "offer" | "need";

/**
 * A piece of the commune's knowledge. Editing appends a new version with the
 * same id and a higher `version`; the highest valid version is the item.
 * Nothing is ever deleted: an item is retired by a version that says so, and
 * brought back by a later version that does not.
 *
 * `kind`, `amount`, `currency` and `retired` came after the first release, so
 * each is absent rather than defaulted on what older versions wrote, and an
 * older reader, which ignores fields it does not know, shows an offer as
 * knowledge and a retired item as current: nothing it counts changes.
 */
export interface Item {
  commune: CommuneId;
  id: string;
  version: number;
  at: number;
  title: string;
  body: string;
  /** An http(s) URL or absent. */
  link?: string;
  tags: string[];
  /** Absent for knowledge. */
  kind?: "offer" | "need";
  /** What an offer asks or a need offers in return, in minor units of `currency` (labour hours are a currency too): both or neither, only on an offer or a need. */
  amount?: number;
  currency?: string;
  /** Present (and true) on a version that retires the item. */
  retired?: true;
  /**
   * Who the item is shared with (issue 14, docs/partners.md): "commune" (us
   * only), "partners" (every partner), or the ids of chosen partner
   * communes. Absent on versions signed before partners existed, and read
   * by `sharedWithPartner` (shared/partners/sharing.ts).
   */
  sharedWith?: SharedWith;
}

export type SharedWith = "commune" | "partners" | string[];

/** The kind an item's newest version says, knowledge when it says none. */
export const kindOf = (item: Pick<Item, "kind">): ItemKind => item.kind ?? "knowledge";

export type SignedItem = Signed<Item>;
