import { fingerprint } from "../../shared/identity/keys";
import { isActiveAt } from "../../shared/commune/state";
import { communeBoxKeyOf } from "../../shared/partners/keys";
import { createPartnerOffer } from "../../shared/partners/offer";
import { readPartnerText } from "../../shared/partners/answer";
import { partnershipsOf, partnershipWith } from "../../shared/partners/partnerships";
import type { PartnerView } from "../../shared/commands/views";
import {
  answerFor,
  endedByPartner,
  fileFromPartner,
  isOpen,
  keepPartnerAnswer,
  keepPartnerBox,
  ourExchangeSide,
  sharedDocFor,
  shareWithPartners,
} from "../commune/partner-docs";
import { proposalRecord } from "../commune/record-kinds";
import { writeRecord } from "../commune/writer";
import { readForUs } from "./partner-proposals";
import { openGrant } from "../../shared/partners/grant";
import { readSharedDoc } from "../../shared/partners/shared-doc";
import { verifiedShared } from "../../shared/partners/verify-shared";
import { filedFrom, partnerAnchors, toFile } from "../../shared/partners/filed";
import { cites } from "../../shared/partners/exchange";
import type { SignedEntry } from "../../shared/purse/entry";
import type { Currency } from "../../shared/money/currency";
import { isoDay, money } from "../../shared/purse/wording";
import { kindOf } from "../../shared/inventory/item";
import { readPartnerDocument } from "../sync/partner-reader";
import { proposalFrom } from "./proposal-commands";
import { fail, ok } from "../../shared/result";
import type { Crypto } from "../../shared/identity/crypto";
import type { PrivateLinkContext } from "../commune/relay-link";
import { communeModel, type Handlers } from "./context";

type PartnerCommand = "partner.offer" | "partner.read" | "partner.accept" | "partner.list" | "partner.shared";

const DAY = 86_400_000;
/** How long a partnership proposal made from a pasted offer stays open, unless the member says otherwise: as the proposal form's default. */
const PARTNER_VOTING_DAYS = 7;

/**
 * The first steps of a partnership (docs/partners.md): making a partner
 * offer, and reading one another commune sent, before anyone decides
 * anything. An offer needs a private commune: it carries the box key of
 * the current epoch, which a plaintext commune has none of.
 */
/** Our box key whose public half is `box`, from the epochs this machine holds, newest first; undefined when none is. */
function boxKeyFor(context: PrivateLinkContext, crypto: Crypto, box: string) {
  let steps = 0;
  // Bounded as the chain itself is: a keyring holds one record per epoch.
  for (let at = context.keyring.newest(); at && steps++ < 100_000; at = at.header?.parent ? context.keyring.held(at.header.parent) : undefined) {
    const pair = communeBoxKeyOf(context.privacy, crypto, at.keys.epochKey);
    if (pair.publicKey === box) return pair;
  }
  return undefined;
}

/** At most this many moves of a partner's shared document are followed in one read: one per epoch it moved through since our last read. */
const MAX_MOVES_FOLLOWED = 16;

const STATE_WORDS = { offered: "not answered yet", accepted: "accepted", declined: "declined" } as const;

/** An exchange a partner offers us, in words: amounts in the currency's own decimals when this commune knows the currency. */
function offeredWords(name: string, entry: SignedEntry, state: keyof typeof STATE_WORDS, currencies: readonly Currency[]): string {
  const currency = currencies.find((known) => known.code === entry.currency);
  const amount = currency ? money(entry.amount, currency) : `${entry.amount} (minor units of ${entry.currency})`;
  const memo = entry.memo.trim() ? ` (${entry.memo.trim()})` : "";
  return `${name} offers ${amount}${memo}, on ${isoDay(entry.at)}: ${STATE_WORDS[state]}.`;
}

