import { z } from "zod";
import type { SignedMembershipEvent } from "../commune/events";
import type { Genesis } from "../commune/genesis";
import type { RuleChange, Rules } from "../commune/rules";
import { SPEND_PERIODS } from "../commune/spend-period";
import type { Signed } from "../identity/signed";
import type { SignedItem } from "../inventory/item";
import { PartnerAnswerPart } from "../partners/answer";
import { GrantRecord } from "../partners/grant";
import { PartnerOffer } from "../partners/offer";
import type { Currency } from "../money/currency";
import type { SignedComment } from "../proposals/comment";
import type { SignedOutcome } from "../proposals/outcome";
import type { SignedProposal, SignedVote } from "../proposals/proposal";
import { PROCESS_LIMITS } from "../proposals/processes/process";
import { ENTRY_KINDS, type EntryKind, type SignedEntry } from "../purse/entry";
import type { SignedExchangeDecline } from "../partners/exchange";
import {
  LIMITS,
  amount,
  automergeUrl,
  boolean,
  COMMUNE_ID,
  communeId,
  count,
  currencyCode,
  decimals,
  dotCount,
  id,
  line,
  name,
  oneOf,
  percent,
  proposalVersion,
  publicKey,
  saying,
  signature,
  signatureHash,
  text,
  time,
  webLink,
} from "./fields";

/**
 * Schemas for the signed records members write into Commune documents. They
 * check shape only; whether a signature is valid, whether its author was a
 * member, whether a spend was allowed, is for the domain rules afterwards.
 *
 * Unknown keys are kept, not refused and not stripped: a signature covers
 * every field but `sig`, so a record with a field someone added after
 * signing fails its signature check later, and a record from a newer
 * Commune that signed an extra field still verifies. Stripping would break
 * the second; refusing would hide the first behind a vaguer message.
 *
 * Known keys must be well-formed and unambiguous: a transfer needs `to`; a
 * disbursement pays `to` or `payee`, not both; fields that mean nothing for
 * a kind (a `direction` on a contribution) are refused rather than ignored,
 * so no two members can read one record two ways.
 */

const signedBy = { by: publicKey, sig: signature };

export const currencySchema = z.looseObject({
  code: currencyCode,
  name: line(LIMITS.currencyName),
  decimals,
}) satisfies z.ZodType<Currency>;

const currencies = z
  .array(currencySchema, { error: "must be a list of currencies" })
  .max(LIMITS.currencies, { error: `must list at most ${LIMITS.currencies} currencies` });

const spendLimit = z.record(currencyCode, count, { error: "must map currency codes to amounts" });

/** Per partner commune id, amounts per currency (issue 14): a record per key stays small, so a few partners, never thousands. */
const partnerCredit = z
  .record(communeId, spendLimit, { error: "must map partner commune ids to amounts per currency" })
  .refine((credit) => Object.keys(credit).length <= LIMITS.partnerCredits, { error: `must name at most ${LIMITS.partnerCredits} partners` })
  .optional();

/** Optional: rules signed before the period existed have none (they read as "month"). */
const spendPeriod = oneOf(SPEND_PERIODS).optional();

const uniqueCodes = (list: readonly Currency[]): boolean => new Set(list.map((currency) => currency.code)).size === list.length;

export const rulesSchema = z.looseObject(
  {
    quorumPercent: percent(0),
    thresholdPercent: percent(1),
    allowBlock: boolean,
    spendLimit,
    spendPeriod,
    confirmAbove: spendLimit.optional(),
    partnerCredit,
    admission: oneOf(["direct", "proposal"]),
    currencies: currencies.min(1, { error: "must list at least one currency" }).refine(uniqueCodes, { error: "must not list a currency code twice" }),
  },
  { error: "must be a set of rules" },
) satisfies z.ZodType<Rules>;

export const ruleChangeSchema = z
  .looseObject(
    {
      quorumPercent: percent(0).optional(),
      thresholdPercent: percent(1).optional(),
      allowBlock: boolean.optional(),
      spendLimit: spendLimit.optional(),
      spendPeriod,
      confirmAbove: spendLimit.optional(),
      partnerCredit,
      admission: oneOf(["direct", "proposal"]).optional(),
      addCurrencies: currencies
        .min(1, { error: "must list at least one currency" })
        .refine(uniqueCodes, { error: "must not list a currency code twice" })
        .optional(),
    },
    { error: "must be a rule change" },
  )
  .refine(
    (change) =>
      change.quorumPercent !== undefined ||
      change.thresholdPercent !== undefined ||
      change.allowBlock !== undefined ||
      change.spendLimit !== undefined ||
      change.spendPeriod !== undefined ||
      change.confirmAbove !== undefined ||
      change.partnerCredit !== undefined ||
      change.admission !== undefined ||
      change.addCurrencies !== undefined,
    { error: "must change at least one rule" },
  ) satisfies z.ZodType<RuleChange>;

