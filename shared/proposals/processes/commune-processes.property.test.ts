import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { communeState } from "../../commune/commune-state";
import { nobleCrypto } from "../../identity/crypto";
import { CommuneBuilder, DAY, T0, testKeys } from "../../testing/commune-builder";
import type { Vote } from "../proposal";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

describe("processes in a commune's signed history", () => {
  it("give every member the same outcomes, results and problems whatever order the signed votes arrive in", () => {
    // Signing is slow, so a pool of votes (fitting or not, in and out of time, one from outside) is signed once and each run takes a subset in some order.
    const members = [1, 2, 3].map(testKeys);
    const outsider = testKeys(9);
    const commune = new CommuneBuilder();
    members.slice(1).forEach((keys, i) => commune.join(keys, `M${i + 2}`, T0 + DAY + i));
    const at = T0 + 2 * DAY;
    const deadline = T0 + 4 * DAY;
    const consent = commune.propose(members[0]!, { kind: "general", at, deadline, process: { kind: "consent" } });
    const poll = commune.propose(members[0]!, { kind: "general", at, deadline, process: { kind: "poll", options: ["A", "B", "C"], dots: 4 } });
    const advice = commune.propose(members[0]!, {
      kind: "spend",
      amount: 100,
      currency: "EUR",
      payee: { outside: "Shop" },
      at,
      deadline,
      process: { kind: "advice" },
    });
    const meeting = commune.propose(members[1]!, { kind: "general", at, deadline, process: { kind: "meeting", times: [T0 + 9 * DAY, T0 + 8 * DAY] } });
    const ballots: Record<string, Omit<Vote, "commune" | "proposal" | "at">[]> = {
      [consent.id]: [{ choice: "yes" }, { choice: "block", reason: "No" }, { choice: "block" }, { choice: "no" }],
      [poll.id]: [
        { choice: "yes", dots: [1, 2, 1] },
        { choice: "yes", dots: [4, 0, 0] },
        { choice: "yes", dots: [3, 3, 0] },
        { choice: "yes", pick: 1 },
      ],
      [advice.id]: [
        { choice: "abstain", reason: "Fine" },
        { choice: "abstain" },
        { choice: "yes", decision: "passed", reason: "Going ahead" },
        { choice: "no", decision: "rejected", reason: "Not now" },
      ],
      [meeting.id]: [
        { choice: "yes", times: [0] },
        { choice: "yes", times: [0, 1] },
        { choice: "yes", times: [] },
        { choice: "yes", times: [2] },
      ],
    };
    for (const [i, keys] of [...members, outsider].entries())
      for (const [proposal, marks] of Object.entries(ballots))
        for (const [j, hours] of [1, 30, 60].entries()) commune.mark(keys, proposal, { at: at + hours * 3_600_000, ...marks[(i + j) % marks.length]! });
    const pool = commune.votes;
    const outcomes = (votes: typeof pool) => {
      const result = communeState(crypto, { genesis: commune.genesis, proposals: commune.proposals, events: commune.events, votes }, T0 + 10 * DAY);
      if (!result.ok) throw new Error(result.error.message);
      const { proposals, problems } = result.value;
      return {
        tallies: Object.fromEntries(Object.entries(proposals).map(([id, p]) => [id, p.tally])),
        problems: [...problems].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.reason < b.reason ? -1 : 1)),
      };
    };
    fc.assert(
      fc.property(fc.shuffledSubarray(pool), fc.integer({ min: 0, max: 1_000 }), (subset, seed) => {
        const expected = outcomes([...subset].sort((a, b) => (a.sig < b.sig ? -1 : 1)));
        expect(outcomes([...subset].reverse())).toEqual(expected);
        const turn = subset.length ? seed % subset.length : 0;
        expect(outcomes([...subset.slice(turn), ...subset.slice(0, turn)])).toEqual(expected);
      }),
      { numRuns: 1_000 },
    );
  }, 300_000);
});
