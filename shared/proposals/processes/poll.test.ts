import { describe, expect, it } from "vitest";
import type { ProcessBallot } from "./ballots";
import { pollTally } from "./poll";

const rules = { quorumPercent: 50, thresholdPercent: 60, allowBlock: true };
const electorate = ["a", "b", "c", "d"];
const options = ["Solar panels", "New roof", "Garden tools"];
const poll = (dots?: number) => ({
  at: 1_000,
  deadline: 10_000,
  by: "a",
  process: { kind: "poll" as const, options, ...(dots === undefined ? {} : { dots }) },
});
const pick = (voter: string, at: number, option: number): ProcessBallot => ({ voter, at, choice: "yes", pick: option, sig: `${voter}${at}` });
const dots = (voter: string, at: number, given: number[]): ProcessBallot => ({ voter, at, choice: "yes", dots: given, sig: `${voter}${at}` });

describe("a poll", () => {
  it("ranks a dot vote's three options by the dots given, with each option's total", () => {
    const ballots = [dots("a", 2_000, [1, 3, 1]), dots("b", 2_000, [0, 2, 3])];
    const result = pollTally(poll(5), ballots, electorate, rules, 20_000);
    expect(result.outcome).toBe("passed");
    expect(result.result).toEqual({
      kind: "poll",
      dots: 5,
      ranking: [
        { option: 1, label: "New roof", total: 5 },
        { option: 2, label: "Garden tools", total: 4 },
        { option: 0, label: "Solar panels", total: 1 },
      ],
    });
  });

  it("counts each member's latest pick and breaks ties by option order", () => {
    const ballots = [pick("a", 2_000, 0), pick("a", 3_000, 2), pick("b", 2_000, 0)];
    const { ranking } = pollTally(poll(), ballots, electorate, rules, 20_000).result;
    expect(ranking.map(({ label, total }) => [label, total])).toEqual([
      ["Solar panels", 1],
      ["Garden tools", 1],
      ["New roof", 0],
    ]);
  });

  it("counts for nothing a vote that gives more dots than each member has, or picks an option the poll lacks", () => {
    const ballots = [dots("a", 2_000, [4, 4, 0]), dots("b", 2_000, [1, 1])];
    expect(pollTally(poll(5), ballots, electorate, rules, 20_000)).toMatchObject({ voted: 0, outcome: "expired" });
    expect(pollTally(poll(), [pick("a", 2_000, 3)], electorate, rules, 20_000).voted).toBe(0);
  });

  it("expires without quorum", () => {
    expect(pollTally(poll(), [pick("a", 2_000, 1)], electorate, rules, 20_000).outcome).toBe("expired");
  });

  it("closes early once everyone has voted", () => {
    const ballots = electorate.map((voter, i) => pick(voter, 2_000 + i, i % 3));
    expect(pollTally(poll(), ballots, electorate, rules, 3_000)).toMatchObject({ outcome: "passed", decidesAt: 2_003, early: "everyone-voted" });
  });
});
