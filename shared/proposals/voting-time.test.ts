import { describe, expect, it } from "vitest";
import { MIN_VOTING_DAYS, MIN_VOTING_MS, votingDaysProblem, votingTimeProblem } from "./voting-time";

describe("the least time a new proposal leaves for voting", () => {
  it("accepts an hour or more", () => {
    expect(votingTimeProblem(MIN_VOTING_MS)).toBeUndefined();
    expect(votingTimeProblem(7 * 86_400_000)).toBeUndefined();
    expect(votingDaysProblem(MIN_VOTING_DAYS)).toBeUndefined();
  });

  it("refuses less, saying how soon the deadline given is", () => {
    expect(votingTimeProblem(2 * 60_000 + 30_000)).toBe("A proposal needs at least 1 hour for members to vote; the deadline given is in 2 minutes");
    expect(votingTimeProblem(MIN_VOTING_MS - 1)).toBe("A proposal needs at least 1 hour for members to vote; the deadline given is in 59 minutes");
    expect(votingDaysProblem(0.001)).toBe("A proposal needs at least 1 hour for members to vote; the deadline given is in 86 seconds");
    expect(votingTimeProblem(1_000)).toBe("A proposal needs at least 1 hour for members to vote; the deadline given is in 1 second");
    expect(votingTimeProblem(400)).toBe("A proposal needs at least 1 hour for members to vote; the deadline given is in less than a second");
  });

  it("says a deadline already past is past", () => {
    expect(votingTimeProblem(0)).toBe("A proposal needs at least 1 hour for members to vote; the deadline given has already passed");
    expect(votingTimeProblem(-5_000)).toBe("A proposal needs at least 1 hour for members to vote; the deadline given has already passed");
  });
});
