import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { toStored } from "../docs/automerge-form";
import { ChangeGraph, recordHistory } from "../history/change-graph";
import type { SignedVote } from "../proposals/proposal";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { communeState } from "./commune-state";
import { currentStatus } from "./state";
import { nobleCrypto } from "../identity/crypto";

const crypto = nobleCrypto();

/**
 * Issue 12: "After 'Remove Bo' passed 2-1, a member signed a 'no' vote
 * dated 1 ms before the decision and added it later: the outcome flipped to
 * rejected." The votes here sit in a real Automerge proposals document,
 * each added from the copy its voter held, so the change graph says who
 * had seen what.
 */

const ada = testKeys(1);
const bo = testKeys(2);
const cy = testKeys(3);

type Votes = { votes: Record<string, unknown[]> };

/** Ada, Bo and Cy; Ada proposes removing Bo. */
function removeBo() {
  const commune = new CommuneBuilder();
  commune.join(bo, "Bo", T0 + 1);
  commune.join(cy, "Cy", T0 + 2);
  commune.propose(ada, { id: "remove-bo", title: "Remove Bo", kind: "remove", member: bo.publicKey, at: T0 + DAY, deadline: T0 + 8 * DAY });
  return commune;
}

/** A member's copy of the proposals document; `vote` adds a signed vote to it as that member's host would. */
function copyOf(doc: A.Doc<Votes>, actor: string) {
  let copy = A.clone(doc, { actor });
  return {
    vote(signed: SignedVote) {
      copy = A.change(copy, (d) => {
        (d.votes[signed.proposal] ??= []).push(toStored(signed));
      });
    },
    get doc() {
      return copy;
    },
  };
}

const emptyProposals = () => A.from<Votes>({ votes: {} }, { actor: "00".repeat(16) });

