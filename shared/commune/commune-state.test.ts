import { describe, expect, it } from "vitest";
import { sign } from "../identity/signed";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { communeState } from "./commune-state";
import { currentStatus, isActiveAt, rulesAt } from "./state";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const ada = testKeys(1);
const bo = testKeys(2);
const cy = testKeys(3);
const mallory = testKeys(66);

const reasons = (state: { problems: { reason: string }[] }) => state.problems.map((p) => p.reason).join("\n");

describe("founding", () => {
  it("makes the founder the first active member under the founding rules", () => {
    const commune = new CommuneBuilder();
    const state = commune.state(T0 + DAY);
    expect(state.name).toBe("Riverside");
    expect(state.founder).toBe(ada.publicKey);
    expect(currentStatus(state, ada.publicKey)).toBe("active");
    expect(state.members[ada.publicKey]!.name).toBe("Ada");
    expect(rulesAt(state, T0).quorumPercent).toBe(50);
  });

  it("refuses a founding record that was altered after signing", () => {
    const commune = new CommuneBuilder();
    const result = communeState(crypto, { ...commune, genesis: { ...commune.genesis, name: "Hijacked" }, events: [], proposals: [], votes: [] }, T0);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ message: "The commune's founding record is not validly signed by its founder." }) });
  });

  it("refuses a document whose founding record is not the commune the invite names", () => {
    const commune = new CommuneBuilder();
    const other = new CommuneBuilder({ name: "Other" });
    const result = communeState(crypto, { genesis: other.genesis, events: [], proposals: [], votes: [] }, T0, commune.id);
    expect(result.ok).toBe(false);
  });
});

describe("admission", () => {
  it("admits the holder of a valid invite directly when the rules allow", () => {
    const commune = new CommuneBuilder();
    commune.join(bo, "Bo", T0 + DAY);
    const state = commune.state(T0 + 2 * DAY);
    expect(isActiveAt(state, bo.publicKey, T0 + DAY)).toBe(true);
    expect(isActiveAt(state, bo.publicKey, T0 + DAY - 1)).toBe(false);
    expect(state.members[bo.publicKey]!.history[0]!.why).toBe("joined with an invite from Ada");
  });

  it("makes an invite holder an applicant until an admit proposal passes when the rules say so", () => {
    const commune = new CommuneBuilder({ rules: { admission: "proposal" } });
    commune.join(bo, "Bo", T0 + DAY);
    expect(currentStatus(commune.state(T0 + DAY), bo.publicKey)).toBe("applicant");
    commune.propose(ada, { kind: "admit", member: bo.publicKey, name: "Bo", at: T0 + DAY, deadline: T0 + 3 * DAY });
    commune.vote(ada, "p1", "yes", T0 + DAY + 10);
    const state = commune.state(T0 + 4 * DAY);
    expect(currentStatus(state, bo.publicKey)).toBe("active");
    expect(isActiveAt(state, bo.publicKey, T0 + DAY + 10)).toBe(true);
    expect(state.members[bo.publicKey]!.history.at(-1)!.why).toBe('admitted by proposal "A proposal"');
  });

  it.each([
    [
      "an expired invite",
      (c: CommuneBuilder) => c.event(bo, { type: "join", at: T0 + 9 * DAY, name: "Bo", invite: c.invite(ada, T0, T0 + DAY) }),
      "the invite expired on 2026-01-02",
    ],
    ["an invite from a non-member", (c: CommuneBuilder) => c.join(bo, "Bo", T0 + DAY, mallory), "whoever signed the invite was not an active member then"],
    [
      "an invite altered after signing",
      (c: CommuneBuilder) => c.event(bo, { type: "join", at: T0 + DAY, name: "Bo", invite: { ...c.invite(ada, T0), expiresAt: T0 + 999 * DAY } }),
      "the invite is not validly signed",
    ],
    [
      "an invite used twice",
      (c: CommuneBuilder) => {
        const invite = c.invite(ada, T0);
        c.event(cy, { type: "join", at: T0 + 1, name: "Cy", invite });
        c.event(bo, { type: "join", at: T0 + 2, name: "Bo", invite });
      },
      "the invite was already used",
    ],
  ])("refuses a join with %s and says why", (_, act, reason) => {
    const commune = new CommuneBuilder();
    act(commune);
    const state = commune.state(T0 + 10 * DAY);
    expect(currentStatus(state, bo.publicKey)).toBeUndefined();
    expect(reasons(state)).toContain(reason);
  });

  it("ignores a membership record signed for another commune", () => {
    const commune = new CommuneBuilder();
    const other = new CommuneBuilder({ name: "Elsewhere" });
    const join = other.join(bo, "Bo", T0 + DAY);
    commune.events.push(join);
    const state = commune.state(T0 + 2 * DAY);
    expect(currentStatus(state, bo.publicKey)).toBeUndefined();
    expect(reasons(state)).toContain("belongs to another commune");
  });

  it("lets a member leave, after which they are no longer active", () => {
    const commune = new CommuneBuilder();
    commune.join(bo, "Bo", T0 + DAY);
    commune.event(bo, { type: "leave", at: T0 + 5 * DAY });
    const state = commune.state(T0 + 6 * DAY);
    expect(currentStatus(state, bo.publicKey)).toBe("left");
    expect(isActiveAt(state, bo.publicKey, T0 + 4 * DAY)).toBe(true);
  });

  it("lets nobody else sign a member's leaving", () => {
    const commune = new CommuneBuilder();
    commune.join(bo, "Bo", T0 + DAY);
    const forged = sign(crypto, "membership", { type: "leave" as const, at: T0 + 2 * DAY, commune: commune.id }, ada);
    commune.events.push({ ...forged, by: bo.publicKey });
    const state = commune.state(T0 + 3 * DAY);
    expect(currentStatus(state, bo.publicKey)).toBe("active");
    expect(reasons(state)).toContain("altered after signing");
  });
});