export const genesisSchema = z.looseObject({
  name,
  founderName: name,
  at: time,
  nonce: id,
  rules: rulesSchema,
  admission: publicKey.optional(),
  anchorSig: z
    .string()
    .regex(/^[0-9a-f]{128}$/)
    .optional(),
  ...signedBy,
}) satisfies z.ZodType<Signed<Genesis>>;

export const inviteGrantSchema = z.looseObject({ commune: communeId, id, at: time, expiresAt: time, ...signedBy }, { error: "must be a signed invite" });

export const membershipEventSchema = z.discriminatedUnion(
  "type",
  [
    z.looseObject({ type: z.literal("join"), commune: communeId, at: time, name, invite: inviteGrantSchema, ...signedBy }),
    z.looseObject({ type: z.literal("admit"), commune: communeId, at: time, member: publicKey, name, ...signedBy }),
    z.looseObject({ type: z.literal("leave"), commune: communeId, at: time, ...signedBy }),
  ],
  { error: "must be one of join, admit, leave" },
) satisfies z.ZodType<SignedMembershipEvent>;

/** Which optional entry fields each kind needs (required) and may carry (allowed). */
const ENTRY_FIELDS = {
  contribution: { required: [], allowed: ["corrects", "proposal"] },
  disbursement: { required: [], allowed: ["to", "payee", "corrects", "proposal"] },
  transfer: { required: ["to"], allowed: ["to", "corrects", "proposal"] },
  exchange: {
    required: ["partner", "direction"],
    allowed: ["partner", "direction", "corrects", "proposal", "offer", "answers", "answersBy", "answersSig"],
  },
  void: { required: ["of"], allowed: ["of", "ofBy", "proposal"] },
} as const satisfies Record<EntryKind, { required: readonly string[]; allowed: readonly string[] }>;

const KIND_FIELDS = ["to", "payee", "partner", "direction", "of", "ofBy", "corrects", "proposal", "offer", "answers", "answersBy", "answersSig"] as const;

export const entrySchema = z
  .looseObject({
    commune: communeId,
    id,
    kind: oneOf(ENTRY_KINDS),
    at: time,
    amount,
    currency: currencyCode,
    memo: text(LIMITS.memo),
    to: publicKey.optional(),
    payee: name.optional(),
    partner: id.optional(),
    direction: oneOf(["in", "out"]).optional(),
    proposal: id.optional(),
    of: id.optional(),
    ofBy: publicKey.optional(),
    corrects: id.optional(),
    offer: id.optional(),
    answers: id.optional(),
    answersBy: publicKey.optional(),
    answersSig: signatureHash.optional(),
    ...signedBy,
  })
  .superRefine((entry, context) => {
    // Zod runs this after non-fatal field issues too; never assume more than the shape guarantees.
    if (!Object.hasOwn(ENTRY_FIELDS, entry.kind)) return;
    const fields: { readonly required: readonly string[]; readonly allowed: readonly string[] } = ENTRY_FIELDS[entry.kind];
    const article = entry.kind === "exchange" ? "an" : "a";
    for (const field of KIND_FIELDS) {
      const present = entry[field] !== undefined;
      if (present && !fields.allowed.includes(field)) {
        context.addIssue({ code: "custom", path: [field], message: `does not belong on ${article} ${entry.kind}` });
      } else if (!present && fields.required.includes(field)) {
        context.addIssue({ code: "custom", path: [field], message: `is missing (${article} ${entry.kind} needs it)` });
      }
    }
    if (entry.kind === "void" && (entry.ofBy === undefined) !== (entry.proposal === undefined)) {
      context.addIssue({
        code: "custom",
        path: ["ofBy"],
        message: "a void of another member's entry names whose it is (ofBy) and the proposal that allows it, both or neither",
      });
    }
    if (entry.kind === "disbursement" && (entry.to === undefined) === (entry.payee === undefined)) {
      context.addIssue({ code: "custom", path: [], message: "a disbursement pays either a member (to) or someone outside (payee)" });
    }
    if (entry.kind === "exchange") exchangeProblems(entry, context);
  }) satisfies z.ZodType<SignedEntry>;

/**
 * An exchange with a partner commune (issue 14) names it by commune id and
 * carries the offer id both sides share; an acceptance ("in") cites the
 * partner's entry whole (id, author, signature hash) or not at all, and an
 * "out" cites nothing: it is the offer. Older exchanges name the partner as
 * free text and carry no offer: they are read as they are.
 */
