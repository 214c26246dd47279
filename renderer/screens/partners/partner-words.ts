import type { LedgerRow, PartnerAccountView, PartnerView } from "../../../shared/commands/views";
import { COMMUNE_ID } from "../../../shared/docs/fields";
import { timeText } from "../../ui/Time";

/**
 * The Partners screen's words about partners and exchanges, pure so the
 * renderer test reads them as a member would. The rules themselves (what
 * an exchange counts for, who may answer it) are shared/partners' and the
 * host's; these only say what the views already carry.
 */

/** How a partner commune is named where the commune does not list it: the start of its id, as the host names it. */
export const unnamedPartner = (id: string): string => `commune ${id.slice(0, 8)}`;

/** A ledger row's partner as a member reads it: the name the commune lists, the start of a commune id, or the text typed. */
export function partnerLabel(row: LedgerRow): string {
  const partner = row.partner ?? "";
  return row.partnerName ?? (COMMUNE_ID.test(partner) ? unnamedPartner(partner) : partner);
}

/** Why a typed partner commune id cannot be sent, or undefined when it can (trimmed). */
export function partnerIdProblem(typed: string): string | undefined {
  const id = typed.trim();
  if (id === "") return "Paste the partner commune's id.";
  if (!COMMUNE_ID.test(id)) return "A commune id is 32 characters, 0-9 and a-f: copy it from the partner's offer (read it above).";
  return undefined;
}

const offerKey = (partner: string, offer: string) => `${partner} ${offer}`;

/** Our exchanges out each partner's account counts as accepted, for `exchangeStateWords` (the ledger's rows do not carry the partner's answer). */
export function acceptedOffers(accounts: readonly PartnerAccountView[]): ReadonlySet<string> {
  return new Set(
    accounts.flatMap((account) =>
      account.exchanges
        .filter((exchange) => exchange.direction === "out" && exchange.state === "accepted")
        .map((exchange) => offerKey(account.partner, exchange.offer)),
    ),
  );
}

/** What an exchange in the ledger stands for now: offered, accepted, declined, not counted, or ours alone; `accepted` from `acceptedOffers`. */
export function exchangeStateWords(row: LedgerRow, accepted: ReadonlySet<string> = new Set()): string {
  if (row.status !== "counted") return `Not counted: ${row.reason ?? row.status}.`;
  const name = partnerLabel(row);
  if (row.offer === undefined) return `Recorded by us alone: ${name} is not named as a commune.`;
  if (row.direction === "in") return `Accepted from ${name} into our purse.`;
  if (row.declinedAt !== undefined) return `Declined by ${name} on ${timeText(row.declinedAt, false)}: it counts for nothing from then on.`;
  if (row.partner !== undefined && accepted.has(offerKey(row.partner, row.offer))) return `Accepted by ${name} into its purse.`;
  return `Offered to ${name}: counts as given until ${name} accepts or declines it.`;
}

/** Each partner commune the ledger's exchanges name, once, by the name the commune lists where a row carries it. */
export function partnersInLedger(rows: readonly LedgerRow[]): { id: string; name: string }[] {
  const found = new Map<string, string | undefined>();
  for (const row of rows) {
    if (row.kind !== "exchange" || row.partner === undefined || !COMMUNE_ID.test(row.partner)) continue;
    found.set(row.partner, found.get(row.partner) ?? row.partnerName);
  }
  return [...found].map(([id, name]) => ({ id, name: name ?? unnamedPartner(id) }));
}

/** Where a partnership stands as our passed proposals and the two grants leave it, and what is left for a member to do. */
export function partnershipWords(partner: PartnerView, ourName: string): string {
  const { name } = partner;
  if (partner.status === "ended") return `Ended: nothing new is shared between ${ourName} and ${name}, and no new exchange is offered.`;
  if (partner.endedByThem)
    return `${name} ended the partnership: nothing new is shared between ${ourName} and ${name}. ${ourName} can end it too, by a proposal, to say so on its side.`;
  if (partner.active) return `Partners: ${ourName} and ${name} each read what the other shares, and exchange through their purses.`;
  if (!partner.granted)
    return `${ourName} agreed to partner with ${name}. Carry out the passed proposal in Proposals: it makes what ${ourName} shares and the answer to send.`;
  return `Waiting for ${name}'s answer: send ${name} ours (below), and paste theirs here when it comes.`;
}

/** Whether a partner's item is signed by a member on the roster the partner shares with us. */
export const verificationWords = (verified: boolean, partnerName: string): string =>
  verified ? `Verified: signed by a member on ${partnerName}'s roster.` : "Not verified: not signed by a member on its roster.";
