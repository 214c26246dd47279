import { base64urlnopad } from "@scure/base";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import { automergeUrl } from "../docs/fields";
import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import { fail, ok, type ProblemCode, type Result } from "../result";
import { duplicateKey } from "../snapshot/json-text";
import { GrantRecord } from "./grant";
import { checkPartnerOffer, PartnerOffer, readPartnerOffer } from "./offer";

/**
 * A partner answer (docs/partners.md, step 3 of "Partnership, step by
 * step"): what a commune sends back once its `partner` proposal passed. Its
 * own partner offer (so the other side knows its relays and the box key to
 * grant back to), its grant to the other side, and the address of the
 * document it shares with it. The other side proposes `partner` carrying
 * it, and its host reads the shared document with the key in the grant.
 *
 * The offer and the grant are each signed, by the same member: the offer's
 * signer anchors the roster that comes in the shared document, so a grant
 * signed by anyone else could not be told from a forgery.
 */
export const PARTNER_ANSWER_PREFIX = "commune-partner-answer:";
const MAX_ANSWER_LENGTH = 9_000;

/** What a `partner` proposal carries of an answer besides the offer in it. */
export const PartnerAnswerPart = z.strictObject({ grant: GrantRecord, doc: automergeUrl });
export type PartnerAnswerPart = z.infer<typeof PartnerAnswerPart>;

const PartnerAnswer = z.strictObject({ v: z.literal(1), offer: PartnerOffer, grant: GrantRecord, doc: automergeUrl });
type PartnerAnswer = z.infer<typeof PartnerAnswer>;

/** What a pasted offer or answer says: the other commune's offer, and its grant when it answers ours. */
export interface PartnerText {
  offer: PartnerOffer;
  answer?: PartnerAnswerPart;
}

export function createPartnerAnswer(offer: PartnerOffer, answer: PartnerAnswerPart): string {
  const whole: PartnerAnswer = { v: 1, offer, grant: answer.grant, doc: answer.doc };
  return PARTNER_ANSWER_PREFIX + base64urlnopad.encode(utf8ToBytes(JSON.stringify(whole)));
}

const field = { field: "offer" } as const;

/**
 * Reads what another commune sent: a partner offer, or the answer to ours.
 * Everything an offer is checked for, and for an answer, that its grant is
 * signed, is to us, is from the commune whose offer it carries, and is
 * signed by the member who signed that offer.
 */
export function readPartnerText(verifier: Verifier, text: string, now: number, ourCommune: string): Result<PartnerText> {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PARTNER_ANSWER_PREFIX)) {
    const offer = readPartnerOffer(verifier, trimmed, now, ourCommune);
    return offer.ok ? ok({ offer: offer.value }) : offer;
  }
  if (trimmed.length > MAX_ANSWER_LENGTH) return fail("offer.tooLong", "This partner answer is far too long to be genuine.", field);
  let json: string;
  let parsed: unknown;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(base64urlnopad.decode(trimmed.slice(PARTNER_ANSWER_PREFIX.length)));
    parsed = JSON.parse(json);
  } catch {
    return fail("offer.damaged", "This partner answer is incomplete or damaged: copy the whole answer again.", field);
  }
  if (duplicateKey(json) !== undefined) return fail("offer.altered", "This partner answer has been altered: ask for a new one.", field);
  const shape = PartnerAnswer.safeParse(parsed);
  if (!shape.success) return fail("offer.damaged", "This partner answer is incomplete or damaged: copy the whole answer again.", field);
  const { offer, grant, doc } = shape.data;
  const checked = checkPartnerOffer(verifier, offer, now, ourCommune);
  if (!checked.ok) return checked;
  const problem = answerProblem(verifier, offer, grant, ourCommune);
  return problem ? fail(problem.code, problem.message, field) : ok({ offer, answer: { grant, doc } });
}

/** Why a grant cannot answer an offer for us, or undefined: checked when an answer is pasted and again when a proposal carrying it is executed. */
export function answerProblem(
  verifier: Verifier,
  offer: PartnerOffer,
  grant: GrantRecord,
  ourCommune: string,
): { code: ProblemCode; message: string } | undefined {
  if (checkSignature(verifier, "partner-grant", grant))
    return { code: "offer.altered", message: "The grant in this partner answer has been altered: ask for a new answer." };
  if (grant.partner !== ourCommune) return { code: "answer.notForUs", message: `This answer from ${offer.name} grants to another commune, not to this one.` };
  if (grant.commune !== offer.commune)
    return { code: "answer.mixed", message: "This answer's grant is from another commune than its offer: it was put together from two answers." };
  if (grant.by !== offer.by)
    return { code: "answer.mixed", message: "This answer's grant and offer are signed by different members: it was put together from two answers." };
  return undefined;
}
