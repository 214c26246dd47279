import type { MembershipEvent } from "../../shared/commune/events";
import { communeRecords, communeState } from "../../shared/commune/commune-state";
import type { CommuneState } from "../../shared/commune/state";
import { readCommuneDoc, readProposalsDoc } from "../../shared/docs/documents";
import { toStored } from "../../shared/docs/automerge-form";
import { sign } from "../../shared/identity/signed";
import { fail, ok, type Result } from "../../shared/result";
import type { CommuneDocs } from "../commune/commune-docs";
import { communeWrite, type Handlers, type HostContext } from "./context";

type MembershipCommand = "commune.leave" | "commune.admit";

/**
 * Signs a membership event, replays the commune with it using the rules
 * every member applies (communeState), and appends it only if it counts:
 * a refused join, admit or leave changes nothing and says why. Membership
 * depends on the commune and proposals documents alone, so a newcomer can
 * join while the purse is still arriving. Answers with the commune's state
 * after the event.
 */
export async function appendMembershipEvent(
  target: { docs: CommuneDocs; id: string },
  host: HostContext,
  event: MembershipEvent,
): Promise<Result<{ id: string; state: CommuneState }>> {
  const { docs } = target;
  const commune = readCommuneDoc(docs.commune.doc());
  if (!commune.ok) return commune;
  const read = readProposalsDoc(docs.proposals.doc());
  if (!read.ok) return read;
  const signed = sign(host.crypto, "membership", event, host.keys);
  const { doc } = commune.value;
  const proposals = read.value.doc;
  const replay = communeState(
    host.crypto,
    { ...communeRecords(doc, proposals), events: [...doc.events, signed] },
    host.now(),
    target.id,
  );
  if (!replay.ok) return replay;
  const refused = replay.value.problems.find((problem) => problem.subject === "membership" && problem.id === signed.sig);
  if (refused) return fail(`${refused.reason}.`);
  docs.commune.change((doc) => {
    doc.events.push(toStored(signed) as (typeof doc.events)[number]);
  });
  await docs.flush();
  return ok({ id: signed.sig.slice(0, 16), state: replay.value });
}

const idOnly = (result: Result<{ id: string }>): Result<{ id: string }> => (result.ok ? ok({ id: result.value.id }) : result);

export const membershipCommands: Handlers<MembershipCommand> = {
  async "commune.leave"(input, host) {
    return communeWrite(host, input.commune, (node, _model, at) => appendMembershipEvent(node, host, { type: "leave", commune: node.id, at }).then(idOnly));
  },

  async "commune.admit"(input, host) {
    const name = input.name.trim();
    if (name === "") return fail("Give the new member's name.");
    return communeWrite(host, input.commune, (node, _model, at) =>
      appendMembershipEvent(node, host, { type: "admit", commune: node.id, at, member: input.member, name }).then(idOnly),
    );
  },
};
