import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Choice } from "../proposal";
import type { SawVote } from "../tally";
import type { ProcessBallot, TallyRules } from "./ballots";
import { consentTally } from "./consent";
import { adviceTally } from "./advice";
import { meetingTally } from "./meeting";
import { pollTally } from "./poll";

const members = ["a", "b", "c", "d", "e", "f"];
const window = { at: 1_000, deadline: 10_000, by: "a" };
const afterTheDeadline = 20_000;

const rulesArbitrary = fc.record({
  quorumPercent: fc.integer({ min: 0, max: 100 }),
  thresholdPercent: fc.integer({ min: 1, max: 100 }),
  allowBlock: fc.boolean(),
});

const electorateArbitrary = fc.integer({ min: 1, max: members.length }).map((size) => members.slice(0, size));

/** Votes with distinct signatures, some from outside the electorate or outside the window, carrying `marks` (fitting or not). */
const ballotsArbitrary = (marks: fc.Arbitrary<Omit<ProcessBallot, "voter" | "at" | "sig">>) =>
  fc
    .array(fc.tuple(fc.constantFrom(...members, "outsider"), fc.integer({ min: 500, max: 12_500 }), marks), { maxLength: 20 })
    .map((drawn) => drawn.map(([voter, at, mark], i): ProcessBallot => ({ voter, at, ...mark, sig: `s${String(i).padStart(2, "0")}` })));

/** A history as members' copies would give it: each vote cast holding some prefix of those cast before it. */
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

const choices: Choice[] = ["yes", "no", "abstain", "block"];
const reason = fc.option(fc.constantFrom("Too costly", "Not now", " "), { nil: undefined });
const consentMarks = fc
  .tuple(fc.constantFrom<Choice>(...choices, "yes", "block"), reason)
  .map(([choice, why]) => ({ choice, ...(why === undefined ? {} : { reason: why }) }));

const options = ["Solar panels", "New roof", "Garden tools", "Bikes"];
const pickMarks = fc.integer({ min: -1, max: options.length }).map((pick) => ({ choice: "yes" as const, pick }));
const dotMarks = fc
  .array(fc.integer({ min: 0, max: 4 }), { minLength: options.length - 1, maxLength: options.length })
  .map((dots) => ({ choice: "yes" as const, dots }));

/** Advice with or without a reason, and decisions by anyone at any time: only the proposer's, after the deadline, count. */
const adviceMarks = fc.oneof(
  reason.map((why) => ({ choice: "abstain" as const, ...(why === undefined ? {} : { reason: why }) })),
  fc.tuple(fc.constantFrom("passed" as const, "rejected" as const), reason).map(([decision, why]) => ({
    choice: decision === "passed" ? ("yes" as const) : ("no" as const),
    decision,
    ...(why === undefined ? {} : { reason: why }),
  })),
);

const times = [40_000, 20_000, 30_000, 20_500];
const meetingMarks = fc.array(fc.integer({ min: 0, max: times.length }), { maxLength: 3 }).map((indices) => ({ choice: "yes" as const, times: indices }));

type Tallied = { outcome: string };
type Run = (ballots: ProcessBallot[], electorate: string[], rules: TallyRules, now: number, saw?: SawVote) => Tallied;

const processes: { name: string; marks: fc.Arbitrary<Omit<ProcessBallot, "voter" | "at" | "sig">>; run: Run }[] = [
  { name: "consent", marks: consentMarks, run: (b, e, r, now, saw) => consentTally({ ...window, process: { kind: "consent" } }, b, e, r, now, saw) },
  { name: "single-choice poll", marks: pickMarks, run: (b, e, r, now, saw) => pollTally({ ...window, process: { kind: "poll", options } }, b, e, r, now, saw) },
  { name: "dot vote", marks: dotMarks, run: (b, e, r, now, saw) => pollTally({ ...window, process: { kind: "poll", options, dots: 6 } }, b, e, r, now, saw) },
  { name: "advice process", marks: adviceMarks, run: (b, e, r, now, saw) => adviceTally({ ...window, process: { kind: "advice" } }, b, e, r, now, saw) },
  {
    name: "meeting time poll",
    marks: meetingMarks,
    run: (b, e, r, now, saw) => meetingTally({ ...window, process: { kind: "meeting", times } }, b, e, r, now, saw),
  },
];

