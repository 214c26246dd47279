import type { CommuneState, Problem } from "../../shared/commune/state";
import type { Verifier } from "../../shared/identity/crypto";
import { judgeOutcome } from "../../shared/judges/outcome";
import { outcomeOf, type OutcomeRecord, type SignedOutcome } from "../../shared/proposals/outcome";

/** Every proposal's outcome statements as the model carries them: judged (shared/judges/outcome.ts) and ordered (shared/proposals/outcome.ts). */
export function outcomesOf(verifier: Verifier, state: CommuneState, outcomes: Record<string, readonly SignedOutcome[]>): Map<string, OutcomeRecord> {
  const found = new Map<string, OutcomeRecord>();
  const judge = (outcome: SignedOutcome) => judgeOutcome(verifier, state, outcome);
  for (const [proposal, records] of Object.entries(outcomes)) if (records.length > 0) found.set(proposal, outcomeOf(records, judge));
  return found;
}

/** The statements that count for nothing, as the model's problems. */
export function outcomeProblems(outcomes: ReadonlyMap<string, OutcomeRecord>): Problem[] {
  return [...outcomes.values()].flatMap(({ refused }) => refused.map(({ id, by, code, reason }) => ({ subject: "outcome" as const, id, by, code, reason })));
}
