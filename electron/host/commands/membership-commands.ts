import type { MembershipEvent } from "../../../shared/commune/events";
import { communeState } from "../../../shared/commune/commune-state";
import { toStored } from "../../../shared/docs/automerge-form";
import { sign } from "../../../shared/identity/signed";
import { fail, ok, type Result } from "../../../shared/result";
import type { CommuneNode } from "../commune/commune-node";
import { communeWrite, type Handlers, type HostContext } from "./context";

type MembershipCommand = "commune.leave" | "commune.admit";

/**
 * Signs a membership event, replays the commune with it using the rules
 * every member applies (communeState), and appends it only if it counts:
 * a refused join, admit or leave changes nothing and says why.
 */
export async function appendMembershipEvent(node: CommuneNode, host: HostContext, event: MembershipEvent): Promise<Result<{ id: string }>> {
  const model = node.model();
  if (!model.ok) return model;
  const signed = sign("membership", event, host.keys);
  const { doc, proposals } = model.value;
  const replay = communeState(
    { genesis: doc.genesis, events: [...doc.events, signed], proposals: Object.values(proposals.proposals), votes: Object.values(proposals.votes).flat() },
    host.now(),
    node.id,
  );
  if (!replay.ok) return replay;
  const refused = replay.value.problems.find((problem) => problem.subject === "membership" && problem.id === signed.sig);
  if (refused) return fail(`${refused.reason}.`);
  node.docs.commune.change((doc) => {
    doc.events.push(toStored(signed) as (typeof doc.events)[number]);
  });
  await node.persist();
  return ok({ id: signed.sig.slice(0, 16) });
}

export const membershipCommands: Handlers<MembershipCommand> = {
  async "commune.leave"(input, host) {
    return communeWrite(host, input.commune, (node, _model, at) => appendMembershipEvent(node, host, { type: "leave", commune: node.id, at }));
  },

  async "commune.admit"(input, host) {
    const name = input.name.trim();
    if (name === "") return fail("Give the new member's name.");
    return communeWrite(host, input.commune, (node, _model, at) =>
      appendMembershipEvent(node, host, { type: "admit", commune: node.id, at, member: input.member, name }),
    );
  },
};
