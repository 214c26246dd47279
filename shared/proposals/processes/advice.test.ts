import { describe, expect, it } from "vitest";
import type { ProcessBallot } from "./ballots";
import { adviceTally } from "./advice";

const rules = { quorumPercent: 50, thresholdPercent: 60, allowBlock: true };
const proposal = { at: 1_000, deadline: 10_000, by: "a", process: { kind: "advice" as const } };
const electorate = ["a", "b", "c"];
const advise = (voter: string, at: number, reason: string): ProcessBallot => ({ voter, at, choice: "abstain", reason, sig: `${voter}${at}` });
const decide = (voter: string, at: number, decision: "passed" | "rejected", statement: string): ProcessBallot => ({
  voter,
  at,
  choice: decision === "passed" ? "yes" : "no",
  decision,
  reason: statement,
  sig: `${voter}${at}`,
});

describe("an advice process", () => {
  it("records the advice given, and the proposer's decision after the deadline is the outcome", () => {
    const ballots = [
      advise("b", 2_000, "Ask the neighbours first"),
      advise("c", 3_000, "Fine by me"),
      decide("a", 11_000, "passed", "Going ahead, neighbours agreed"),
    ];
    const result = adviceTally(proposal, ballots, electorate, rules, 20_000);
    expect(result.outcome).toBe("passed");
    expect(result.result).toEqual({
      kind: "advice",
      advice: [
        { voter: "b", at: 2_000, reason: "Ask the neighbours first" },
        { voter: "c", at: 3_000, reason: "Fine by me" },
      ],
      decision: { outcome: "passed", statement: "Going ahead, neighbours agreed", at: 11_000, sig: "a11000" },
      awaiting: false,
    });
  });

  it("is decided when the proposer decides, so a spend passes only from then, and takes no advice after the deadline", () => {
    const ballots = [advise("b", 10_500, "Too late to advise"), decide("a", 15_000, "passed", "Going ahead")];
    const result = adviceTally(proposal, ballots, electorate, rules, 20_000);
    expect(result).toMatchObject({ outcome: "passed", decidesAt: 15_000, result: { advice: [] } });
  });

  it("ignores a decision recorded before the deadline", () => {
    const result = adviceTally(proposal, [decide("a", 5_000, "passed", "Decided early")], electorate, rules, 20_000);
    expect(result).toMatchObject({ outcome: "open", result: { awaiting: true } });
    expect(result.result.decision).toBeUndefined();
  });

  it("ignores a decision by anyone but the proposer", () => {
    expect(adviceTally(proposal, [decide("b", 11_000, "rejected", "Not yours to decide")], electorate, rules, 20_000).outcome).toBe("open");
  });

  it("stays open and awaiting the proposer's decision once the advice period is over", () => {
    expect(adviceTally(proposal, [advise("b", 2_000, "Yes")], electorate, rules, 20_000)).toMatchObject({ outcome: "open", result: { awaiting: true } });
    expect(adviceTally(proposal, [advise("b", 2_000, "Yes")], electorate, rules, 5_000)).toMatchObject({ outcome: "open", result: { awaiting: false } });
  });

  it("keeps the first decision when the proposer records another", () => {
    const ballots = [decide("a", 12_000, "passed", "Second thoughts"), decide("a", 11_000, "rejected", "No, the advice was against it")];
    expect(adviceTally(proposal, ballots, electorate, rules, 20_000)).toMatchObject({ outcome: "rejected", result: { decision: { at: 11_000 } } });
  });

  it("counts advice without a reason for nothing, and does not close when everyone advised", () => {
    const ballots = [{ ...advise("b", 2_000, ""), reason: "" }, advise("a", 2_000, "Go"), advise("c", 2_000, "Go")];
    expect(adviceTally(proposal, ballots, electorate, rules, 5_000)).toMatchObject({ outcome: "open", decidesAt: 10_000, voted: 2 });
  });
});
