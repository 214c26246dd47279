import { describe, expect, it } from "vitest";
import type { ProcessBallot } from "./ballots";
import { consentTally } from "./consent";

const rules = { quorumPercent: 50, thresholdPercent: 60, allowBlock: true };
const proposal = { at: 1_000, deadline: 10_000, by: "a", process: { kind: "consent" as const } };
const electorate = ["a", "b", "c", "d"];
const consent = (voter: string, at: number): ProcessBallot => ({ voter, at, choice: "yes", sig: `${voter}${at}` });
const object = (voter: string, at: number, reason?: string): ProcessBallot => ({
  voter,
  at,
  choice: "block",
  sig: `${voter}${at}`,
  ...(reason === undefined ? {} : { reason }),
});

describe("a consent process", () => {
  it("passes at the deadline when nobody objects, without any quorum", () => {
    const result = consentTally(proposal, [consent("b", 2_000)], electorate, rules, 20_000);
    expect(result).toMatchObject({ outcome: "passed", decidesAt: 10_000, result: { consents: 1, objections: [] } });
  });

  it("passes at the deadline when nobody votes at all", () => {
    expect(consentTally(proposal, [], electorate, rules, 20_000).outcome).toBe("passed");
  });

  it("stays open before the deadline while not everyone has consented", () => {
    expect(consentTally(proposal, [consent("b", 2_000)], electorate, rules, 5_000).outcome).toBe("open");
  });

  it("is blocked by one objection with a reason", () => {
    const ballots = [consent("a", 2_000), consent("b", 2_000), object("c", 3_000, "We cannot afford it this month")];
    const result = consentTally(proposal, ballots, electorate, rules, 20_000);
    expect(result.outcome).toBe("rejected");
    expect(result.result.objections).toEqual([{ voter: "c", at: 3_000, reason: "We cannot afford it this month" }]);
  });

  it("counts an objection without a reason for nothing", () => {
    const result = consentTally(proposal, [consent("a", 2_000), object("c", 3_000), object("d", 3_000, "   ")], electorate, rules, 20_000);
    expect(result).toMatchObject({ outcome: "passed", voted: 1, result: { objections: [] } });
  });

  it("passes once the objector withdraws their objection by consenting later", () => {
    const ballots = [object("c", 3_000, "Not yet"), consent("c", 4_000)];
    expect(consentTally(proposal, ballots, electorate, rules, 20_000)).toMatchObject({ outcome: "passed", result: { consents: 1, objections: [] } });
  });

  it("closes early, passed, the moment every member has consented", () => {
    const ballots = electorate.map((voter, i) => consent(voter, 2_000 + i));
    expect(consentTally(proposal, ballots, electorate, rules, 3_000)).toMatchObject({ outcome: "passed", decidesAt: 2_003, early: "everyone-voted" });
  });

  it("does not close early while an objection stands, since it may still be withdrawn", () => {
    const ballots = [consent("a", 2_000), consent("b", 2_000), consent("c", 2_000), object("d", 2_500, "Too soon")];
    expect(consentTally(proposal, ballots, electorate, rules, 5_000)).toMatchObject({ outcome: "open", decidesAt: 10_000 });
    const withdrawn = [...ballots, consent("d", 6_000)];
    expect(consentTally(proposal, withdrawn, electorate, rules, 20_000)).toMatchObject({ outcome: "passed", decidesAt: 10_000 });
  });

  it("ignores votes of members outside the electorate and votes that are neither consent nor objection", () => {
    const ballots = [object("outsider", 2_000, "I object"), { ...consent("b", 2_000), choice: "no" as const }];
    expect(consentTally(proposal, ballots, electorate, rules, 20_000)).toMatchObject({ outcome: "passed", voted: 0 });
  });
});
