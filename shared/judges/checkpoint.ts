import { isActiveAt, type CommuneState } from "../commune/state";
import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import type { SignedCheckpoint } from "../purse/checkpoint";
import { refuse, type Verdict } from "./verdict";

/**
 * Whether a well-formed checkpoint may stand for its signer's count: filed
 * under its signer's key, for this commune, written while the signer was
 * active, and validly signed (checked last: it is the costly check).
 */
export function judgeCheckpoint(verifier: Verifier, state: CommuneState, checkpoint: SignedCheckpoint, filedUnder: string): Verdict {
  if (checkpoint.by !== filedUnder) return refuse("checkpoint.misfiled", "This checkpoint is filed under another member's key");
  if (checkpoint.commune !== state.id) return refuse("checkpoint.other-commune", "This checkpoint belongs to another commune");
  if (!isActiveAt(state, checkpoint.by, checkpoint.at))
    return refuse("checkpoint.signer-not-active", "Whoever signed this checkpoint was not an active member then");
  if (checkSignature(verifier, "checkpoint", checkpoint) !== undefined)
    return refuse("checkpoint.bad-signature", "This checkpoint was altered after signing or is badly signed");
  return "counted";
}