function exchangeProblems(
  entry: { partner?: unknown; direction?: unknown; offer?: unknown; answers?: unknown; answersBy?: unknown; answersSig?: unknown },
  context: z.RefinementCtx,
): void {
  const cites = [entry.answers, entry.answersBy, entry.answersSig].filter((value) => value !== undefined).length;
  if (cites > 0 && cites < 3)
    context.addIssue({ code: "custom", path: ["answers"], message: "must come with answersBy and answersSig: an acceptance cites the partner's entry whole" });
  if (cites > 0 && entry.direction === "out")
    context.addIssue({ code: "custom", path: ["answers"], message: "does not belong on an exchange out: an offer answers nothing" });
  if (cites > 0 && entry.offer === undefined)
    context.addIssue({ code: "custom", path: ["offer"], message: "is missing (an acceptance carries the offer id it accepts)" });
  if (entry.offer !== undefined && !(typeof entry.partner === "string" && COMMUNE_ID.test(entry.partner)))
    context.addIssue({ code: "custom", path: ["partner"], message: "must be a commune id (32 lowercase hex digits) on an exchange that carries an offer id" });
}

const payeeSchema = z
  .union([z.looseObject({ member: publicKey }), z.looseObject({ outside: name })], {
    error: "must name a member (member: their public key) or someone outside (outside: a name)",
  })
  .refine((payee) => typeof payee !== "object" || payee === null || !("member" in payee && "outside" in payee), {
    error: "must name either a member or someone outside, not both",
  });

const { minOptions, maxOptions } = PROCESS_LIMITS;

/** How many options or times a process offers; whether they are distinct, and fit the kind of proposal, is the proposal judge's (`processProblem`). */
const offered = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item, { error: `must be a list of ${what}` })
    .min(minOptions, { error: `must offer at least ${minOptions} ${what}` })
    .max(maxOptions, { error: `must offer at most ${maxOptions} ${what}` });

export const processSchema = z.discriminatedUnion(
  "kind",
  [
    z.looseObject({ kind: z.literal("consent") }),
    z.looseObject({ kind: z.literal("advice") }),
    z.looseObject({ kind: z.literal("poll"), options: offered(line(LIMITS.option), "options"), dots: dotCount.optional() }),
    z.looseObject({ kind: z.literal("meeting"), times: offered(time, "times") }),
  ],
  { error: "must be one of consent, advice, poll, meeting" },
);

/** The indices a vote names: never more than a process offers. */
const indices = z.array(count, { error: "must be a list of whole numbers" }).max(maxOptions, { error: `must list at most ${maxOptions} numbers` });

const proposalBase = {
  commune: communeId,
  id,
  at: time,
  deadline: time,
  title: line(LIMITS.title),
  body: text(LIMITS.body),
  // Optional: proposals signed before early settling existed have none and close early only once everyone has voted.
  closesEarly: z.literal(true, { error: "must be true or absent" }).optional(),
  hiddenVotes: z.literal(true, { error: "must be true or absent" }).optional(),
  // Optional: absent on every proposal decided by the yes/no vote, which all proposals signed before processes existed are.
  process: processSchema.optional(),
  ...signedBy,
};

export const proposalSchema = z.discriminatedUnion(
  "kind",
  [
    z.looseObject({ ...proposalBase, kind: z.literal("spend"), amount, currency: currencyCode, payee: payeeSchema }),
    z.looseObject({ ...proposalBase, kind: z.literal("admit"), member: publicKey, name }),
    z.looseObject({ ...proposalBase, kind: z.literal("remove"), member: publicKey }),
    z.looseObject({ ...proposalBase, kind: z.literal("rule"), change: ruleChangeSchema }),
    z.looseObject({ ...proposalBase, kind: z.literal("general") }),
    z.looseObject({ ...proposalBase, kind: z.literal("reverse"), author: publicKey, entry: id }),
    // The offer and grant carried are signed records of the other commune, checked whole (strict) as when pasted.
    z.looseObject({ ...proposalBase, kind: z.literal("partner"), offer: PartnerOffer, answer: PartnerAnswerPart.optional() }),
    z.looseObject({ ...proposalBase, kind: z.literal("partner-end"), partner: communeId, name }),
  ],
  { error: "must be one of spend, admit, remove, rule, general, reverse, partner, partner-end" },
) satisfies z.ZodType<SignedProposal>;

export const voteSchema = z.looseObject({
  commune: communeId,
  proposal: id,
  at: time,
  choice: oneOf(["yes", "no", "abstain", "block"]),
  // Optional: votes signed before versions existed have none and count for the first-seen version.
  version: proposalVersion.optional(),
  // Optional: votes signed before reasons existed, and votes cast without one, have none.
  reason: text(LIMITS.reason).optional(),
  // Optional: what a vote on a process marks besides its choice; whether it fits its proposal is the vote judge's (`ballotProblem`).
  pick: count.optional(),
  dots: indices.optional(),
  times: indices.optional(),
  decision: oneOf(["passed", "rejected"]).optional(),
  ...signedBy,
}) satisfies z.ZodType<SignedVote>;

