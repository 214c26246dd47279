import type { Tally } from "./tally";

/** Why a proposal closed before its deadline, in the words the app and the CLI both show beside the time it closed. */
export const CLOSED_EARLY: Record<NonNullable<Tally["early"]>, string> = {
  "everyone-voted": "Closed early: every member voted",
  settled: "Closed early: the outcome could no longer change",
};

/** When an open proposal closes, said before the deadline: proposals signed with `closesEarly` close once their outcome is settled. */
export const closesEarlyWords = (closesEarly: boolean): string =>
  closesEarly ? "or earlier once the outcome can no longer change" : "or earlier once everyone has voted";
