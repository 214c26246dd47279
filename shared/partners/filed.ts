import { fromStored } from "../docs/automerge-form";
import { entrySchema, exchangeDeclineSchema } from "../docs/records";
import type { Verifier } from "../identity/crypto";
import type { SignedEntry } from "../purse/entry";
import { entryClaim } from "../purse/balances";
import type { CommuneState } from "../commune/state";
import type { Partner } from "../docs/documents";
import type { SignedExchangeDecline } from "./exchange";
import { partnershipWith } from "./partnerships";
import { RosterRecord } from "./roster";
import { EndRecord, type SharedDoc } from "./shared-doc";
import { verifiedShared, type VerifiedShared } from "./verify-shared";

/**
 * What members of ours read in a partner's shared document, filed in our
 * commune document (`fromPartners`, partner commune id → records): its
 * rosters, its exchanges and declines naming us, its end. Filed so that
 * every member counts the partner's answers (an acceptance settles an
 * exchange, a decline takes ours back in our purse) without reaching the
 * partner's relay, and so that an end read by one member stops every
 * member sharing. The records are the partner's own signed ones, filed as
 * read: a member of ours cannot make one up, and every reader judges them
 * again against the partner's roster (docs/partners.md, "Exchanges").
 */
export interface FiledFromPartner {
  rosters: RosterRecord[];
  exchanges: SignedEntry[];
  declines: SignedExchangeDecline[];
  ends: EndRecord[];
}

/**
 * At most this many records of each kind are filed per partner: a
 * partner's members could sign records without end, and the commune
 * document every member loads is no place for them.
 */
export const MAX_FILED = 10_000;

const LISTS = ["rosters", "exchanges", "declines", "ends"] as const;
const SCHEMAS = { rosters: RosterRecord, exchanges: entrySchema, declines: exchangeDeclineSchema, ends: EndRecord } as const;

const none = (): FiledFromPartner => ({ rosters: [], exchanges: [], declines: [], ends: [] });

/** What the commune document holds filed from `partner`: the well-formed records, each of its kind; anything else is left out. */
export function filedFrom(communeDoc: unknown, partner: string): FiledFromPartner {
  const all = fromStored((communeDoc as { fromPartners?: unknown } | undefined)?.fromPartners);
  const found = none();
  if (typeof all !== "object" || all === null || Array.isArray(all) || !Object.hasOwn(all, partner)) return found;
  const filed = (all as Record<string, unknown>)[partner];
  if (typeof filed !== "object" || filed === null) return found;
  for (const list of LISTS) {
    const stored = (filed as Record<string, unknown>)[list];
    if (!Array.isArray(stored)) continue;
    for (const value of stored.slice(0, MAX_FILED)) {
      const parsed = SCHEMAS[list].safeParse(value);
      if (parsed.success) (found[list] as unknown[]).push(parsed.data);
    }
  }
  return found;
}

/**
 * What to file after reading a partner's shared document: the records it
 * counts for us (rosters on its line, exchanges and declines naming us
 * signed by a key on it, a genuine end) that are not filed yet, within
 * MAX_FILED. Records are only ever added.
 */
export function toFile(filed: FiledFromPartner, read: SharedDoc, verified: VerifiedShared): FiledFromPartner {
  const held = new Set(LISTS.flatMap((list) => filed[list].map((record) => record.sig)));
  const fresh = <T extends { sig: string }>(list: keyof FiledFromPartner, records: readonly T[]): T[] =>
    records.filter((record) => !held.has(record.sig)).slice(0, Math.max(0, MAX_FILED - filed[list].length));
  const chain = new Set(verified.chain.map((roster) => roster.sig));
  return {
    rosters: fresh(
      "rosters",
      read.rosters.filter((roster) => chain.has(roster.sig)),
    ),
    exchanges: fresh("exchanges", verified.exchanges),
    declines: fresh("declines", verified.declines),
    ends: fresh("ends", verified.ended ? read.ends.filter((end) => end.commune === read.commune) : []),
  };
}

export const isEmpty = (records: FiledFromPartner): boolean => LISTS.every((list) => records[list].length === 0);

/** The keys that anchor a partner's roster line: the signers of the offers we hold from it (docs/partners.md, "The roster"). */
export function partnerAnchors(state: CommuneState, kept: Partner | undefined, partner: string): string[] {
  const offered = partnershipWith(state, partner)?.offer.by;
  return [...new Set([kept?.offer?.by, offered].filter((key): key is string => key !== undefined))];
}

/** What was filed from `partner`, judged again as its shared document would be: only what its roster line signs counts. */
export function judgedFiled(
  verifier: Verifier,
  filed: FiledFromPartner,
  context: { partner: string; us: string; anchors: readonly string[]; now: number },
): VerifiedShared {
  const doc: SharedDoc = {
    schema: 1,
    type: "shared",
    commune: context.partner,
    partner: context.us,
    grants: [],
    rosters: filed.rosters,
    items: {},
    exchanges: filed.exchanges,
    declines: filed.declines,
    ends: filed.ends,
    moves: [],
  };
  return verifiedShared(verifier, doc, context);
}

/**
 * The partners' declines of our exchanges out that count, for the purse
 * (`PurseOptions.declines`): filed, and signed by a key on the declining
 * partner's roster line. Whether each cites an exchange out of ours is the
 * purse's to judge.
 */
export function partnerDeclines(verifier: Verifier, communeDoc: unknown, state: CommuneState, partners: Record<string, Partner>, now: number) {
  const declines: { claim: string; at: number; sig: string }[] = [];
  for (const partner of filedPartners(communeDoc)) {
    const filed = filedFrom(communeDoc, partner);
    if (filed.declines.length === 0) continue;
    const judged = judgedFiled(verifier, filed, { partner, us: state.id, anchors: partnerAnchors(state, partners[partner], partner), now });
    for (const decline of judged.declines) declines.push({ claim: entryClaim(decline.answersBy, decline.answers), at: decline.at, sig: decline.sig });
  }
  return declines;
}

/** The partner commune ids the commune document files records from. */
function filedPartners(communeDoc: unknown): string[] {
  const all = fromStored((communeDoc as { fromPartners?: unknown } | undefined)?.fromPartners);
  return typeof all === "object" && all !== null && !Array.isArray(all) ? Object.keys(all).filter((key) => key !== "__proto__") : [];
}
