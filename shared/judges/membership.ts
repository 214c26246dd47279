import type { SignedMembershipEvent } from "../commune/events";
import type { CommuneId } from "../commune/genesis";
import { rulesAt, statusAt, type CommuneState } from "../commune/state";
import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import { refuse, type Verdict } from "./verdict";

/** What a membership event is judged against besides the state: the commune's id, the invites already used (in replay order), and the verifier of the invite's signature. */
export interface MembershipSetting {
  verifier: Verifier;
  state: CommuneState;
  id: CommuneId;
  usedInvites: ReadonlySet<string>;
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const nameOf = (state: CommuneState, key: string) => state.members[key]?.name ?? key.slice(0, 8);

/**
 * Whether a join, admit or leave counts, given the state replayed up to its
 * time. A write is judged by replaying the commune with the new event in it
 * (`communeState`), which calls this for every event, the new one included.
 */
export function judgeMembershipEvent({ verifier, state, id, usedInvites }: MembershipSetting, event: SignedMembershipEvent): Verdict {
  const status = statusAt(state, event.by, event.at);
  switch (event.type) {
    case "join": {
      const grant = event.invite;
      const no = (code: string, reason: string) => refuse(`join.${code}`, `${event.name} could not join: ${reason}`);
      if (checkSignature(verifier, "invite", grant)) return no("invite-bad-signature", "the invite is not validly signed");
      if (grant.commune !== id) return no("invite-other-commune", "the invite is for another commune");
      if (statusAt(state, grant.by, grant.at) !== "active") return no("inviter-not-active", "whoever signed the invite was not an active member then");
      if (event.at < grant.at) return no("before-invite", "the join is dated before the invite was made");
      if (event.at > grant.expiresAt) return no("invite-expired", `the invite expired on ${day(grant.expiresAt)}`);
      if (usedInvites.has(grant.id)) return no("invite-used", "the invite was already used");
      if (status === "active" || status === "applicant") return no("already-member", "they are already a member");
      if (status === "removed") return no("removed", "they were removed; only an admit proposal can bring them back");
      return "counted";
    }
    case "admit": {
      const no = (code: string, reason: string) => refuse(`admit.${code}`, `${nameOf(state, event.by)} could not admit ${event.name}: ${reason}`);
      if (status !== "active") return no("admitter-not-active", "they were not an active member then");
      if (rulesAt(state, event.at).admission !== "direct") return no("needs-proposal", "the rules require an admit proposal");
      const target = statusAt(state, event.member, event.at);
      if (target === "active") return no("already-member", "they are already a member");
      if (target === "removed") return no("removed", "they were removed; only an admit proposal can bring them back");
      return "counted";
    }
    case "leave":
      if (status !== "active" && status !== "applicant")
        return refuse("leave.not-member", `${nameOf(state, event.by)} could not leave: they were not a member then`);
      return "counted";
  }
}
