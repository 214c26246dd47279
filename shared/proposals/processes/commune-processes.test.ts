import { describe, expect, it } from "vitest";
import { proposalSchema, voteSchema } from "../../docs/records";
import { CommuneBuilder, DAY, T0, testKeys } from "../../testing/commune-builder";

const ada = testKeys(1);
const bo = testKeys(2);
const cy = testKeys(3);

/** Ada, Bo and Cy. */
function commune() {
  const built = new CommuneBuilder();
  built.join(bo, "Bo", T0 + DAY);
  built.join(cy, "Cy", T0 + DAY);
  return built;
}

const at = T0 + 2 * DAY;
const deadline = T0 + 5 * DAY;

describe("processes in a commune's signed history", () => {
  it("rejects a consent proposal one member objects to with a reason, and counts an objection without one for nothing, saying why", () => {
    const built = commune();
    const proposal = built.propose(ada, { kind: "general", at, deadline, process: { kind: "consent" } });
    const bare = built.mark(bo, proposal.id, { at: at + 1, choice: "block" });
    built.mark(cy, proposal.id, { at: at + 2, choice: "block", reason: "The hall is booked that week" });
    const state = built.state(deadline + 1);
    expect(state.proposals[proposal.id]!.tally).toMatchObject({
      outcome: "rejected",
      result: { kind: "consent", objections: [{ voter: cy.publicKey, reason: "The hall is booked that week" }] },
    });
    expect(state.problems).toContainEqual({
      subject: "vote",
      id: bare.sig,
      by: bo.publicKey,
      code: "vote.does-not-fit",
      reason: 'Bo\'s vote on "A proposal" does not fit it: An objection needs a reason',
    });
  });

  it("closes a consent proposal early once every member consents", () => {
    const built = commune();
    const proposal = built.propose(ada, {
      kind: "spend",
      amount: 500,
      currency: "EUR",
      payee: { outside: "Hardware shop" },
      at,
      deadline,
      process: { kind: "consent" },
    });
    for (const [i, keys] of [ada, bo, cy].entries()) built.mark(keys, proposal.id, { at: at + i + 1, choice: "yes" });
    expect(built.state(at + DAY).proposals[proposal.id]!.tally).toMatchObject({ outcome: "passed", decidesAt: at + 3, early: "everyone-voted" });
  });

  it("counts for nothing a poll on a spend, and an advice process on a removal", () => {
    const built = commune();
    const poll = built.propose(ada, {
      kind: "spend",
      amount: 500,
      currency: "EUR",
      payee: { outside: "Shop" },
      at,
      deadline,
      process: { kind: "poll", options: ["A", "B"] },
    });
    const advice = built.propose(ada, { kind: "remove", member: cy.publicKey, at, deadline, process: { kind: "advice" } });
    const state = built.state(at + 1);
    expect(state.proposals[poll.id]).toBeUndefined();
    expect(state.problems).toContainEqual(
      expect.objectContaining({ id: poll.id, code: "proposal.invalid", reason: "A poll can decide only a general proposal, not a spend proposal" }),
    );
    expect(state.problems).toContainEqual(
      expect.objectContaining({ id: advice.id, reason: "An advice process can decide only a general or a spend proposal, not a remove proposal" }),
    );
  });

  it("takes an advice decision by the proposer after the deadline as the outcome, and refuses one before it", () => {
    const built = commune();
    const proposal = built.propose(ada, { kind: "general", at, deadline, process: { kind: "advice" } });
    built.mark(bo, proposal.id, { at: at + 1, choice: "abstain", reason: "Ask the neighbours" });
    const early = built.mark(ada, proposal.id, { at: at + 2, choice: "yes", decision: "passed", reason: "Done" });
    expect(built.state(deadline + 1).proposals[proposal.id]!.tally).toMatchObject({ outcome: "open", result: { awaiting: true } });
    built.mark(ada, proposal.id, { at: deadline + 10, choice: "no", decision: "rejected", reason: "The neighbours said no" });
    const second = built.mark(ada, proposal.id, { at: deadline + 20, choice: "yes", decision: "passed", reason: "Second thoughts" });
    const state = built.state(deadline + DAY);
    expect(state.proposals[proposal.id]!.tally).toMatchObject({
      outcome: "rejected",
      result: { advice: [{ voter: bo.publicKey, reason: "Ask the neighbours" }], decision: { outcome: "rejected", statement: "The neighbours said no" } },
    });
    expect(state.problems).toContainEqual(expect.objectContaining({ id: early.sig, code: "vote.does-not-fit" }));
    expect(state.problems).toContainEqual(
      expect.objectContaining({
        id: second.sig,
        code: "vote.not-the-decision",
        reason: expect.stringMatching(
          /^Ada's decision "passed" on "A proposal", dated .* counts for nothing: the decision of .* \(rejected\) came first and is not taken back$/,
        ),
      }),
    );
  });

  it("ranks a dot vote's options in the commune's state", () => {
    const built = commune();
    const proposal = built.propose(ada, { kind: "general", at, deadline, process: { kind: "poll", options: ["Tools", "Roof", "Solar"], dots: 5 } });
    built.mark(ada, proposal.id, { at: at + 1, choice: "yes", dots: [0, 2, 3] });
    built.mark(bo, proposal.id, { at: at + 2, choice: "yes", dots: [1, 0, 4] });
    const { tally } = built.state(deadline + 1).proposals[proposal.id]!;
    expect(tally.result).toMatchObject({
      ranking: [
        { label: "Solar", total: 7 },
        { label: "Roof", total: 2 },
        { label: "Tools", total: 1 },
      ],
    });
  });
});

describe("the records of processes", () => {
  const signed = { commune: "0".repeat(32), by: "a".repeat(64), sig: "b".repeat(128) };
  const general = { ...signed, id: "p1", kind: "general", at: 1, deadline: 2, title: "T", body: "" };

  it("reads a proposal's process and refuses one of the wrong shape with words", () => {
    expect(proposalSchema.safeParse({ ...general, process: { kind: "poll", options: ["A", "B"], dots: 3 } }).success).toBe(true);
    expect(proposalSchema.safeParse({ ...general, process: { kind: "meeting", times: [1, 2] } }).success).toBe(true);
    const one = proposalSchema.safeParse({ ...general, process: { kind: "poll", options: ["A"] } });
    expect(one.error?.issues[0]?.message).toBe("must offer at least 2 options");
    const dots = proposalSchema.safeParse({ ...general, process: { kind: "poll", options: ["A", "B"], dots: 0 } });
    expect(dots.error?.issues[0]?.message).toBe("must be a whole number of dots from 1 to 100");
    expect(proposalSchema.safeParse({ ...general, process: { kind: "lottery" } }).error?.issues[0]?.message).toBe(
      "must be one of consent, advice, poll, meeting",
    );
  });

  it("reads a vote's marks and refuses ones of the wrong shape", () => {
    const vote = { ...signed, proposal: "p1", at: 1, choice: "yes" };
    expect(voteSchema.safeParse({ ...vote, pick: 1 }).success).toBe(true);
    expect(voteSchema.safeParse({ ...vote, dots: [1, 0, 2], times: [] }).success).toBe(true);
    expect(voteSchema.safeParse({ ...vote, pick: -1 }).success).toBe(false);
    expect(voteSchema.safeParse({ ...vote, dots: [1.5] }).success).toBe(false);
    expect(voteSchema.safeParse({ ...vote, decision: "maybe" }).error?.issues[0]?.message).toBe("must be one of passed, rejected");
  });
});
