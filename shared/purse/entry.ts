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
 *   Since issue 14 an exchange with a partner names it by commune id and
 *   carries the `offer` id that pairs both sides' entries; an "in" that
 *   accepts a partner's "out" cites it (`answers`, `answersBy`,
 *   `answersSig`: its id, author and the SHA-256 of its signature). Older
 *   entries name the partner as free text and carry none of these.
 * - void: the author takes back their own earlier entry `of` (same amount and
 *   currency): it undoes that entry's effect from the void's time on, and the
 *   entry stays in the ledger, linked to the void. Under a passed "reverse"
 *   proposal (`proposal`) any active member voids the disbursement it names,
 *   by `ofBy`. Its own kind, not a flag
 *   on an ordinary entry, so a Commune that predates voids refuses it
 *   ("a kind the purse does not know") instead of counting it as money.
 *
 * Any kind but a void may name `corrects`: the id of the author's entry it
 * replaces. It counts only after a counted void of that entry, once, so a
 * correction whose void lost a race never counts twice.
 */
export type EntryKind = "contribution" | "disbursement" | "transfer" | "exchange" | "void";

/** The kinds that move money or standing of their own; a void only undoes one of these. */
export const ORDINARY_KINDS = ["contribution", "disbursement", "transfer", "exchange"] as const satisfies readonly EntryKind[];
export const ENTRY_KINDS = [...ORDINARY_KINDS, "void"] as const satisfies readonly EntryKind[];

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
  /** A void's target: the id of its author's entry it takes back. */
  of?: string;
  /** On a void made under a passed "reverse" proposal (`proposal`): whose entry `of` is, when not the void's author's. */
  ofBy?: PublicKey;
  /** The id of its author's voided entry this one replaces. */
  corrects?: string;
  /** On an exchange with a partner commune (issue 14): the id both sides' entries of one exchange share. */
  offer?: string;
  /** On an "in" exchange accepting a partner's "out": that entry's id, its author, and the SHA-256 (hex) of its signature. */
  answers?: string;
  answersBy?: PublicKey;
  answersSig?: string;
}

export type SignedEntry = Signed<Entry>;

export type EntryStatus = "counted" | "overdrawn" | "untrusted";