export const partnerCommands: Handlers<PartnerCommand> = {
  async "partner.offer"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    const at = host.now();
    if (!isActiveAt(model.state, host.keys.publicKey, at)) return fail("member.notActive", "Only an active member can offer a partnership.");
    let context;
    try {
      context = await host.privateCommunes.open(node.id);
    } catch {
      return fail("partner.keysDamaged", `This machine's keys of ${model.state.name} cannot be read (epochs.json is damaged), so no offer can carry them.`);
    }
    const current = context?.keyring.currentKey();
    if (!context || !current)
      return fail(
        "partner.needsPrivate",
        `${model.state.name} is not private: a partner is given the key to what the partnership shares, and a plaintext commune has no keys to give. Partnerships need a private commune.`,
      );
    if (node.record.relays.length === 0)
      return fail("partner.noRelay", "Add a relay to this commune first: a partner reaches what you share with it through one.");
    const expiresAt = at + Math.round(input.days * DAY);
    const offer = createPartnerOffer(
      host.crypto,
      {
        commune: node.id,
        name: model.state.name,
        relays: node.record.relays,
        epoch: current.id,
        box: communeBoxKeyOf(context.privacy, host.crypto, current.key).publicKey,
        at,
        expiresAt,
      },
      host.keys,
    );
    return ok({ offer, expiresAt });
  },

  async "partner.read"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const read = readPartnerText(host.crypto, input.offer, host.now(), node.value.id);
    if (!read.ok) return read;
    const { commune, name, relays, by, at, expiresAt } = read.value.offer;
    return ok({ commune, name, relays, by, fingerprint: fingerprint(by), at, expiresAt });
  },

  async "partner.accept"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const pasted = await readForUs(host, node.value, input.offer);
    if (!pasted.ok) return pasted;
    const { offer, answer } = pasted.value;
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const agreed = partnershipWith(found.value.model.state, offer.commune);
    if (agreed?.status === "agreed") {
      if (!isActiveAt(found.value.model.state, host.keys.publicKey, host.now()))
        return fail("member.notActive", `Only an active member of ${found.value.model.state.name} can take in a partner's answer.`);
      if (!answer)
        return fail("partner.agreed", `This commune decided to partner with ${offer.name} already: paste the answer ${offer.name} sends back instead.`, {
          field: "offer",
        });
      // Decided already: taking in their grant is not a new decision, so it needs no vote (docs/partners.md, step 5).
      const kept = await keepPartnerAnswer(node.value, offer, answer);
      return kept.ok ? ok({ accepted: offer.commune }) : kept;
    }
    const proposal = {
      commune: input.commune,
      kind: "partner" as const,
      title: `Partner with ${offer.name}`,
      body: "",
      deadline: input.deadline ?? { days: PARTNER_VOTING_DAYS },
      hideVotes: false,
      offer: input.offer,
    };
    const written = await writeRecord(node.value, host, proposalRecord, (model, at) => proposalFrom(proposal, model, at, pasted.value));
    return written.ok ? ok({ proposed: written.value.id }) : written;
  },

  async "partner.list"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    const views: PartnerView[] = [];
    for (const partnership of partnershipsOf(model.state)) {
      const shared = await sharedDocFor(node, partnership.partner);
      const granted = shared !== undefined && isOpen(shared.doc);
      const grant = shared?.doc.grants.at(-1);
      const answer = granted && grant ? answerFor(host, node, { url: shared.url, grant }, partnership.partner) : undefined;
      const theirs = partnership.answer !== undefined || model.doc.partners[partnership.partner]?.grant !== undefined;
      const endedByThem = endedByPartner(host.crypto, node, model, partnership.partner, host.now());
      views.push({
        commune: partnership.partner,
        name: partnership.name,
        status: partnership.status,
        proposal: partnership.proposal,
        decidedAt: partnership.decidedAt,
        granted,
        ...(answer?.ok ? { answer: answer.value } : {}),
        items: shared ? Object.keys(shared.doc.items).length : 0,
        theirs,
        endedByThem,
        active: partnership.status === "agreed" && granted && theirs && !endedByThem,
      });
    }
    return ok(views);
  },

  async "partner.shared"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    const partnership = partnershipWith(model.state, input.partner);
    if (partnership?.status === "ended")
      return fail(
        "partner.endedByUs",
        `${model.state.name} ended its partnership with ${partnership.name} (proposal ${partnership.proposal}): nothing more is read from it.`,
        { field: "partner" },
      );
    const kept = model.doc.partners[input.partner];
    const grant = kept?.grant ?? partnership?.answer?.grant;
    const url = kept?.grant ? kept.inventory : partnership?.answer?.doc;
    if (!partnership || !grant || !url)
      return fail("partner.noGrant", "This commune holds no grant from that commune: paste its answer (partner accept) first.", { field: "partner" });
    const offer = kept?.offer ?? partnership.offer;
    const context = await host.privateCommunes.open(node.id).catch(() => undefined);
    const current = context?.keyring.current();
    if (!context || !current) return fail("partner.needsPrivate", "This machine holds no key of this commune's current epoch to open the grant with.");
    const anchors = partnerAnchors(model.state, kept, input.partner);
    // Where the partner's sharing is now: it moves to a fresh document when its epoch moves on, and says so, signed, in the old one.
    let where = { doc: url, grant };
    let read: Awaited<ReturnType<typeof readPartnerDocument>>;
    let shared: ReturnType<typeof readSharedDoc>;
    let verified: ReturnType<typeof verifiedShared>;
    for (let hop = 0; ; hop++) {
      // A grant is sealed to our box key of the epoch it was made in: an older one opens with that epoch's key, which we still hold.
      const box = boxKeyFor(context, host.crypto, where.grant.partnerBox) ?? communeBoxKeyOf(context.privacy, host.crypto, current.keys.epochKey);
      const keys = openGrant(context.privacy, host.crypto, host.crypto, where.grant, { commune: node.id, box });
      if (!keys.ok) return keys;
      read = fail("partner.noRelay", `${offer.name} names no relay.`);
      for (const relay of offer.relays) {
        read = await readPartnerDocument({
          url: relay,
          commune: input.partner,
          document: where.doc.slice("automerge:".length),
          keys: keys.value,
          privacy: context.privacy,
          crypto: host.crypto,
        });
        if (read.ok) break;
      }
      if (!read.ok) return read;
      shared = readSharedDoc(read.value.doc);
      if (!shared.ok) return fail("partner.unreadable", `What ${offer.name} shares cannot be read: ${shared.error.message}`);
      verified = verifiedShared(host.crypto, shared.value.doc, { partner: input.partner, anchors, now: host.now() });
      if (!verified.moved || hop >= MAX_MOVES_FOLLOWED) break;
      where = { doc: verified.moved.to, grant: verified.moved.grant };
    }
    // Its latest move carries its box key now: what we share with it moves too, sealed to that key and no longer to the old one.
    // Every read starts again from the document its answer named, so a move that stops counting (a later one outranks it) is left.
    const box = where.grant.ourBox;
    if (where.doc !== url && box !== kept?.box) {
      const keptBox = await keepPartnerBox(node, input.partner, box);
      if (!keptBox.ok) return keptBox;
      await shareWithPartners(host, node);
    }
    // What counts for every member of ours (its answers to our exchanges, its end) is filed where they all read it.
    const filed = await fileFromPartner(node, input.partner, toFile(filedFrom(node.docs.commune.doc(), input.partner), shared.value.doc, verified));
    if (!filed.ok) return filed;
    const answered = await communeModel(host, input.commune);
    const ours = answered.ok ? ourExchangeSide(answered.value.model, host.crypto, node.docs.commune.doc()) : { entries: [], declines: [] };
    return ok({
      commune: input.partner,
      name: offer.name,
      ended: verified.ended,
      items: verified.items.map(({ item, verified: genuine }) => ({
        id: item.id,
        title: item.title,
        body: item.body,
        kind: kindOf(item),
        tags: [...item.tags],
        ...(item.retired ? { retired: true as const } : {}),
        verified: genuine,
      })),
      exchanges: verified.exchanges
        .filter((entry) => entry.direction === "out" && entry.offer !== undefined)
        .map((entry) => {
          const state = ours.entries.some((answer) => answer.direction === "in" && cites(answer, entry))
            ? ("accepted" as const)
            : ours.declines.some((decline) => cites(decline, entry))
              ? ("declined" as const)
              : ("offered" as const);
          return {
            offer: entry.offer!,
            amount: entry.amount,
            currency: entry.currency,
            memo: entry.memo,
            at: entry.at,
            state,
            words: offeredWords(
              offer.name,
              entry,
              state,
              model.state.rules.flatMap((version) => version.rules.currencies),
            ),
            record: entry,
          };
        }),
      problems: [...read.value.refused, ...verified.problems],
    });
  },
};
