import { closesEarlyWords } from "../closing-words";
import type { ProcessKind } from "./process";

/**
 * When an open proposal may close before its deadline, in words: a process
 * closes early only by its own rule (shared/proposals/processes/ballots.ts
 * `countBallots`), whatever `closesEarly` says.
 */
export function closingWords(process: ProcessKind | undefined, closesEarly: boolean): string {
  switch (process) {
    case undefined:
      return closesEarlyWords(closesEarly);
    case "consent":
      return "or earlier once every member has consented";
    case "advice":
      return "then the proposer decides";
    case "poll":
    case "meeting":
      return "or earlier once everyone has voted";
  }
}
