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

describe("tally of a proposal that closes early once the outcome is settled", () => {
  const early = { ...window, closesEarly: true as const };
  const majority = { quorumPercent: 50, thresholdPercent: 50, allowBlock: false };
  const five = ["a", "b", "c", "d", "e"];

  it("passes as soon as the missing members could no longer outvote the yes votes", () => {
    const ballots = [ballot("a", 2_000, "yes"), ballot("b", 3_000, "yes"), ballot("c", 4_000, "yes")];
    expect(tally(early, ballots, five, majority, 5_000)).toMatchObject({ outcome: "passed", decidesAt: 4_000, early: "settled", yes: 3, voted: 3 });
  });

  it("rejects as soon as the missing members could no longer reach the threshold", () => {
    const ballots = [ballot("a", 2_000, "no"), ballot("b", 3_000, "no"), ballot("c", 4_000, "no")];
    expect(tally(early, ballots, five, majority, 5_000)).toMatchObject({ outcome: "rejected", decidesAt: 4_000, early: "settled" });
  });

  it("rejects at the first block when a single block vetoes, before quorum is met it waits", () => {
    const blocking = { ...majority, allowBlock: true };
    expect(tally(early, [ballot("a", 2_000, "block")], five, blocking, 5_000)).toMatchObject({ outcome: "open", decidesAt: 10_000 });
    const ballots = [ballot("a", 2_000, "block"), ballot("b", 3_000, "yes"), ballot("c", 4_000, "yes")];
    expect(tally(early, ballots, five, blocking, 5_000)).toMatchObject({ outcome: "rejected", decidesAt: 4_000, blocked: true, early: "settled" });
  });

  it("never passes early while a missing member could still block", () => {
    const ballots = [ballot("a", 2_000, "yes"), ballot("b", 3_000, "yes"), ballot("c", 4_000, "yes")];
    expect(tally(early, ballots, five, { ...majority, allowBlock: true }, 5_000)).toMatchObject({ outcome: "open", decidesAt: 10_000 });
  });

  it("stays open while the missing members could still turn the outcome", () => {
    const ballots = [ballot("a", 2_000, "yes"), ballot("b", 3_000, "yes"), ballot("c", 4_000, "no")];
    expect(tally(early, ballots, five, majority, 5_000)).toMatchObject({ outcome: "open", decidesAt: 10_000 });
  });

  it("freezes the votes at the decision: a change of mind after it does not count", () => {
    const ballots = [ballot("a", 2_000, "yes"), ballot("b", 3_000, "yes"), ballot("c", 4_000, "yes"), ballot("a", 4_500, "no")];
    expect(tally(early, ballots, five, majority, 5_000)).toMatchObject({ outcome: "passed", decidesAt: 4_000, yes: 3, no: 0 });
  });

  it("counts a change of mind before the decision", () => {
    const ballots = [ballot("a", 2_000, "no"), ballot("a", 2_500, "yes"), ballot("b", 3_000, "yes"), ballot("c", 4_000, "yes")];
    expect(tally(early, ballots, five, majority, 5_000)).toMatchObject({ outcome: "passed", decidesAt: 4_000, yes: 3, no: 0 });
  });

  it("holds a change of mind dated before the decision but cast without the deciding vote's knowledge as late", () => {
    const ballots = [ballot("a", 2_000, "yes"), ballot("b", 3_000, "yes"), ballot("c", 4_000, "yes"), ballot("a", 3_500, "no")];
    // c voted on a copy holding a's and b's first votes; a's "no" was signed later on another copy and dated back.
    const saw = (later: string, earlier: string) => later === earlier || (later === "c4000" && earlier !== "a3500");
    expect(tally(early, ballots, five, majority, 5_000, saw)).toMatchObject({ outcome: "passed", decidesAt: 4_000, yes: 3, no: 0, late: ["a3500"] });
  });

  it("closes on a member's first vote, not on a change of mind, which counts from the next first vote", () => {
    const ballots = [ballot("a", 2_000, "no"), ballot("b", 2_100, "yes"), ballot("c", 2_200, "yes"), ballot("a", 2_500, "yes")];
    expect(tally(early, ballots, five, majority, 2_900)).toMatchObject({ outcome: "open", decidesAt: 10_000 });
    const withD = [...ballots, ballot("d", 3_000, "abstain")];
    expect(tally(early, withD, five, majority, 3_500)).toMatchObject({ outcome: "passed", decidesAt: 3_000, yes: 3, no: 0, early: "settled" });
  });

  it("lets no change of mind signed after the decision and dated before it make an earlier moment", () => {
    // Ada's "no" was signed on a copy holding every vote, dated a millisecond before Bo's deciding yes.
    const ballots = [ballot("a", 2_000, "yes"), ballot("c", 3_000, "no"), ballot("b", 4_000, "yes"), ballot("a", 3_999, "no")];
    const saw = (later: string, earlier: string) => later === earlier || later === "a3999" || (later === "b4000" && earlier !== "a3999");
    expect(tally(early, ballots, ["a", "b", "c"], majority, 5_000, saw)).toMatchObject({
      outcome: "passed",
      decidesAt: 4_000,
      yes: 2,
      no: 1,
      late: ["a3999"],
      early: "everyone-voted",
    });
  });

  it("lets no change of mind dated before its author's first vote decide", () => {
    // Ada's "no" was cast after her "yes" and dated a millisecond before it: without the history it would be her first vote.
    const ballots = [ballot("a", 2_000, "yes"), ballot("a", 1_999, "no")];
    const saw = (later: string, earlier: string) => later === earlier || (later === "a1999" && earlier === "a2000");
    expect(tally(early, ballots, ["a"], majority, 5_000, saw)).toMatchObject({ outcome: "passed", decidesAt: 2_000, yes: 1, no: 0, late: ["a1999"] });
  });

  it("says every member voted when the last missing vote settled it", () => {
    const ballots = electorate.map((voter, i) => ballot(voter, 2_000 + i, i === 0 ? "no" : "yes"));
    expect(tally(early, ballots, electorate, rules, 3_000)).toMatchObject({ outcome: "passed", decidesAt: 2_003, early: "everyone-voted" });
  });

  it("keeps today's rule for a proposal signed without closesEarly", () => {
    const ballots = [ballot("a", 2_000, "yes"), ballot("b", 3_000, "yes"), ballot("c", 4_000, "yes")];
    const result = tally(window, ballots, five, majority, 5_000);
    expect(result).toMatchObject({ outcome: "open", decidesAt: 10_000 });
    expect(result.early).toBeUndefined();
  });

  it("says a proposal decided at its deadline did not close early", () => {
    const result = tally(early, [ballot("a", 2_000, "yes")], five, majority, 20_000);
    expect(result).toMatchObject({ outcome: "expired", decidesAt: 10_000 });
    expect(result.early).toBeUndefined();
  });
});
