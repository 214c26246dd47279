import type { Currency } from "../money/currency";
import type { PublicKey } from "../identity/keys";
import type { EntryKind } from "./entry";
import { money } from "./wording";

/**
 * What a member is asked to confirm before an entry is signed: a typo of
 * 5,000 for 50 is caught before it reaches anyone, not after. Asked once,
 * with the result in words; the member may go on. Nothing here refuses an
 * entry: the judges decide what counts.
 */

/** An entry this many times the member's usual one of its kind and currency is unusual. */
export const UNUSUAL_FACTOR = 10;
/** How many counted entries of a kind and currency make a "usual" amount. */
export const USUAL_AFTER = 3;

export interface EntryDraft {
  kind: EntryKind;
  amount: number;
  by: PublicKey;
  to?: PublicKey;
}

export interface MemberFacts {
  /** The member's standing in the entry's currency now. */
  standing: number;
  /** The mean of their counted entries of this kind and currency, once there are USUAL_AFTER of them. */
  usual: number | undefined;
}

const NOUNS: Record<EntryKind, string> = { contribution: "contribution", disbursement: "payment", transfer: "transfer", exchange: "exchange", void: "void" };

/**
 * Why the draft is unusual, in a sentence that ends with what happens if it
 * is sent; undefined when it is not. `confirmAbove` is the commune's own
 * threshold in this currency (Rules.confirmAbove), if it set one.
 */
export function unusualEntry(draft: EntryDraft, currency: Currency, facts: MemberFacts, confirmAbove?: number): string | undefined {
  // Taking a mistake back is never the mistake to catch.
  if (draft.kind === "void") return undefined;
  const reasons: string[] = [];
  const noun = NOUNS[draft.kind];
  if (confirmAbove !== undefined && confirmAbove > 0 && draft.amount > confirmAbove)
    reasons.push(`is above the ${money(confirmAbove, currency)} your commune asks members to confirm`);
  if (facts.usual !== undefined && draft.amount >= UNUSUAL_FACTOR * facts.usual)
    reasons.push(`is more than ${UNUSUAL_FACTOR} times your usual ${noun} (${money(Math.round(facts.usual), currency)} on average)`);
  const lowers = draft.kind === "transfer" || (draft.kind === "disbursement" && draft.to === draft.by);
  const after = facts.standing - draft.amount;
  if (lowers && after < 0) reasons.push(`takes your standing to ${money(after, currency)}`);
  if (reasons.length === 0) return undefined;
  return `This ${noun} of ${money(draft.amount, currency)} ${reasons.join(", and ")}. Check the amount; record it anyway only if it is right.`;
}
