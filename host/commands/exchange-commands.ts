import type { CommuneModel } from "../commune/commune-model";
import { declineRecord } from "../commune/record-kinds";
import { writeRecord, type Fields } from "../commune/writer";
import { judgeExchangeDecline } from "../../shared/judges/exchange-decline";
import { checkSignature } from "../../shared/identity/signed";
import type { Verifier } from "../../shared/identity/crypto";
import { partnerAccount } from "../../shared/partners/account";
import {
  acceptanceOf,
  answerableExchange,
  cites,
  declineOf,
  declinesIn,
  type ExchangeDecline,
  type SignedExchangeDecline,
} from "../../shared/partners/exchange";
import { onRosterAt, rosterChain } from "../../shared/partners/roster";
import { entrySchema, exchangeDeclineSchema } from "../../shared/docs/records";
import type { Entry, SignedEntry } from "../../shared/purse/entry";
import { entryClaim } from "../../shared/purse/balances";
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

/** Our exchange entries that count in our purse (a voided one was taken back by its author), and our declines that count. */
function ourSide(model: CommuneModel, verifier: Verifier, declinesRaw: unknown): { entries: SignedEntry[]; declines: SignedExchangeDecline[] } {
  const entries = model.purse.entries
    .filter((view) => view.status === "counted" && view.entry.kind === "exchange" && !model.purse.voided.has(entryClaim(view.entry.by, view.entry.id)))
    .map((view) => view.entry);
  const declines = declinesIn(declinesRaw).filter((decline) => judgeExchangeDecline(verifier, model.state, decline) === "counted");
  return { entries, declines };
}

/** Why the partner's exchange cannot be answered again: we accepted or declined it already. */
function answeredAlready(model: CommuneModel, verifier: Verifier, declinesRaw: unknown, offer: SignedEntry): Result<void> {
  const ours = ourSide(model, verifier, declinesRaw);
  const accepted = ours.entries.find((entry) => entry.direction === "in" && cites(entry, offer));
  if (accepted) return fail("exchange.acceptedAlready", `This commune accepted that exchange already (entry ${accepted.id}).`, { field: "exchange" });
  if (ours.declines.some((decline) => cites(decline, offer)))
    return fail("exchange.declinedAlready", "This commune declined that exchange already.", { field: "exchange" });
  return ok(undefined);
}

const declinesOf = (host: HostContext, commune: string): unknown => {
  const node = host.node(commune);
  return node.ok ? (node.value.docs.commune.doc() as { exchangeDeclines?: unknown } | undefined)?.exchangeDeclines : undefined;
};

export const exchangeCommands: Handlers<ExchangeCommand> = {
  async "exchange.accept"(input, host) {
    const build = (model: CommuneModel): Result<Fields<Entry>> => {
      const offer = answerableExchange(host.crypto, model.state.id, input.exchange);
      if (!offer.ok) return offer;
      const answered = answeredAlready(model, host.crypto, declinesOf(host, input.commune), offer.value);
      if (!answered.ok) return answered;
      return ok({ id: randomId(), ...acceptanceOf(offer.value, input.memo.trim()) });
    };
    return writeEntry(host, input.commune, build);
  },

  async "exchange.decline"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const build = (model: CommuneModel, at: number): Result<Fields<ExchangeDecline>> => {
      const offer = answerableExchange(host.crypto, model.state.id, input.exchange);
      if (!offer.ok) return offer;
      const answered = answeredAlready(model, host.crypto, declinesOf(host, input.commune), offer.value);
      if (!answered.ok) return answered;
      const { commune: _ours, at: _at, ...fields } = declineOf(model.state.id, offer.value, input.reason.trim(), at);
      return ok(fields);
    };
    const written = await writeRecord(node.value, host, declineRecord, build);
    return written.ok ? ok({ id: written.value.offer }) : written;
  },

  async "partner.account"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    if (input.partner === node.id)
      return fail("partner.ownCommune", "That is this commune's own id: an account is with another commune.", { field: "partner" });
    const name = input.name ?? model.doc.partners[input.partner]?.name ?? `commune ${input.partner.slice(0, 8)}`;
    const theirs = input.theirs;
    const chain = theirs ? rosterChain(host.crypto, theirs.rosters, { commune: input.partner, anchors: theirs.anchors, now: host.now() }).chain : [];
    const records = theirs?.records ?? [];
    const entries = records.flatMap((record) => {
      const parsed = entrySchema.safeParse(record);
      return parsed.success ? [parsed.data] : [];
    });
    const declines = records.flatMap((record) => {
      const parsed = exchangeDeclineSchema.safeParse(record);
      return parsed.success ? [parsed.data] : [];
    });
    const ours = ourSide(model, host.crypto, declinesOf(host, input.commune));
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
