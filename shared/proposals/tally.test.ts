import { describe, expect, it } from "vitest";
import { tally, type Ballot } from "./tally";

const rules = { quorumPercent: 50, thresholdPercent: 60, allowBlock: true };
const window = { at: 1_000, deadline: 10_000 };
const electorate = ["a", "b", "c", "d"];
const ballot = (voter: string, at: number, choice: Ballot["choice"]): Ballot => ({ voter, at, choice, sig: `${voter}${at}` });

describe("tally", () => {
  it("stays open before the deadline while someone has not voted", () => {
    const result = tally(window, [ballot("a", 2_000, "yes")], electorate, rules, 5_000);
    expect(result).toMatchObject({ outcome: "open", yes: 1, voted: 1, decidesAt: 10_000 });
  });

  it("is decided the moment the whole electorate has voted", () => {
    const ballots = electorate.map((voter, i) => ballot(voter, 2_000 + i, "yes"));
    expect(tally(window, ballots, electorate, rules, 3_000)).toMatchObject({ outcome: "passed", decidesAt: 2_003, yes: 4 });
  });

  it("counts each member's latest vote before the decision", () => {
    const ballots = [ballot("a", 2_000, "no"), ballot("a", 3_000, "yes"), ballot("b", 2_500, "yes")];
    expect(tally(window, ballots, electorate, rules, 20_000)).toMatchObject({ outcome: "passed", yes: 2, no: 0, voted: 2 });
  });

  it("ignores a vote changed after everyone had voted", () => {
    const ballots = [...electorate.map((voter) => ballot(voter, 2_000, "yes")), ballot("a", 4_000, "no")];
    expect(tally(window, ballots, electorate, rules, 20_000)).toMatchObject({ outcome: "passed", yes: 4, no: 0 });
  });

  it("expires without quorum", () => {
    expect(tally(window, [ballot("a", 2_000, "yes")], electorate, rules, 20_000)).toMatchObject({ outcome: "expired", quorumMet: false });
  });

  it("rejects when yes falls short of the threshold among yes and no", () => {
    const ballots = [ballot("a", 2_000, "yes"), ballot("b", 2_000, "no"), ballot("c", 2_000, "abstain")];
    expect(tally(window, ballots, electorate, rules, 20_000)).toMatchObject({ outcome: "rejected", quorumMet: true, thresholdMet: false });
  });

  it("lets a single block veto when the rules allow blocking", () => {
    const ballots = [ballot("a", 2_000, "yes"), ballot("b", 2_000, "yes"), ballot("c", 2_000, "block")];
    expect(tally(window, ballots, electorate, rules, 20_000)).toMatchObject({ outcome: "rejected", blocked: true });
  });

  it("counts a block as a no when the rules do not allow blocking", () => {
    const ballots = [ballot("a", 2_000, "yes"), ballot("b", 2_000, "yes"), ballot("c", 2_000, "block")];
    expect(tally(window, ballots, electorate, { ...rules, allowBlock: false }, 20_000)).toMatchObject({ outcome: "passed", no: 1, block: 0 });
  });

  it("ignores votes outside the voting window and from outside the electorate", () => {
    const ballots = [ballot("a", 500, "yes"), ballot("a", 11_000, "yes"), ballot("z", 2_000, "yes")];
    expect(tally(window, ballots, electorate, rules, 20_000)).toMatchObject({ voted: 0, outcome: "expired" });
  });
});
