import type { CommuneState } from "../commune/state";
import type { SignedProposal } from "../proposals/proposal";
import type { PartnerAnswerPart } from "./answer";
import type { PartnerOffer } from "./offer";

/**
 * Which partnerships a commune has decided on, from its passed `partner`
 * and `partner-end` proposals (docs/partners.md): the latest decision about
 * each other commune stands, so a partnership ended and proposed again is
 * agreed again. The same for every member, since it reads only the state
 * every member replays; what was executed of it (a grant written, an end
 * record) is in the shared documents.
 */
export type PartnershipStatus = "agreed" | "ended";

export interface Partnership {
  /** The other commune's id. */
  partner: string;
  name: string;
  status: PartnershipStatus;
  /** The passed proposal that decided the status. */
  proposal: string;
  decidedAt: number;
  /** The other commune's offer, from the passed `partner` proposal (an ended partnership keeps the one it had). */
  offer: PartnerOffer;
  /** Its grant to us and where what it shares with us is, once a passed proposal carried its answer. */
  answer?: PartnerAnswerPart;
}

type PartnerProposal = Extract<SignedProposal, { kind: "partner" | "partner-end" }>;

export function partnershipsOf(state: CommuneState): Partnership[] {
  const decided: { proposal: PartnerProposal; at: number }[] = [];
  for (const { proposal, tally } of Object.values(state.proposals)) {
    if (tally.outcome !== "passed") continue;
    if (proposal.kind === "partner" || proposal.kind === "partner-end") decided.push({ proposal, at: tally.decidesAt });
  }
  decided.sort((a, b) => a.at - b.at || (a.proposal.id < b.proposal.id ? -1 : 1));
  const byPartner = new Map<string, Partnership>();
  for (const { proposal, at } of decided) {
    if (proposal.kind === "partner") {
      const earlier = byPartner.get(proposal.offer.commune);
      // An answer once carried stays known: a later proposal from a fresh offer does not make the grant we hold unknown.
      const answer = proposal.answer ?? earlier?.answer;
      byPartner.set(proposal.offer.commune, {
        partner: proposal.offer.commune,
        name: proposal.offer.name,
        status: "agreed",
        proposal: proposal.id,
        decidedAt: at,
        offer: proposal.offer,
        ...(answer ? { answer } : {}),
      });
      continue;
    }
    const earlier = byPartner.get(proposal.partner);
    // Ending a partnership never agreed to decides nothing: there is nothing to end.
    if (earlier) byPartner.set(proposal.partner, { ...earlier, status: "ended", proposal: proposal.id, decidedAt: at });
  }
  return [...byPartner.values()].sort((a, b) => a.name.localeCompare(b.name) || (a.partner < b.partner ? -1 : 1));
}

/** The partnership with `partner`, if the commune ever decided on one. */
export const partnershipWith = (state: CommuneState, partner: string): Partnership | undefined =>
  partnershipsOf(state).find((partnership) => partnership.partner === partner);
