import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { communeState } from "../commune/commune-state";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import type { Choice } from "./proposal";
import { tally, type Ballot } from "./tally";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const choices: Choice[] = ["yes", "no", "abstain", "block"];
const voters = ["a", "b", "c", "d", "e"];

const ballotArbitrary = fc.record({
  voter: fc.constantFrom(...voters, "outsider"),
  at: fc.integer({ min: 0, max: 12_000 }),
  choice: fc.constantFrom(...choices),
  sig: fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(4, "0")),
});

describe("tallies do not depend on the order votes arrive in", () => {
  it("gives the same tally for every permutation of the same ballots", () => {
    fc.assert(
      fc.property(
        fc.array(ballotArbitrary, { maxLength: 30 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 15_000 }),
        fc.infiniteStream(fc.nat()),
        (ballots: Ballot[], quorumPercent, thresholdPercent, allowBlock, now, randomness) => {
          const rules = { quorumPercent, thresholdPercent, allowBlock };
          const shuffled = [...ballots];
          const stream = randomness[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = stream.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const window = { at: 1_000, deadline: 10_000 };
          expect(tally(window, shuffled, voters, rules, now)).toEqual(tally(window, ballots, voters, rules, now));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("gives every member the same proposal outcomes whatever order the signed votes and membership records arrive in", () => {
    // Signing is slow, so a pool of genuine and forged votes is signed once and
    // each run takes a subset of it in some order.
    const members = [1, 2, 3, 4].map(testKeys);
    const outsider = testKeys(9);
    const commune = new CommuneBuilder();
    members.slice(1).forEach((keys, i) => commune.join(keys, `M${i + 2}`, T0 + DAY + i));
    commune.propose(members[0]!, { kind: "remove", member: members[3]!.publicKey, at: T0 + 2 * DAY, deadline: T0 + 4 * DAY });
    commune.propose(members[1]!, { kind: "general", at: T0 + 2 * DAY, deadline: T0 + 6 * DAY });
    for (const [i, keys] of [...members, outsider].entries()) {
      for (const proposal of ["p1", "p2"]) {
        for (const hour of [1, 30, 60]) commune.vote(keys, proposal, choices[(i + hour) % 4]!, T0 + 2 * DAY + hour * 3_600_000);
      }
    }
    const pool = commune.votes;
    const outcomes = (votes: typeof pool, events = commune.events) => {
      const result = communeState(crypto, { genesis: commune.genesis, proposals: commune.proposals, events, votes }, T0 + 10 * DAY);
      if (!result.ok) throw new Error(result.error.message);
      const state = result.value;
      return Object.fromEntries(Object.entries(state.proposals).map(([id, p]) => [id, p.tally]));
    };
    fc.assert(
      fc.property(fc.shuffledSubarray(pool), fc.integer(), (subset, seed) => {
        const reversed = [...subset].reverse();
        const rotated = subset.length ? [...subset.slice(seed % subset.length), ...subset.slice(0, seed % subset.length)] : subset;
        const expected = outcomes([...subset].sort((a, b) => (a.sig < b.sig ? -1 : 1)));
        expect(outcomes(reversed, [...commune.events].reverse())).toEqual(expected);
        expect(outcomes(rotated)).toEqual(expected);
      }),
      { numRuns: 1_000 },
    );
  }, 120_000);
});
