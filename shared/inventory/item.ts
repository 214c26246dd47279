import type { CommuneId } from "../commune/genesis";
import type { Signed } from "../identity/signed";

/**
 * A piece of the commune's knowledge. Editing appends a new version with the
 * same id and a higher `version`; the highest valid version is the item.
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
}

export type SignedItem = Signed<Item>;
