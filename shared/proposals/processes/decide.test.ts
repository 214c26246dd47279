import { describe, expect, it } from "vitest";
import { tally, type Ballot } from "../tally";
import { processTally } from "./decide";

const rules = { quorumPercent: 50, thresholdPercent: 60, allowBlock: true };
const electorate = ["a", "b", "c"];
const ballots: Ballot[] = [
  { voter: "a", at: 2_000, choice: "yes", sig: "a1" },
  { voter: "b", at: 2_500, choice: "block", sig: "b1", reason: "No" },
];

describe("processTally", () => {
  it("decides a proposal without a process by the yes/no vote, exactly as before processes existed", () => {
    const proposal = { at: 1_000, deadline: 10_000, by: "a", closesEarly: true as const };
    expect(processTally(proposal, ballots, electorate, rules, 20_000)).toEqual(tally(proposal, ballots, electorate, rules, 20_000));
  });

  it("decides a proposal with a process by that process, with its result", () => {
    const proposal = { at: 1_000, deadline: 10_000, by: "a", process: { kind: "consent" as const } };
    expect(processTally(proposal, ballots, electorate, rules, 20_000)).toMatchObject({ outcome: "rejected", result: { kind: "consent", consents: 1 } });
  });
});
