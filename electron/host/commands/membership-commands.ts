import type { MembershipEvent } from "../../../shared/commune/events";
import { rulesAt, statusAt } from "../../../shared/commune/state";
import { toStored } from "../../../shared/docs/automerge-form";
import { sign } from "../../../shared/identity/signed";
import { fail, ok, type Result } from "../../../shared/result";
import type { CommuneNode } from "../commune/commune-node";
import { communeWrite, type Handlers, type HostContext } from "./context";

type MembershipCommand = "commune.leave" | "commune.admit";

/** Signs a membership event and appends it to the commune document. */
export async function appendMembershipEvent(node: CommuneNode, host: HostContext, event: MembershipEvent): Promise<Result<{ id: string }>> {
  const signed = sign("membership", event, host.keys);
  node.docs.commune.change((doc) => {
    doc.events.push(toStored(signed) as (typeof doc.events)[number]);
  });
  await node.persist();
  return ok({ id: signed.sig.slice(0, 16) });
}

export const membershipCommands: Handlers<MembershipCommand> = {
  async "commune.leave"(input, host) {
    return communeWrite(host, input.commune, async (node, model, at) => {
      const status = statusAt(model.state, host.keys.publicKey, at);
      if (status !== "active" && status !== "applicant") return fail("You are not a member of this commune.");
      return appendMembershipEvent(node, host, { type: "leave", commune: node.id, at });
    });
  },

  async "commune.admit"(input, host) {
    return communeWrite(host, input.commune, async (node, model, at) => {
      const { state } = model;
      if (statusAt(state, host.keys.publicKey, at) !== "active") return fail("Only an active member can admit someone.");
      if (rulesAt(state, at).admission !== "direct") return fail("This commune admits new members by proposal: make an admit proposal instead.");
      const target = statusAt(state, input.member, at);
      if (target === "active") return fail("They are already a member.");
      if (target === "removed") return fail("They were removed; only an admit proposal can bring them back.");
      if (input.name.trim() === "") return fail("Give the new member's name.");
      return appendMembershipEvent(node, host, { type: "admit", commune: node.id, at, member: input.member, name: input.name.trim() });
    });
  },
};
