import type { ProblemCode } from "../result";

/**
 * What every judge answers about one record: it counts, or it is refused
 * with a stable machine `code` (front ends and tests match on it) and a
 * `reason` in words a member understands. The same judge decides when the
 * host is about to write a record and when any member replays records
 * written by others, so a write the host allows is one every member counts.
 */
export interface Refusal {
  /** A Problem's code: a refused write reaches the front end as a Problem with this code. */
  code: ProblemCode;
  reason: string;
}

export type Verdict = "counted" | Refusal;

export const refuse = (code: ProblemCode, reason: string): Refusal => ({ code, reason });

export const isCounted = (verdict: Verdict): verdict is "counted" => verdict === "counted";