describe("removal and rule changes by proposal", () => {
  it("removes a member when a remove proposal passes, from the moment it is decided", () => {
    const commune = new CommuneBuilder();
    commune.join(bo, "Bo", T0 + DAY);
    commune.join(cy, "Cy", T0 + DAY + 1);
    commune.propose(ada, { kind: "remove", member: cy.publicKey, at: T0 + 2 * DAY, deadline: T0 + 4 * DAY });
    commune.vote(ada, "p1", "yes", T0 + 2 * DAY + 1);
    commune.vote(bo, "p1", "yes", T0 + 2 * DAY + 2);
    // Cy's own vote completes the electorate, which settles the decision at that moment.
    commune.vote(cy, "p1", "no", T0 + 2 * DAY + 3);
    const state = commune.state(T0 + 5 * DAY);
    expect(state.proposals.p1!.tally.outcome).toBe("passed");
    expect(isActiveAt(state, cy.publicKey, T0 + 2 * DAY + 2)).toBe(true);
    expect(currentStatus(state, cy.publicKey)).toBe("removed");
    expect(state.members[cy.publicKey]!.history.at(-1)!.at).toBe(T0 + 2 * DAY + 3);
  });

  it("does not count the votes of a member removed before they voted", () => {
    const commune = new CommuneBuilder();
    commune.join(bo, "Bo", T0 + DAY);
    commune.join(cy, "Cy", T0 + DAY + 1);
    // Proposal 1 (about rules) is open for a week; Cy is removed in the meantime.
    commune.propose(ada, { kind: "rule", change: { thresholdPercent: 90 }, at: T0 + 2 * DAY, deadline: T0 + 9 * DAY });
    commune.propose(ada, { kind: "remove", member: cy.publicKey, at: T0 + 2 * DAY, deadline: T0 + 3 * DAY });
    commune.vote(ada, "p2", "yes", T0 + 2 * DAY + 1);
    commune.vote(bo, "p2", "yes", T0 + 2 * DAY + 1);
    commune.vote(cy, "p1", "yes", T0 + 5 * DAY);
    const state = commune.state(T0 + 10 * DAY);
    expect(currentStatus(state, cy.publicKey)).toBe("removed");
    expect(state.proposals.p1!.tally.voted).toBe(0);
    expect(state.proposals.p1!.tally.outcome).toBe("expired");
    expect(reasons(state)).toContain('Cy was not an active member at 6 January 2026, 00:00 UTC: removed by proposal "A proposal" at 4 January 2026, 00:00 UTC');
  });

  it("changes the rules from the moment a rule proposal passes", () => {
    const commune = new CommuneBuilder();
    commune.propose(ada, { kind: "rule", change: { spendLimit: { EUR: 100 } }, at: T0 + DAY, deadline: T0 + 2 * DAY });
    commune.vote(ada, "p1", "yes", T0 + DAY + 5);
    const state = commune.state(T0 + 3 * DAY);
    expect(rulesAt(state, T0 + DAY + 4).spendLimit.EUR).toBe(5000);
    expect(rulesAt(state, T0 + DAY + 5).spendLimit.EUR).toBe(100);
  });

  it("refuses a proposal made by someone who is not a member", () => {
    const commune = new CommuneBuilder();
    commune.propose(mallory, { kind: "general", at: T0 + DAY, deadline: T0 + 2 * DAY });
    const state = commune.state(T0 + 3 * DAY);
    expect(state.proposals.p1).toBeUndefined();
    expect(reasons(state)).toContain("was not a member of the commune");
  });

  it("counts a forged vote for nothing and reports it", () => {
    const commune = new CommuneBuilder();
    commune.join(bo, "Bo", T0 + DAY);
    commune.propose(ada, { kind: "general", at: T0 + 2 * DAY, deadline: T0 + 3 * DAY });
    const vote = commune.vote(bo, "p1", "no", T0 + 2 * DAY + 1);
    vote.choice = "yes";
    commune.vote(mallory, "p1", "yes", T0 + 2 * DAY + 1);
    const state = commune.state(T0 + 4 * DAY);
    expect(state.proposals.p1!.tally.yes).toBe(0);
    expect(state.problems.filter((p) => p.subject === "vote")).toHaveLength(2);
  });
});
