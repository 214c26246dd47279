import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { sign } from "../identity/signed";
import { judgeOutcome } from "../judges/outcome";
import { refuse, type Verdict } from "../judges/verdict";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { outcomeOf, type Outcome, type SignedOutcome } from "./outcome";

const crypto = nobleCrypto();
const ada = testKeys(1);
const bo = testKeys(2);
const cy = testKeys(3);
const counted = (): Verdict => "counted";

const record = (at: number, sig: string, statement = `said at ${at}`): SignedOutcome => ({
  commune: "0".repeat(32),
  proposal: "p1",
  id: `o${at}${sig}`,
  at,
  statement,
  by: "a".repeat(64),
  sig: sig.padStart(128, "0"),
});

describe("a proposal's outcome statements", () => {
  it("keep the latest statement standing and the earlier ones as its history, oldest first", () => {
    const first = record(100, "1", "We bought it");
    const second = record(200, "2", "We bought it, and it works");
    expect(outcomeOf([second, first], counted)).toEqual({ current: second, history: [first], refused: [] });
  });

  it("choose between statements signed at the same time by their signatures, whatever order they arrive in", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 5 }), sig: fc.integer({ min: 0, max: 40 }).map((n) => n.toString(16)) }), { maxLength: 8 }),
        fc.infiniteStream(fc.nat()),
        (drawn, randomness) => {
          const records = drawn.map(({ at, sig }) => record(at, sig));
          const shuffled = [...records];
          const stream = randomness[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = stream.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const judge = (outcome: SignedOutcome) => (outcome.at === 5 ? refuse("outcome.still-open", "open") : counted());
          expect(outcomeOf(shuffled, judge)).toEqual(outcomeOf(records, judge));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("leave out what the judge refuses, with its reason", () => {
    const early = record(100, "1");
    const judge = (outcome: SignedOutcome): Verdict => (outcome === early ? refuse("outcome.before-decision", "too early") : "counted");
    expect(outcomeOf([early], judge)).toEqual({
      history: [],
      refused: [{ id: early.id, by: early.by, sig: early.sig, code: "outcome.before-decision", reason: "too early" }],
    });
  });
});

describe("the outcome judge", () => {
  /** Ada and Bo; a general proposal by Ada, voted through by both on day 3. */
  function decided() {
    const commune = new CommuneBuilder();
    commune.join(bo, "Bo", T0 + DAY);
    const proposal = commune.propose(ada, { kind: "general", at: T0 + 2 * DAY, deadline: T0 + 9 * DAY });
    return { commune, proposal };
  }
  const statement = (keys: typeof ada, commune: CommuneBuilder, proposal: string, at: number) =>
    sign<Outcome>(crypto, "outcome", { commune: commune.id, proposal, id: `o${at}`, at, statement: "Done", review: at + 30 * DAY }, keys);

  it("counts a statement by any active member once the proposal is decided", () => {
    const { commune, proposal } = decided();
    commune.vote(ada, proposal.id, "yes", T0 + 3 * DAY);
    commune.vote(bo, proposal.id, "yes", T0 + 3 * DAY);
    const state = commune.state(T0 + 4 * DAY);
    expect(judgeOutcome(crypto, state, statement(bo, commune, proposal.id, T0 + 4 * DAY))).toBe("counted");
  });

  it("refuses a statement on an open proposal, one dated before the decision, and one by a non-member", () => {
    const { commune, proposal } = decided();
    expect(judgeOutcome(crypto, commune.state(T0 + 3 * DAY), statement(ada, commune, proposal.id, T0 + 3 * DAY))).toEqual({
      code: "outcome.still-open",
      reason: '"A proposal" is still open: its outcome is recorded once it is decided',
    });
    commune.vote(ada, proposal.id, "yes", T0 + 3 * DAY);
    commune.vote(bo, proposal.id, "yes", T0 + 3 * DAY);
    const state = commune.state(T0 + 4 * DAY);
    expect(judgeOutcome(crypto, state, statement(ada, commune, proposal.id, T0 + 2 * DAY + 1))).toMatchObject({ code: "outcome.before-decision" });
    expect(judgeOutcome(crypto, state, statement(cy, commune, proposal.id, T0 + 4 * DAY))).toMatchObject({ code: "outcome.author-not-active" });
  });
});
