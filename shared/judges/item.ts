import { isActiveAt, notActiveClause, type CommuneState } from "../commune/state";
import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import type { SignedItem } from "../inventory/item";
import { refuse, type Verdict } from "./verdict";

/**
 * Whether a version of a knowledge item counts: what its author signed, for
 * this commune, filed under its own id, written while the author was active.
 */
export function judgeItem(verifier: Verifier, state: CommuneState, version: SignedItem, filedUnder: string): Verdict {
  const signature = checkSignature(verifier, "item", version);
  if (signature === "unsigned") return refuse("item.unsigned", "This knowledge item is not signed");
  if (signature) return refuse("item.bad-signature", "This knowledge item was altered after signing or is badly signed");
  if (version.commune !== state.id) return refuse("item.other-commune", "This knowledge item belongs to another commune");
  if (version.id !== filedUnder) return refuse("item.misfiled", "This knowledge item is filed under another item's id");
  if (!isActiveAt(state, version.by, version.at)) {
    const name = state.members[version.by]?.name ?? version.by.slice(0, 8);
    return refuse("item.author-not-active", `${name} ${notActiveClause(state, version.by, version.at)}`);
  }
  return "counted";
}
