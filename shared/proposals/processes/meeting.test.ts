import { describe, expect, it } from "vitest";
import type { ProcessBallot } from "./ballots";
import { meetingTally } from "./meeting";

const rules = { quorumPercent: 50, thresholdPercent: 60, allowBlock: true };
const electorate = ["a", "b", "c", "d"];
const times = [30_000, 20_000, 40_000];
const proposal = { at: 1_000, deadline: 10_000, by: "a", process: { kind: "meeting" as const, times } };
const can = (voter: string, at: number, indices: number[]): ProcessBallot => ({ voter, at, choice: "yes", times: indices, sig: `${voter}${at}` });

describe("a meeting time poll", () => {
  it("ranks the time most can make first, with who can make it", () => {
    const ballots = [can("a", 2_000, [0, 2]), can("b", 2_000, [2]), can("c", 2_000, [0, 1, 2]), can("d", 2_000, [])];
    const { outcome, result } = meetingTally(proposal, ballots, electorate, rules, 20_000);
    expect(outcome).toBe("passed");
    expect(result.ranking).toEqual([
      { option: 2, time: 40_000, total: 3, who: ["a", "b", "c"] },
      { option: 0, time: 30_000, total: 2, who: ["a", "c"] },
      { option: 1, time: 20_000, total: 1, who: ["c"] },
    ]);
  });

  it("breaks a tie by the earlier time", () => {
    const { result } = meetingTally(proposal, [can("a", 2_000, [0, 1]), can("b", 2_000, [])], electorate, rules, 20_000);
    expect(result.ranking.map((ranked) => ranked.time)).toEqual([20_000, 30_000, 40_000]);
  });

  it("counts for nothing a vote naming a time not offered, or one time twice", () => {
    expect(meetingTally(proposal, [can("a", 2_000, [3]), can("b", 2_000, [1, 1])], electorate, rules, 20_000)).toMatchObject({ voted: 0, outcome: "expired" });
  });
});
