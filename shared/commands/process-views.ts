import type { PublicKey } from "../identity/keys";
import type { Decision } from "../proposals/proposal";

/** A member's words on a proposal, named: an objection, a piece of advice. */
export interface SaidView {
  voter: PublicKey;
  name: string;
  at: number;
  reason: string;
}

/**
 * What a proposal's process decided besides its outcome, as members read it
 * (shared/proposals/processes/): the objections standing, the advice and the
 * decision, or the options ranked with their totals.
 */
export type ProcessResultView =
  | { kind: "consent"; consents: number; objections: SaidView[] }
  | {
      kind: "advice";
      advice: SaidView[];
      decision?: { outcome: Decision; statement: string; at: number };
      awaiting: boolean;
      /** This member proposed it, so the decision is theirs to record. */
      yours: boolean;
    }
  | { kind: "poll"; dots?: number; ranking: { option: number; label: string; total: number }[] }
  | { kind: "meeting"; ranking: { option: number; time: number; total: number; names: string[] }[] };

/** What this member's counted vote marks besides its choice: their pick, dots or times. */
export interface MyMarksView {
  pick?: number;
  dots?: number[];
  times?: number[];
}

/** An advice process past its deadline whose proposer has not decided yet: undecided, but nobody votes on it any more. */
export const awaitingDecision = (view: { result?: ProcessResultView }): boolean => view.result?.kind === "advice" && view.result.awaiting;
