import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Choice } from "./proposal";
import { tally, type Ballot, type SawVote } from "./tally";

const choices: Choice[] = ["yes", "no", "abstain", "block"];
const members = ["a", "b", "c", "d", "e", "f", "g"];
const window = { at: 1_000, deadline: 10_000 };
const afterTheDeadline = 20_000;

const rulesArbitrary = fc.record({
  quorumPercent: fc.integer({ min: 0, max: 100 }),
  thresholdPercent: fc.integer({ min: 1, max: 100 }),
  allowBlock: fc.boolean(),
});

/** Votes with distinct signatures (the history knows each by its own), some from outside the electorate, some outside the window. */
const ballotsArbitrary = (voters: readonly string[]) =>
  fc
    .array(
      fc.record({
        voter: fc.constantFrom(...voters, "outsider"),
        at: fc.integer({ min: 500, max: 10_500 }),
        choice: fc.constantFrom(...choices),
      }),
      { maxLength: 24 },
    )
    .map((drawn) => drawn.map((vote, i): Ballot => ({ ...vote, sig: `s${String(i).padStart(2, "0")}` })));

/**
 * A history for these votes as members' copies would give it: each vote
 * was cast in some order, its author holding a prefix of the votes cast
 * before it (an older copy, offline). `saw` follows from that and not from
 * the order the votes are handed to the tally.
 */
const historyArbitrary = (count: number) =>
  fc
    .tuple(fc.shuffledSubarray([...Array(count).keys()], { minLength: count, maxLength: count }), fc.array(fc.nat(), { minLength: count, maxLength: count }))
    .map(([castOrder, lags]): SawVote => (later, earlier) => {
      const castAt = (sig: string) => castOrder.indexOf(Number(sig.slice(1)));
      const l = castAt(later);
      const e = castAt(earlier);
      if (l < 0 || e < 0) return undefined;
      if (l === e) return true;
      return e < l - (lags[l]! % (l + 1));
    });

function shuffle<T>(items: readonly T[], randomness: Iterator<number>): T[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = randomness.next().value % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled;
}

describe("a proposal that closes early", () => {
  it("has the same outcome and decision time for every arrival order of its votes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: members.length }).chain((size) => fc.tuple(fc.constant(members.slice(0, size)), ballotsArbitrary(members.slice(0, size)))),
        rulesArbitrary,
        fc.boolean(),
        fc.integer({ min: 0, max: 15_000 }),
        fc.infiniteStream(fc.nat()),
        ([electorate, ballots], rules, closesEarly, now, randomness) => {
          const proposal = closesEarly ? { ...window, closesEarly: true as const } : window;
          const shuffled = shuffle(ballots, randomness[Symbol.iterator]());
          expect(tally(proposal, shuffled, electorate, rules, now)).toEqual(tally(proposal, ballots, electorate, rules, now));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("gives the same tally for every arrival order when the documents' history orders the votes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: members.length }).chain((size) =>
          fc.tuple(
            fc.constant(members.slice(0, size)),
            ballotsArbitrary(members.slice(0, size)).chain((ballots) => fc.tuple(fc.constant(ballots), historyArbitrary(ballots.length))),
          ),
        ),
        rulesArbitrary,
        fc.integer({ min: 0, max: 15_000 }),
        fc.infiniteStream(fc.nat()),
        ([electorate, [ballots, saw]], rules, now, randomness) => {
          const proposal = { ...window, closesEarly: true as const };
          const shuffled = shuffle(ballots, randomness[Symbol.iterator]());
          expect(tally(proposal, shuffled, electorate, rules, now, saw)).toEqual(tally(proposal, ballots, electorate, rules, now, saw));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("never closes while the members who had not voted could still change the outcome", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: members.length }).chain((size) => fc.tuple(fc.constant(members.slice(0, size)), ballotsArbitrary(members.slice(0, size)))),
        rulesArbitrary,
        ([electorate, ballots], rules) => {
          const early = tally({ ...window, closesEarly: true }, ballots, electorate, rules, afterTheDeadline);
          if (early.early !== "settled") return;
          // Every completion: the members with no vote at the decision each vote any choice after it, or never.
          // The outcome depends only on how many choose what, so every split of them among the choices is tried.
          const frozen = ballots.filter((ballot) => ballot.at <= early.decidesAt);
          const counted = new Set(early.counted.map((ballot) => ballot.voter));
          const missing = electorate.filter((member) => !counted.has(member));
          expect(missing.length).toBeGreaterThan(0);
          for (const split of splits(missing.length, choices.length + 1)) {
            const completion: Ballot[] = [];
            let next = 0;
            split.forEach((howMany, choice) => {
              for (let k = 0; k < howMany; k++, next++) {
                const voter = missing[next]!;
                if (choice < choices.length) completion.push({ voter, at: early.decidesAt + 1, choice: choices[choice]!, sig: `c${next}` });
              }
            });
            const everyoneWaitedFor = tally(window, [...frozen, ...completion], electorate, rules, afterTheDeadline);
            expect(everyoneWaitedFor.outcome).toBe(early.outcome);
          }
        },
      ),
      { numRuns: 1_500 },
    );
  });
});

/** Every way to write `total` as an ordered sum of `parts` whole numbers. */
function splits(total: number, parts: number): number[][] {
  if (parts === 1) return [[total]];
  const all: number[][] = [];
  for (let first = 0; first <= total; first++) for (const rest of splits(total - first, parts - 1)) all.push([first, ...rest]);
  return all;
}
