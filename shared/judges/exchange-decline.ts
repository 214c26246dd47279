import { notActiveClause, statusAt, type CommuneState } from "../commune/state";
import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import type { SignedExchangeDecline } from "../partners/exchange";
import { refuse, type Verdict } from "./verdict";

/**
 * Whether our own decline of a partner's exchange counts (issue 14):
 * genuinely signed, for this commune, by a member active at its time, and
 * declining an exchange of another commune. Whether it matches what the
 * partner offered is the account's to say (shared/partners/account.ts).
 * The partner judges our declines against our roster instead.
 */
export function judgeExchangeDecline(verifier: Verifier, state: CommuneState, decline: SignedExchangeDecline): Verdict {
  const signature = checkSignature(verifier, "exchange-decline", decline);
  if (signature)
    return refuse(
      "decline.bad-signature",
      signature === "unsigned" ? "This decline is not signed" : "This decline was altered after signing or is badly signed",
    );
  if (decline.commune !== state.id) return refuse("decline.other-commune", "This decline belongs to another commune");
  if (decline.partner === state.id) return refuse("decline.own-exchange", "A commune cannot decline its own exchange: only the partner it names can");
  if (statusAt(state, decline.by, decline.at) !== "active") {
    const name = state.members[decline.by]?.name ?? decline.by.slice(0, 8);
    return refuse("decline.author-not-active", `${name} ${notActiveClause(state, decline.by, decline.at)}`);
  }
  return "counted";
}
