import type { CommuneModel } from "../commune/commune-model";
import { declineRecord } from "../commune/record-kinds";
import { writeRecord, type Fields } from "../commune/writer";
import { notOnOurRosterYet, ourExchangeSide, shareAfterWrite } from "../commune/partner-docs";
import { checkSignature } from "../../shared/identity/signed";
import type { Verifier } from "../../shared/identity/crypto";
import { partnerAccount } from "../../shared/partners/account";
import { acceptanceOf, answerableExchange, cites, declineOf, type ExchangeDecline } from "../../shared/partners/exchange";
import { onRosterAt, rosterChain } from "../../shared/partners/roster";
import { filedFrom, judgedFiled, partnerAnchors } from "../../shared/partners/filed";
import { partnershipWith } from "../../shared/partners/partnerships";
import { entrySchema, exchangeDeclineSchema } from "../../shared/docs/records";
import type { Entry, SignedEntry } from "../../shared/purse/entry";
import { fail, ok, type Result } from "../../shared/result";
import { randomId } from "../../shared/identity/keys";
import { communeModel, type Handlers, type HostContext } from "./context";
import { writeEntry } from "./purse-commands";

type ExchangeCommand = "exchange.accept" | "exchange.decline" | "partner.account";

/**
 * Answering a partner commune's exchange, and the account with a partner
 * (issue 14, docs/partners.md "Exchanges"). An answer goes into our own
 * documents only, signed by our member: an acceptance is an "in" entry in
 * our purse citing the partner's entry, a decline a signed record in our
 * commune document. Neither touches anything of the partner's.
 */

/** Why the partner's exchange cannot be answered again: we accepted or declined it already. */
function answeredAlready(model: CommuneModel, verifier: Verifier, communeDoc: unknown, offer: SignedEntry): Result<void> {
  const ours = ourExchangeSide(model, verifier, communeDoc);
  const accepted = ours.entries.find((entry) => entry.direction === "in" && cites(entry, offer));
  if (accepted) return fail("exchange.acceptedAlready", `This commune accepted that exchange already (entry ${accepted.id}).`, { field: "exchange" });
  if (ours.declines.some((decline) => cites(decline, offer)))
    return fail("exchange.declinedAlready", "This commune declined that exchange already.", { field: "exchange" });
  return ok(undefined);
}

/**
 * An offer from a commune we partner with must be signed by a member on
 * its roster as we filed it from what it shares (shared/partners/filed.ts):
 * accepting a forged one would put in our purse money no one gave. An
 * exchange from a commune we hold no partnership with is answered on the
 * member's word, as before partnerships (docs/partners.md says so).
 */
function onPartnersRoster(host: HostContext, model: CommuneModel, offer: SignedEntry): Result<void> {
  const partnership = partnershipWith(model.state, offer.commune);
  if (!partnership) return ok(undefined);
  const node = host.node(model.id);
  const filed = node.ok ? filedFrom(node.value.docs.commune.doc(), offer.commune) : undefined;
  const anchors = partnerAnchors(model.state, model.doc.partners[offer.commune], offer.commune);
  const judged =
    filed && judgedFiled(host.crypto, { ...filed, exchanges: [offer], declines: [] }, { partner: offer.commune, us: model.id, anchors, now: host.now() });
  if (judged?.exchanges.length === 1) return ok(undefined);
  const unread = !filed || filed.rosters.length === 0;
  return fail(
    "exchange.unverified",
    unread
      ? `Nothing ${partnership.name} shares has been read here yet, so who signed that exchange cannot be checked: read what ${partnership.name} shares first (partner shared).`
      : `That exchange is not signed by a member on ${partnership.name}'s roster at its time: it is forged, or altered, and counts for nothing.`,
    { field: "exchange" },
  );
}

const communeDocOf = (host: HostContext, commune: string): unknown => {
  const node = host.node(commune);
  return node.ok ? node.value.docs.commune.doc() : undefined;
};

/** The partner's offer an accept or decline answers: well formed and to us, signed on the partner's roster, not answered yet. */
function stillToAnswer(host: HostContext, model: CommuneModel, commune: string, exchange: unknown): Result<SignedEntry> {
  const offer = answerableExchange(host.crypto, model.state.id, exchange);
  if (!offer.ok) return offer;
  const genuine = onPartnersRoster(host, model, offer.value);
  if (!genuine.ok) return genuine;
  const answered = answeredAlready(model, host.crypto, communeDocOf(host, commune), offer.value);
  return answered.ok ? offer : answered;
}