/** The commune as a member's host judges it: the records with what the proposals document's history says about them. */
function judge(commune: CommuneBuilder, doc: A.Doc<Votes>, now: number) {
  const history = recordHistory(doc, new ChangeGraph(), new Map(), ["votes", "proposals"]);
  const result = communeState(
    crypto,
    { genesis: commune.genesis, events: commune.events, proposals: commune.proposals, votes: commune.votes, saw: history.saw, latestSeen: history.latestSeen },
    now,
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const HOUR = 3_600_000;
const DECIDED = T0 + DAY + 3 * HOUR;
const LATER = T0 + 3 * DAY;

/** Ada and Cy vote yes and Bo, last, votes no, each on a copy holding the votes before theirs: passed 2-1 at DECIDED. */
function passedTwoToOne() {
  const commune = removeBo();
  const ada1 = copyOf(emptyProposals(), "aa".repeat(16));
  ada1.vote(commune.vote(ada, "remove-bo", "yes", T0 + DAY + HOUR));
  const cy1 = copyOf(ada1.doc, "cc".repeat(16));
  cy1.vote(commune.vote(cy, "remove-bo", "yes", T0 + DAY + 2 * HOUR));
  const bo1 = copyOf(cy1.doc, "bb".repeat(16));
  bo1.vote(commune.vote(bo, "remove-bo", "no", DECIDED));
  return { commune, before: cy1.doc, decided: bo1.doc };
}

describe("a vote dated before the decision, cast after it", () => {
  it("passes 2-1 and removes Bo when nothing else happens", () => {
    const { commune, decided } = passedTwoToOne();
    const state = judge(commune, decided, LATER);
    expect(state.proposals["remove-bo"]!.tally).toMatchObject({ outcome: "passed", yes: 2, no: 1, decidesAt: DECIDED, late: [] });
    expect(currentStatus(state, bo.publicKey)).toBe("removed");
  });

  it("does not flip the outcome when Cy signs a 'no' dated 1 ms before the decision on a copy that already held it, and says so", () => {
    const { commune, decided } = passedTwoToOne();
    const cy2 = copyOf(decided, "cc".repeat(16) + "01");
    const backdated = commune.vote(cy, "remove-bo", "no", DECIDED - 1);
    cy2.vote(backdated);

    const state = judge(commune, A.merge(A.clone(decided), cy2.doc), LATER);
    expect(state.proposals["remove-bo"]!.tally).toMatchObject({ outcome: "passed", yes: 2, no: 1, late: [backdated.sig] });
    expect(currentStatus(state, bo.publicKey)).toBe("removed");
    expect(state.problems).toContainEqual({
      subject: "vote",
      id: backdated.sig,
      by: cy.publicKey,
      code: "record.late",
      reason:
        "Cy's \"no\" vote, dated 2 January 2026, 02:59 UTC, came too late: Bo's vote of 2 January 2026, 03:00 UTC completed the vote without it, so the earlier vote stands",
    });
  });

  it("does not flip the outcome when Cy writes that vote on an old copy, so that it looks cast offline before the decision", () => {
    const { commune, before, decided } = passedTwoToOne();
    const offline = copyOf(before, "cc".repeat(16) + "02");
    const backdated = commune.vote(cy, "remove-bo", "no", DECIDED - 1);
    offline.vote(backdated);

    const state = judge(commune, A.merge(A.clone(decided), offline.doc), LATER);
    expect(state.proposals["remove-bo"]!.tally).toMatchObject({ outcome: "passed", late: [backdated.sig] });
    expect(currentStatus(state, bo.publicKey)).toBe("removed");
  });

  it("counts an honest change of mind that reached the last voter before the vote was complete", () => {
    const commune = removeBo();
    const ada1 = copyOf(emptyProposals(), "aa".repeat(16));
    ada1.vote(commune.vote(ada, "remove-bo", "yes", T0 + DAY + HOUR));
    const cy1 = copyOf(ada1.doc, "cc".repeat(16));
    cy1.vote(commune.vote(cy, "remove-bo", "yes", T0 + DAY + 2 * HOUR));
    cy1.vote(commune.vote(cy, "remove-bo", "no", T0 + DAY + 2 * HOUR + 1));
    const bo1 = copyOf(cy1.doc, "bb".repeat(16));
    bo1.vote(commune.vote(bo, "remove-bo", "no", DECIDED));

    const state = judge(commune, bo1.doc, LATER);
    expect(state.proposals["remove-bo"]!.tally).toMatchObject({ outcome: "rejected", yes: 1, no: 2, late: [] });
    expect(currentStatus(state, bo.publicKey)).toBe("active");
  });

  it("does not let Bo, whose 'no' completed the vote, slip in a 'yes' dated before everyone else's votes as his first", () => {
    const { commune, decided } = passedTwoToOne();
    const bo2 = copyOf(decided, "bb".repeat(16) + "01");
    const early = commune.vote(bo, "remove-bo", "yes", T0 + DAY + 1);
    bo2.vote(early);

    const state = judge(commune, A.merge(A.clone(decided), bo2.doc), LATER);
    expect(state.proposals["remove-bo"]!.tally).toMatchObject({ outcome: "passed", yes: 2, no: 1, decidesAt: DECIDED, late: [early.sig] });
  });

  it("says a vote's date is false when it is dated well before a vote its author already had, and still lets it change nothing", () => {
    const { commune, decided } = passedTwoToOne();
    const cy2 = copyOf(decided, "cc".repeat(16) + "03");
    const backdated = commune.vote(cy, "remove-bo", "no", T0 + DAY + HOUR / 2);
    cy2.vote(backdated);

    const state = judge(commune, A.merge(A.clone(decided), cy2.doc), LATER);
    expect(state.proposals["remove-bo"]!.tally).toMatchObject({ outcome: "passed", yes: 2, no: 1, late: [backdated.sig] });
    expect(state.problems).toContainEqual({
      subject: "vote",
      id: backdated.sig,
      by: cy.publicKey,
      code: "record.backdated",
      reason: 'Cy\'s "no" vote is dated 2 January 2026, 00:30 UTC, but was written after Bo\'s "no" vote of 2 January 2026, 03:00 UTC',
    });
    // Within the clock difference two honest machines may have, a date is not called false.
    expect(judge(commune, decided, LATER).problems.filter((p) => p.code === "record.backdated")).toEqual([]);
  });

  it("gives the same outcome whatever order the copies are merged in", () => {
    const { commune, before, decided } = passedTwoToOne();
    const offline = copyOf(before, "cc".repeat(16) + "02");
    offline.vote(commune.vote(cy, "remove-bo", "no", DECIDED - 1));
    const one = judge(commune, A.merge(A.clone(decided), offline.doc), LATER);
    const other = judge(commune, A.merge(A.clone(offline.doc), decided), LATER);
    expect(other.proposals).toEqual(one.proposals);
    expect(other.problems).toEqual(one.problems);
  });

  it("lets claimed times decide, as before, when the votes come without their history (a snapshot file)", () => {
    const { commune, decided } = passedTwoToOne();
    copyOf(decided, "cc".repeat(16) + "01").vote(commune.vote(cy, "remove-bo", "no", DECIDED - 1));
    expect(commune.state(LATER).proposals["remove-bo"]!.tally.outcome).toBe("rejected");
  });
});

describe("a proposal signed to close early, decided before the member it removes votes (issue 17)", () => {
  /**
   * Ada proposes removing Bo with `closesEarly`, in a commune where a block
   * does not veto (where it does, Bo could still block, and it waits for
   * him); Ada, then Cy, vote yes, Cy on a copy holding Ada's vote: two of
   * three settle it.
   */
  function settledWithoutBo() {
    const commune = new CommuneBuilder({ rules: { allowBlock: false } });
    commune.join(bo, "Bo", T0 + 1);
    commune.join(cy, "Cy", T0 + 2);
    commune.propose(ada, {
      id: "remove-bo",
      title: "Remove Bo",
      kind: "remove",
      member: bo.publicKey,
      at: T0 + DAY,
      deadline: T0 + 8 * DAY,
      closesEarly: true,
    });
    const ada1 = copyOf(emptyProposals(), "aa".repeat(16));
    ada1.vote(commune.vote(ada, "remove-bo", "yes", T0 + DAY + HOUR));
    const cy1 = copyOf(ada1.doc, "cc".repeat(16));
    cy1.vote(commune.vote(cy, "remove-bo", "yes", T0 + DAY + 2 * HOUR));
    return { commune, decided: cy1.doc };
  }

  it("removes Bo at Cy's vote, without waiting for Bo's", () => {
    const { commune, decided } = settledWithoutBo();
    const state = judge(commune, decided, LATER);
    expect(state.proposals["remove-bo"]!.tally).toMatchObject({ outcome: "passed", yes: 2, voted: 2, decidesAt: T0 + DAY + 2 * HOUR, early: "settled" });
    expect(currentStatus(state, bo.publicKey)).toBe("removed");
  });

  it("does not flip when Ada signs a 'no' dated 1 ms before the decision on a copy that already held it, and says the outcome was settled without it", () => {
    const { commune, decided } = settledWithoutBo();
    const ada2 = copyOf(decided, "aa".repeat(16) + "01");
    const backdated = commune.vote(ada, "remove-bo", "no", T0 + DAY + 2 * HOUR - 1);
    ada2.vote(backdated);

    const state = judge(commune, A.merge(A.clone(decided), ada2.doc), LATER);
    expect(state.proposals["remove-bo"]!.tally).toMatchObject({ outcome: "passed", yes: 2, no: 0, late: [backdated.sig], early: "settled" });
    expect(currentStatus(state, bo.publicKey)).toBe("removed");
    expect(state.problems).toContainEqual({
      subject: "vote",
      id: backdated.sig,
      by: ada.publicKey,
      code: "record.late",
      reason:
        "Ada's \"no\" vote, dated 2 January 2026, 01:59 UTC, came too late: Cy's vote of 2 January 2026, 02:00 UTC settled the outcome without it, so the earlier vote stands",
    });
  });
});
