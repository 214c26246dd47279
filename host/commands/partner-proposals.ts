import { isActiveAt } from "../../shared/commune/state";
import { checkSignature } from "../../shared/identity/signed";
import { answerProblem, readPartnerText, type PartnerText } from "../../shared/partners/answer";
import { openGrant } from "../../shared/partners/grant";
import { communeBoxKeyOf } from "../../shared/partners/keys";
import { partnershipWith } from "../../shared/partners/partnerships";
import type { Written } from "../../shared/commands/commands";
import { fail, ok, type Result } from "../../shared/result";
import type { CommuneNode } from "../commune/commune-node";
import { endPartnership, grantPartner } from "../commune/partner-docs";
import { communeModel, type HostContext } from "./context";

/**
 * What the proposal commands need of a partnership (docs/partners.md, step
 * 3): reading a pasted offer or answer for this commune, and executing a
 * passed `partner` or `partner-end` proposal.
 */

/**
 * A pasted offer or answer, checked as far as this machine can: the offer
 * and grant signed and meant for us, and a grant sealed to our current box
 * key and holding the share key its admission key names.
 */
export async function readForUs(host: HostContext, node: CommuneNode, text: string): Promise<Result<PartnerText>> {
  const read = readPartnerText(host.crypto, text, host.now(), node.id);
  if (!read.ok || !read.value.answer) return read;
  const context = await host.privateCommunes.open(node.id).catch(() => undefined);
  const current = context?.keyring.current();
  if (!context || !current)
    return fail("partner.needsPrivate", "Only a private commune can take in a partner's grant: it is sealed to the keys of one.", { field: "offer" });
  const box = communeBoxKeyOf(context.privacy, host.crypto, current.keys.epochKey);
  const opened = openGrant(context.privacy, host.crypto, host.crypto, read.value.answer.grant, { commune: node.id, box });
  return opened.ok ? read : fail(opened.error.code, opened.error.message, { field: "offer" });
}

/** Executes a passed `partner` (grants) or `partner-end` (ends) proposal; undefined for a proposal of another kind. */
export async function executePartnerProposal(host: HostContext, commune: string, id: string): Promise<Result<Written> | undefined> {
  const found = await communeModel(host, commune);
  if (!found.ok) return undefined;
  const { node, model } = found.value;
  const target = model.state.proposals[id];
  if (!target || (target.proposal.kind !== "partner" && target.proposal.kind !== "partner-end")) return undefined;
  const { proposal, tally } = target;
  // A grant seals our key for the partner and a roster vouches for our members: only an active member writes either.
  if (!isActiveAt(model.state, host.keys.publicKey, host.now()))
    return fail("member.notActive", `Only an active member of ${model.state.name} can carry out "${proposal.title}".`, { field: "proposal" });
  if (tally.outcome !== "passed") return fail("proposal.notPassed", `"${proposal.title}" has not passed (it is ${tally.outcome}).`, { field: "proposal" });
  const partner = proposal.kind === "partner" ? proposal.offer.commune : proposal.partner;
  const partnership = partnershipWith(model.state, partner);
  if (!partnership || partnership.proposal !== proposal.id)
    return fail("proposal.superseded", `A later proposal decided about the partnership with ${partnership?.name ?? "that commune"}: execute that one.`, {
      field: "proposal",
    });
  if (proposal.kind === "partner-end") {
    const ended = await endPartnership(host, node, partnership);
    return ended.ok ? ok({ id: proposal.id }) : ended;
  }
  // The offer and grant were checked when proposed; checked again here, since a proposal is only as genuine as what it carries.
  if (checkSignature(host.crypto, "partner-offer", proposal.offer))
    return fail("offer.altered", `The offer "${proposal.title}" carries has been altered: nothing is granted.`, { field: "proposal" });
  const problem = proposal.answer && answerProblem(host.crypto, proposal.offer, proposal.answer.grant, node.id);
  if (problem) return fail(problem.code, problem.message, { field: "proposal" });
  const granted = await grantPartner(host, node, partnership);
  return granted.ok ? ok({ id: proposal.id }) : granted;
}
