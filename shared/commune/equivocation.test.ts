import { describe, expect, it } from "vitest";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { proposalVersion } from "../proposals/version";
import { currentStatus } from "./state";
import type { SignedProposal } from "../proposals/proposal";

const ada = testKeys(1);
const bo = testKeys(2);
const cy = testKeys(3);

/** Ada, Bo and Cy are members; Ada proposes paying the roofer 100.00 EUR. */
function roofCommune() {
  const commune = new CommuneBuilder();
  commune.join(bo, "Bo", T0 + 1);
  commune.join(cy, "Cy", T0 + 2);
  const roof = commune.propose(ada, {
    id: "roof",
    title: "Fix the roof",
    kind: "spend",
    amount: 100_00,
    currency: "EUR",
    payee: { outside: "Roofer" },
    at: T0 + DAY,
    deadline: T0 + 8 * DAY,
  });
  return { commune, roof, version: proposalVersion(roof) };
}

/** Ada re-signs the proposal under the same id: 900.00 EUR to herself. */
function resign(commune: CommuneBuilder, roof: SignedProposal): SignedProposal {
  const { sig: _sig, by: _by, ...fields } = roof;
  return commune.propose(ada, { ...fields, amount: 900_00, payee: { member: ada.publicKey } } as Parameters<CommuneBuilder["propose"]>[1]);
}

describe("a proposal re-signed after the votes", () => {
  it("keeps the version the votes signed, passes with it, and names the author of the other", () => {
    const { commune, roof, version } = roofCommune();
    commune.vote(bo, "roof", "yes", T0 + DAY + 1, version);
    commune.vote(cy, "roof", "yes", T0 + DAY + 2, version);
    const greedy = resign(commune, roof);

    const state = commune.state(T0 + 10 * DAY);
    const counted = state.proposals.roof!;
    expect(counted.proposal).toEqual(roof);
    expect(counted.version).toBe(version);
    expect(counted.tally.outcome).toBe("passed");
    expect(counted.versions.map((known) => known.proposal)).toEqual([roof, greedy]);
    expect(state.problems).toContainEqual({
      subject: "proposal",
      id: "roof",
      by: ada.publicKey,
      code: "record.equivocation",
      reason: `Ada signed two versions of proposal "Fix the roof" (amount: 10000 → 90000, payee: {"outside":"Roofer"} → {"member":"${ada.publicKey}"}); the first-seen version, which its votes approve, counts`,
    });
  });

  it("keeps the voted version even when the re-signed one arrives first", () => {
    const { commune, roof, version } = roofCommune();
    const greedy = resign(commune, roof);
    commune.proposals = [greedy, roof];
    commune.vote(bo, "roof", "yes", T0 + DAY + 1, version);
    commune.vote(cy, "roof", "yes", T0 + DAY + 2, version);
    commune.vote(ada, "roof", "yes", T0 + DAY + 3, proposalVersion(greedy));

    const state = commune.state(T0 + 10 * DAY);
    expect(state.proposals.roof!.proposal).toEqual(roof);
    expect(state.problems.find((problem) => problem.code === "record.equivocation")?.reason).toMatch(/; the version its votes approve counts$/);
    expect(state.problems).toContainEqual(
      expect.objectContaining({
        subject: "vote",
        by: ada.publicKey,
        code: "vote.other-version",
        reason: `Ada's vote approves another version of "Fix the roof" than the one that counts`,
      }),
    );
  });

  it("does not let the old yes votes follow the new version", () => {
    const { commune, roof } = roofCommune();
    const greedy = resign(commune, roof);
    // The author votes for her version alone; the others voted for the first.
    commune.vote(ada, "roof", "yes", T0 + DAY + 1, proposalVersion(greedy));
    commune.vote(bo, "roof", "no", T0 + DAY + 2, proposalVersion(roof));
    commune.vote(cy, "roof", "no", T0 + DAY + 3, proposalVersion(roof));

    const state = commune.state(T0 + 10 * DAY);
    expect(state.proposals.roof!.proposal).toEqual(roof);
    expect(state.proposals.roof!.tally).toMatchObject({ outcome: "rejected", yes: 0, no: 2 });
  });

  it("counts votes written before votes named versions for the first-seen version", () => {
    const { commune, roof } = roofCommune();
    commune.vote(bo, "roof", "yes", T0 + DAY + 1);
    commune.vote(cy, "roof", "yes", T0 + DAY + 2);
    resign(commune, roof);

    const state = commune.state(T0 + 10 * DAY);
    expect(state.proposals.roof!.proposal).toEqual(roof);
    expect(state.proposals.roof!.tally).toMatchObject({ outcome: "passed", yes: 2 });
  });

  it("goes to the first-seen version when no one has voted", () => {
    const { commune, roof } = roofCommune();
    const greedy = resign(commune, roof);
    commune.proposals = [greedy, roof];
    expect(commune.state(T0 + 2 * DAY).proposals.roof!.proposal).toEqual(greedy);
  });

  it("treats a copy of the same signed fields as one version, and reads a proposal with one version as before", () => {
    const { commune, roof, version } = roofCommune();
    commune.proposals.push({ ...roof });
    commune.vote(bo, "roof", "yes", T0 + DAY + 1, version);
    const state = commune.state(T0 + 2 * DAY);
    expect(state.proposals.roof!.versions).toHaveLength(1);
    expect(state.problems.filter((problem) => problem.code === "record.equivocation")).toEqual([]);
  });

  it("refuses a vote naming a version no one signed", () => {
    const { commune } = roofCommune();
    commune.vote(bo, "roof", "yes", T0 + DAY + 1, "0".repeat(64));
    const state = commune.state(T0 + 10 * DAY);
    expect(state.proposals.roof!.tally.yes).toBe(0);
    expect(state.problems).toContainEqual(expect.objectContaining({ subject: "vote", by: bo.publicKey, code: "vote.other-version" }));
  });

  it("keeps a removal the votes approved when its author re-signs it to remove someone else", () => {
    const commune = new CommuneBuilder();
    commune.join(bo, "Bo", T0 + 1);
    commune.join(cy, "Cy", T0 + 2);
    const remove = commune.propose(bo, { id: "out", kind: "remove", member: cy.publicKey, at: T0 + DAY, deadline: T0 + 8 * DAY });
    commune.vote(ada, "out", "yes", T0 + DAY + 1, proposalVersion(remove));
    commune.vote(bo, "out", "yes", T0 + DAY + 2, proposalVersion(remove));
    commune.propose(bo, { id: "out", kind: "remove", member: ada.publicKey, at: T0 + DAY, deadline: T0 + 8 * DAY });

    const state = commune.state(T0 + 10 * DAY);
    expect(currentStatus(state, cy.publicKey)).toBe("removed");
    expect(currentStatus(state, ada.publicKey)).toBe("active");
  });
});
