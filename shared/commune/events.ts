import type { PublicKey } from "../identity/keys";
import type { Signed } from "../identity/signed";
import type { CommuneId } from "./genesis";

/**
 * An inviter's signed promise, carried inside an invite string and copied
 * into the join event: whoever holds this invite may join before `expiresAt`.
 * Each grant admits one member (the first join that uses it, in the
 * deterministic order).
 */
/** The longest an invite may stay valid: a leaked one should not admit someone months later. */
export const MAX_INVITE_DAYS = 90;

export interface InviteGrant {
  commune: CommuneId;
  id: string;
  at: number;
  expiresAt: number;
}

/**
 * Membership changes a member makes with their own key. Admission by
 * proposal and removal happen when the proposal passes; they need no event.
 */
export type MembershipEvent =
  | { type: "join"; commune: CommuneId; at: number; name: string; invite: Signed<InviteGrant> }
  | { type: "admit"; commune: CommuneId; at: number; member: PublicKey; name: string }
  | { type: "leave"; commune: CommuneId; at: number };

export type SignedMembershipEvent = Signed<MembershipEvent>;