/**
 * A comment, an edit or a retraction (shared/proposals/comment.ts): which
 * one is told by the field naming another comment, and each carries only
 * the fields that mean something for it, so no two members read one record
 * two ways.
 */
export const commentSchema = z
  .looseObject({
    commune: communeId,
    proposal: id,
    id,
    at: time,
    text: saying(LIMITS.comment).optional(),
    replyTo: id.optional(),
    edits: id.optional(),
    retracts: id.optional(),
    ...signedBy,
  })
  .superRefine((comment, context) => {
    const named = [comment.replyTo, comment.edits, comment.retracts].filter((value) => value !== undefined).length;
    if (named > 1) context.addIssue({ code: "custom", path: [], message: "names at most one comment: replyTo, edits or retracts" });
    else if (comment.retracts !== undefined && comment.text !== undefined)
      context.addIssue({ code: "custom", path: ["text"], message: "a retraction carries no text" });
    else if (comment.retracts === undefined && comment.text === undefined) context.addIssue({ code: "custom", path: ["text"], message: "is missing" });
  }) satisfies z.ZodType<SignedComment>;

/** What came of a decided proposal (shared/proposals/outcome.ts). */
export const outcomeSchema = z.looseObject({
  commune: communeId,
  proposal: id,
  id,
  at: time,
  statement: saying(LIMITS.outcome),
  review: time.optional(),
  ...signedBy,
}) satisfies z.ZodType<SignedOutcome>;

export const itemSchema = z
  .looseObject({
    commune: communeId,
    id,
    version: count,
    at: time,
    title: line(LIMITS.title),
    body: text(LIMITS.body),
    link: webLink.optional(),
    tags: z.array(line(LIMITS.tag), { error: "must be a list of tags" }).max(LIMITS.tags, { error: `must be at most ${LIMITS.tags} tags` }),
    kind: oneOf(["offer", "need"]).optional(),
    amount: amount.optional(),
    currency: currencyCode.optional(),
    retired: z.literal(true, { error: "must be true or absent" }).optional(),
    sharedWith: z
      .union([oneOf(["commune", "partners"]), z.array(communeId).min(1).max(LIMITS.sharedWith)], {
        error: `must be "commune", "partners" or a list of at most ${LIMITS.sharedWith} commune ids`,
      })
      .optional(),
    ...signedBy,
  })
  .superRefine((item, context) => {
    if ((item.amount === undefined) !== (item.currency === undefined))
      context.addIssue({ code: "custom", path: [item.amount === undefined ? "amount" : "currency"], message: "an amount and its currency come together" });
    if (item.amount !== undefined && item.kind === undefined)
      context.addIssue({ code: "custom", path: ["amount"], message: "only an offer or a need carries an amount" });
  }) satisfies z.ZodType<SignedItem>;

/**
 * An epoch record of a commune moved from plaintext (issue 13), as the
 * CommuneDoc carries it: the encoded item (shared/privacy/headers.ts), signed
 * inside by its author; its signature and lockboxes are checked by the host
 * that opens it (shared/privacy/epochs.ts), not here.
 */
export const epochRecordSchema = z
  .base64({ error: "must be an encoded epoch record (base64)" })
  .max(LIMITS.epochRecord, { error: `must be at most ${LIMITS.epochRecord} characters` });

/**
 * A partner commune as the CommuneDoc lists it. Not signed (it is the
 * commune's shared address book), so unknown keys are dropped, as at the top
 * level of a document.
 */
export const partnerSchema = z.object({
  name,
  inventory: automergeUrl,
  // Since partnerships (issue 14): the partner's own offer and its grant to us, each signed by the partner's member and checked where used.
  offer: PartnerOffer.optional(),
  grant: GrantRecord.optional(),
  // Its box key as its latest move says (its epoch moved on since the grant): what we share with it is sealed to this one.
  box: GrantRecord.shape.ourBox.optional(),
});

/**
 * A partner's refusal of one of our exchanges out (issue 14): signed by a
 * member of the declining commune (`commune`), citing our entry whole, so
 * it can decline nothing else. Whether its author is on that commune's
 * roster is for the reader (shared/partners/account.ts).
 */
export const exchangeDeclineSchema = z.looseObject(
  {
    commune: communeId,
    partner: communeId,
    offer: id,
    answers: id,
    answersBy: publicKey,
    answersSig: signatureHash,
    at: time,
    reason: text(LIMITS.declineReason),
    ...signedBy,
  },
  { error: "must be a signed exchange decline" },
) satisfies z.ZodType<SignedExchangeDecline>;