/** An answer is read by the partner that offered, against our roster: refused while that roster does not name this member yet. */
async function answerNotCountedYet(host: HostContext, commune: string, exchange: unknown): Promise<Result<void>> {
  const offer = answerableExchange(host.crypto, commune, exchange);
  // A malformed or misdirected offer is refused with its own reason when the answer is built.
  if (!offer.ok) return ok(undefined);
  const found = await communeModel(host, commune);
  if (!found.ok) return found;
  const notYet = await notOnOurRosterYet(host, found.value.node, found.value.model, offer.value.commune);
  return notYet ? fail("exchange.notOnRoster", notYet, { field: "exchange" }) : ok(undefined);
}

export const exchangeCommands: Handlers<ExchangeCommand> = {
  async "exchange.accept"(input, host) {
    const notYet = await answerNotCountedYet(host, input.commune, input.exchange);
    if (!notYet.ok) return notYet;
    const build = (model: CommuneModel): Result<Fields<Entry>> => {
      const offer = stillToAnswer(host, model, input.commune, input.exchange);
      if (!offer.ok) return offer;
      return ok({ id: randomId(), ...acceptanceOf(offer.value, input.memo.trim()) });
    };
    const written = await writeEntry(host, input.commune, build);
    if (written.ok) await shareAfterWrite(host, input.commune);
    return written;
  },

  async "exchange.decline"(input, host) {
    const notYet = await answerNotCountedYet(host, input.commune, input.exchange);
    if (!notYet.ok) return notYet;
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const build = (model: CommuneModel, at: number): Result<Fields<ExchangeDecline>> => {
      const offer = stillToAnswer(host, model, input.commune, input.exchange);
      if (!offer.ok) return offer;
      const { commune: _ours, at: _at, ...fields } = declineOf(model.state.id, offer.value, input.reason.trim(), at);
      return ok(fields);
    };
    const written = await writeRecord(node.value, host, declineRecord, build);
    if (!written.ok) return written;
    await shareAfterWrite(host, input.commune);
    return ok({ id: written.value.offer });
  },

  async "partner.account"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    if (input.partner === node.id)
      return fail("partner.ownCommune", "That is this commune's own id: an account is with another commune.", { field: "partner" });
    const name = input.name ?? model.doc.partners[input.partner]?.name ?? `commune ${input.partner.slice(0, 8)}`;
    // What members of ours read in the partner's shared document and filed, with what was passed in by hand (the CLI's --theirs).
    const filed = filedFrom(node.docs.commune.doc(), input.partner);
    const theirs = input.theirs;
    const anchors = [...new Set([...partnerAnchors(model.state, model.doc.partners[input.partner], input.partner), ...(theirs?.anchors ?? [])])];
    const rosters = [...filed.rosters, ...(theirs?.rosters ?? [])];
    const chain = anchors.length > 0 ? rosterChain(host.crypto, rosters, { commune: input.partner, anchors, now: host.now() }).chain : [];
    const records: unknown[] = [...filed.exchanges, ...filed.declines, ...(theirs?.records ?? [])];
    const entries = records.flatMap((record) => {
      const parsed = entrySchema.safeParse(record);
      return parsed.success ? [parsed.data] : [];
    });
    const declines = records.flatMap((record) => {
      const parsed = exchangeDeclineSchema.safeParse(record);
      return parsed.success ? [parsed.data] : [];
    });
    const ours = ourExchangeSide(model, host.crypto, node.docs.commune.doc());
    const account = partnerAccount({
      us: { id: node.id, name: model.state.name, ...ours },
      them: { id: input.partner, name, entries, declines },
      onTheirRoster: (record) =>
        checkSignature(host.crypto, "kind" in record ? "entry" : "exchange-decline", record) === undefined && onRosterAt(chain, record.by, record.at),
      currencies: model.state.rules.flatMap((version) => version.rules.currencies),
    });
    return ok({
      partner: input.partner,
      name,
      words: account.words,
      position: account.position,
      offeredByUs: account.offeredByUs,
      exchanges: account.exchanges.map(({ entry, direction, state, words }) => ({
        offer: entry.offer!,
        direction,
        amount: entry.amount,
        currency: entry.currency,
        at: entry.at,
        state,
        words,
      })),
      mismatches: account.mismatches,
      checked: chain.length > 0,
      records: [
        ...ours.entries.filter((entry) => entry.partner === input.partner && entry.offer !== undefined),
        ...ours.declines.filter((decline) => decline.partner === input.partner),
      ],
    });
  },
};
