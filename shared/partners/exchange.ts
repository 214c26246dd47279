import type { CommuneId } from "../commune/genesis";
import type { Verifier } from "../identity/crypto";
import { sha256Hex, type PublicKey } from "../identity/keys";
import { checkSignature, type Signed } from "../identity/signed";
import { entrySchema, exchangeDeclineSchema } from "../docs/records";
import { parseWith } from "../docs/reasons";
import { fromStored } from "../docs/automerge-form";
import type { Entry, SignedEntry } from "../purse/entry";
import { fail, ok, type Result } from "../result";

/**
 * Both sides of an exchange between communes (issue 14, docs/partners.md
 * "Exchanges"). The giving commune writes an "out" entry with an offer id;
 * the partner answers it in its own documents, never in ours: an "in"
 * entry in its own purse that cites ours (accepted), or a signed decline.
 * So each side writes only its own side, and the other can check it: these
 * rules turn a partner's record into the fields of our answer, or say in
 * words why it cannot be answered.
 */

/** Our entry as an answer cites it: id, author, and the SHA-256 of its signature (so a second version of it is not the one answered). */
export interface Citation {
  answers: string;
  answersBy: PublicKey;
  answersSig: string;
}

/** A partner's refusal of one of our exchanges out: counts our entry for nothing from its time on. */
export interface ExchangeDecline extends Citation {
  /** The declining commune. */
  commune: CommuneId;
  /** The commune whose exchange is declined. */
  partner: CommuneId;
  offer: string;
  at: number;
  reason: string;
}

export type SignedExchangeDecline = Signed<ExchangeDecline>;

export const signatureHash = (sig: string): string => sha256Hex(sig);

export const citationOf = (entry: SignedEntry): Citation => ({ answers: entry.id, answersBy: entry.by, answersSig: signatureHash(entry.sig) });

/** Whether an answer (an acceptance or a decline) cites exactly this entry. */
export const cites = (answer: Partial<Citation>, entry: SignedEntry): boolean =>
  answer.answers === entry.id && answer.answersBy === entry.by && answer.answersSig === signatureHash(entry.sig);

/**
 * A partner's exchange out that we may answer: well formed, validly signed,
 * an offer to us from another commune. Whether its signer is on the
 * partner's roster is the account's to judge (shared/partners/account.ts):
 * an answer to a forged offer is shown there as a mismatch.
 */
export function answerableExchange(verifier: Verifier, us: CommuneId, record: unknown): Result<SignedEntry> {
  const parsed = parseWith(entrySchema, record);
  if (!parsed.ok) return fail("exchange.malformed", `That is not an exchange record: ${parsed.error.message}.`, { field: "exchange" });
  const entry = parsed.value;
  if (entry.kind !== "exchange") return fail("exchange.notExchange", `That record is a ${entry.kind}, not an exchange.`, { field: "exchange" });
  if (entry.direction !== "out")
    return fail("exchange.notOffer", "That exchange is the partner's acceptance, not an offer: only an exchange out can be accepted or declined.", {
      field: "exchange",
    });
  if (entry.offer === undefined)
    return fail("exchange.noOffer", "That exchange names its partner as free text and carries no offer id: it was never offered to a commune.", {
      field: "exchange",
    });
  if (entry.commune === us)
    return fail("exchange.ours", "That exchange is our own commune's: only the partner it names can accept or decline it.", { field: "exchange" });
  if (entry.partner !== us)
    return fail("exchange.notToUs", `That exchange is offered to another commune (${String(entry.partner)}), not to ours.`, { field: "exchange" });
  if (checkSignature(verifier, "entry", entry) !== undefined)
    return fail("exchange.badSignature", "That exchange's signature does not match it: it was altered after it was signed.", { field: "exchange" });
  return ok(entry);
}

/** Our "in" entry accepting a partner's offer: the same amount and currency, citing it. */
export function acceptanceOf(offer: SignedEntry, memo: string): Omit<Entry, "commune" | "id" | "at"> {
  return {
    kind: "exchange",
    direction: "in",
    partner: offer.commune,
    offer: offer.offer!,
    amount: offer.amount,
    currency: offer.currency,
    memo,
    ...citationOf(offer),
  };
}

/** Our decline of a partner's offer, citing it. */
export function declineOf(us: CommuneId, offer: SignedEntry, reason: string, at: number): ExchangeDecline {
  return { commune: us, partner: offer.commune, offer: offer.offer!, at, reason, ...citationOf(offer) };
}

/**
 * Our own declines as the commune document lists them (`exchangeDeclines`):
 * the well-formed ones; whether each counts is judgeExchangeDecline's.
 */
export function declinesIn(raw: unknown): SignedExchangeDecline[] {
  const list = fromStored(raw);
  if (!Array.isArray(list)) return [];
  return list.flatMap((value: unknown) => {
    const parsed = parseWith(exchangeDeclineSchema, value);
    return parsed.ok ? [parsed.value] : [];
  });
}