describe.each(processes)("a $name", ({ marks, run }) => {
  it("has the same outcome and result for every arrival order of its votes", () => {
    fc.assert(
      fc.property(
        electorateArbitrary,
        ballotsArbitrary(marks),
        rulesArbitrary,
        fc.integer({ min: 0, max: 15_000 }),
        fc.infiniteStream(fc.nat()),
        (electorate, ballots, rules, now, randomness) => {
          const shuffled = shuffle(ballots, randomness[Symbol.iterator]());
          expect(run(shuffled, electorate, rules, now)).toEqual(run(ballots, electorate, rules, now));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("has the same outcome and result for every arrival order when the documents' history orders the votes", () => {
    fc.assert(
      fc.property(
        electorateArbitrary,
        ballotsArbitrary(marks).chain((ballots) => fc.tuple(fc.constant(ballots), historyArbitrary(ballots.length))),
        rulesArbitrary,
        fc.integer({ min: 0, max: 15_000 }),
        fc.infiniteStream(fc.nat()),
        (electorate, [ballots, saw], rules, now, randomness) => {
          const shuffled = shuffle(ballots, randomness[Symbol.iterator]());
          expect(run(shuffled, electorate, rules, now, saw)).toEqual(run(ballots, electorate, rules, now, saw));
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe("a consent process that closes early", () => {
  const consent = { ...window, process: { kind: "consent" as const } };
  /** Random votes, half the time after every member has consented at some time, so early closes are common. */
  const consentBallots = fc
    .tuple(
      ballotsArbitrary(consentMarks),
      fc.boolean(),
      fc.array(fc.integer({ min: 900, max: 10_100 }), { minLength: members.length, maxLength: members.length }),
    )
    .map(([ballots, everyone, times]) =>
      everyone ? [...ballots, ...members.map((voter, i): ProcessBallot => ({ voter, at: times[i]!, choice: "yes", sig: `e${i}` }))] : ballots,
    );

  it("never closes while an objection could still stand: every member has consented, and nothing signed after changes the outcome", () => {
    fc.assert(
      fc.property(
        electorateArbitrary,
        consentBallots,
        rulesArbitrary,
        fc.array(fc.tuple(fc.constantFrom(...members), fc.integer({ min: 1, max: 9_000 }), consentMarks), { maxLength: 8 }),
        (electorate, ballots, rules, afterwards) => {
          const early = consentTally(consent, ballots, electorate, rules, afterTheDeadline);
          if (early.early === undefined) return;
          expect(early.outcome).toBe("passed");
          expect(early.result.consents).toBe(electorate.length);
          // Any completion: any member changes their mind, objecting with a reason or not, at any time after the decision.
          const completion = afterwards.map(([voter, after, mark], i): ProcessBallot => ({ voter, at: early.decidesAt + after, ...mark, sig: `c${i}` }));
          const completed = consentTally(consent, [...ballots, ...completion], electorate, rules, afterTheDeadline);
          expect(completed).toMatchObject({ outcome: early.outcome, decidesAt: early.decidesAt });
          // Had it waited for the deadline with the votes it had, it would have passed too.
          const frozen = ballots.filter((ballot) => ballot.at <= early.decidesAt);
          const waited = consentTally({ ...consent, deadline: early.decidesAt }, frozen, electorate, rules, afterTheDeadline);
          expect(waited.outcome).toBe(early.outcome);
        },
      ),
      { numRuns: 1_500 },
    );
  });
});
