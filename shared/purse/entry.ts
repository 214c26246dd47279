import type { CommuneId } from "../commune/genesis";
import type { PublicKey } from "../identity/keys";
import type { Signed } from "../identity/signed";

/**
 * One signed line of a member's purse feed. Stored flat (no nested objects)
 * because every field is an Automerge operation and a purse holds 100,000 of
 * these.
 *
 * - contribution: the author puts `amount` into the purse.
 * - disbursement: the purse pays `to` (a member) or `payee` (someone outside);
 *   beyond the author's spend limit per period it must cite a passed spend
 *   `proposal`.
 * - transfer: the author gives `amount` of their standing to member `to`.
 * - exchange: the purse trades with partner commune `partner`, `direction`
 *   "in" (purse receives) or "out" (purse gives; limited like a disbursement).
 */
export type EntryKind = "contribution" | "disbursement" | "transfer" | "exchange";

export interface Entry {
  commune: CommuneId;
  id: string;
  kind: EntryKind;
  at: number;
  amount: number;
  currency: string;
  memo: string;
  to?: PublicKey;
  payee?: string;
  partner?: string;
  direction?: "in" | "out";
  proposal?: string;
}

export type SignedEntry = Signed<Entry>;

export type EntryStatus = "counted" | "overdrawn" | "untrusted";
