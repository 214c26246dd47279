import type { CommuneId } from "../commune/genesis";
import { canonicalJson } from "../identity/canonical";
import type { PublicKey } from "../identity/keys";
import type { Signed } from "../identity/signed";
import type { Verdict } from "../judges/verdict";
import type { ProblemCode } from "../result";

/**
 * What a commune says came of a decided proposal (issue 17, "Outcome";
 * loomio#2990): a signed statement by any active member, with an optional
 * date to look at it again. A later statement replaces an earlier one in
 * the view; the earlier ones stay readable as its history. Nothing is
 * edited or deleted.
 */
export interface Outcome {
  commune: CommuneId;
  proposal: string;
  id: string;
  at: number;
  statement: string;
  /** When the commune should look at it again (ms since 1970, UTC). */
  review?: number;
}

export type SignedOutcome = Signed<Outcome>;

export interface RefusedOutcome {
  id: string;
  by: PublicKey;
  sig: string;
  code: ProblemCode;
  reason: string;
}

export interface OutcomeRecord {
  /** The statement that stands: the latest by time, then signature. */
  current?: SignedOutcome;
  /** The statements it replaced, oldest first. */
  history: SignedOutcome[];
  refused: RefusedOutcome[];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
// As `later` orders votes in tally.ts: by time, then signature, the same on every member.
const inOrder = (a: SignedOutcome, b: SignedOutcome) => a.at - b.at || compare(a.sig, b.sig) || compare(canonicalJson(a), canonicalJson(b));

/** A proposal's outcome statements: those its judge counts, in order, the latest standing. */
export function outcomeOf(records: readonly SignedOutcome[], judge: (outcome: SignedOutcome) => Verdict): OutcomeRecord {
  // Keyed by the whole record: two records under one signature cannot both be genuine, but which is kept must not depend on arrival.
  const unique = new Map(records.map((record) => [canonicalJson(record), record]));
  const counted: SignedOutcome[] = [];
  const refused: RefusedOutcome[] = [];
  for (const record of [...unique.values()].sort(inOrder)) {
    const verdict = judge(record);
    if (verdict === "counted") counted.push(record);
    else refused.push({ id: record.id, by: record.by, sig: record.sig, code: verdict.code, reason: verdict.reason });
  }
  const current = counted.at(-1);
  return { ...(current ? { current } : {}), history: counted.slice(0, -1), refused };
}
