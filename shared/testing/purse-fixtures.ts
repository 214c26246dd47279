/**
 * Test-only: a commune's state built directly as plain data (as
 * `communeState` would compute it) and signed purse entries, so purse tests
 * read as a story: "Ada contributes 100 EUR, Bo pays the roofers".
 */
import { proposalVersion } from "../proposals/version";
import type { Rules } from "../commune/rules";
import type { CommuneState, Member, MemberStatus, ProposalState, RulesVersion } from "../commune/state";
import { canonicalJson } from "../identity/canonical";
import { keyPairFromSecret, sha256Hex, type KeyPair, type PublicKey } from "../identity/keys";
import { nobleCrypto, nobleSigner } from "../identity/crypto";
import { sign } from "../identity/signed";
import type { Outcome, Payee, Proposal } from "../proposals/proposal";
import type { ShardEntry } from "../purse/balances";
import type { Entry, SignedEntry } from "../purse/entry";
import { entrySignatureCheck, type SignatureCheck } from "../purse/entry-checks";
import { defaultRules } from "./commune-builder";

export const DAY = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Midnight UTC of an ISO day, plus `hours`: on("2026-03-01", 9). */
export const on = (isoDay: string, hours = 0): number => Date.parse(`${isoDay}T00:00:00Z`) + hours * HOUR_MS;

export const COMMUNE = "0123456789abcdef0123456789abcdef";
export const OTHER_COMMUNE = "fedcba9876543210fedcba9876543210";

const keys = (n: number): KeyPair => keyPairFromSecret(new Uint8Array(32).fill(n));

/** The founder. Active from 2026-01-01. */
export const ada = keys(1);
/** Active from 2026-01-02. */
export const bo = keys(2);
/** Active from 2026-01-03. */
export const cy = keys(3);
/** Active from 2026-01-01, removed on 2026-02-01. */
export const di = keys(4);
/** Applied on 2026-02-01, admitted (active) on 2026-03-01. */
export const ed = keys(5);
/** Never a member. */
export const zed = keys(9);

type History = [isoDay: string, status: MemberStatus][];

const HISTORIES: [KeyPair, string, History][] = [
  [ada, "Ada", [["2026-01-01", "active"]]],
  [bo, "Bo", [["2026-01-02", "active"]]],
  [cy, "Cy", [["2026-01-03", "active"]]],
  [
    di,
    "Di",
    [
      ["2026-01-01", "active"],
      ["2026-02-01", "removed"],
    ],
  ],
  [
    ed,
    "Ed",
    [
      ["2026-02-01", "applicant"],
      ["2026-03-01", "active"],
    ],
  ],
];

export const foundingRules: Rules = defaultRules;

export interface StateOptions {
  proposals?: ProposalState[];
  /** Rules versions after the founding rules (which are in force from 2026-01-01). */
  laterRules?: RulesVersion[];
  now?: number;
}

export function communeState(options: StateOptions = {}): CommuneState {
  const members: Record<PublicKey, Member> = {};
  for (const [{ publicKey }, name, history] of HISTORIES) {
    members[publicKey] = {
      key: publicKey,
      name,
      history: history.map(([isoDay, status]) => ({ at: on(isoDay), status, why: "fixture" })),
    };
  }
  return {
    id: COMMUNE,
    name: "Riverside",
    founder: ada.publicKey,
    now: options.now ?? on("2027-01-01"),
    members,
    rules: [{ from: on("2026-01-01"), rules: foundingRules }, ...(options.laterRules ?? [])],
    proposals: Object.fromEntries((options.proposals ?? []).map((state) => [state.proposal.id, state])),
    problems: [],
  };
}

export interface Decision {
  outcome: Outcome;
  decidesAt: number;
}

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;
type ProposalFields = DistributiveOmit<Proposal, "commune" | "at" | "deadline" | "body"> & { at?: number };

/** A proposal signed by Ada with its tally, as `communeState` would report it. */
export function proposal(fields: ProposalFields, decision: Decision): ProposalState {
  const at = fields.at ?? on("2026-01-10");
  const signed = sign(nobleSigner, "proposal", { body: "", ...fields, at, deadline: at + 7 * DAY, commune: COMMUNE } as Proposal, ada);
  const passed = decision.outcome === "passed";
  const version = proposalVersion(signed);
  return {
    proposal: signed,
    versions: [{ proposal: signed, version }],
    version,
    electorate: [ada.publicKey, bo.publicKey, cy.publicKey],
    tally: {
      outcome: decision.outcome,
      decidesAt: decision.decidesAt,
      electorate: 3,
      voted: decision.outcome === "open" ? 0 : 3,
      yes: passed ? 3 : 0,
      no: decision.outcome === "rejected" ? 3 : 0,
      abstain: 0,
      block: 0,
      quorumMet: decision.outcome === "passed" || decision.outcome === "rejected",
      thresholdMet: passed,
      blocked: false,
      late: [],
      // A fixture's tally stands for votes it never wrote: who voted what is not part of it.
      counted: [],
    },
  };
}

export const spendProposal = (fields: { id: string; title: string; amount: number; payee: Payee; currency?: string }, decision: Decision): ProposalState =>
  proposal({ kind: "spend", currency: "EUR", ...fields }, decision);

export type EntryFields = Omit<Entry, "commune" | "id" | "currency" | "memo"> & Partial<Pick<Entry, "commune" | "id" | "currency" | "memo">>;

/**
 * An entry signed by `author` with purpose "entry"; commune, id, currency
 * (EUR) and memo filled in unless given. The id is a digest of the author
 * and fields (no counter kept between calls), so the same call makes the
 * same entry: a test that wants two alike entries gives them ids.
 */
export function entry(author: KeyPair, fields: EntryFields): SignedEntry {
  const full: Entry = {
    commune: COMMUNE,
    id: `entry-${sha256Hex(canonicalJson({ by: author.publicKey, ...fields })).slice(0, 16)}`,
    currency: "EUR",
    memo: "",
    ...fields,
  };
  return sign(nobleSigner, "entry", full, author);
}

/** The entry as read from a shard: its author's own unless told. */
export const inShard = (signed: SignedEntry, owner: PublicKey = signed.by): ShardEntry => ({ entry: signed, shardOwner: owner });

export const inShards = (...entries: SignedEntry[]): ShardEntry[] => entries.map((signed) => inShard(signed));

/**
 * The signature check, remembering each verdict by object identity. Property
 * tests judge the same pre-signed objects thousands of times; Ed25519
 * verification (~1.5 ms) would otherwise dominate.
 */
export function rememberingSignatureCheck(): SignatureCheck & { calls: () => number } {
  const checkEntrySignature = entrySignatureCheck(nobleCrypto());
  const verdicts = new WeakMap<SignedEntry, ReturnType<SignatureCheck>>();
  let calls = 0;
  const check = (signed: SignedEntry) => {
    calls++;
    if (!verdicts.has(signed)) verdicts.set(signed, checkEntrySignature(signed));
    return verdicts.get(signed);
  };
  return Object.assign(check, { calls: () => calls });
}
