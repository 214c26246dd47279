import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { sign } from "../identity/signed";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { judgeComment } from "./comment";
import { judgeItem } from "./item";
import { judgeMembershipEvent } from "./membership";
import { judgeProposal } from "./proposal";
import { judgeVote } from "./vote";

const crypto = nobleCrypto();
const ada = testKeys(1);
const bo = testKeys(2);
const cy = testKeys(3);

/** Ada and Bo; one open general proposal by Ada, under rules that do not allow blocking. */
function picnic() {
  const commune = new CommuneBuilder({ rules: { allowBlock: false } });
  commune.join(bo, "Bo", T0 + DAY);
  const proposal = commune.propose(ada, { kind: "general", at: T0 + 2 * DAY, deadline: T0 + 9 * DAY });
  return { commune, proposal };
}

describe("the vote judge", () => {
  it("counts a block under rules without blocking, and the tally counts it as a no", () => {
    const { commune, proposal } = picnic();
    const state = commune.state(T0 + 3 * DAY);
    const target = state.proposals[proposal.id]!;
    const block = sign(crypto, "vote", { commune: commune.id, proposal: proposal.id, at: T0 + 3 * DAY, choice: "block" as const }, bo);
    expect(judgeVote({ state, proposal: target.proposal, electorate: new Set(target.electorate), decidesAt: target.tally.decidesAt }, block)).toBe("counted");

    commune.vote(ada, proposal.id, "yes", T0 + 3 * DAY);
    commune.vote(bo, proposal.id, "block", T0 + 3 * DAY);
    const decided = commune.state(T0 + 4 * DAY);
    expect(decided.proposals[proposal.id]!.tally).toMatchObject({ outcome: "passed", yes: 1, no: 1, block: 0, blocked: false });
    expect(decided.problems).toEqual([]);
  });

  it("counts a vote for the version that counts, and a vote without a version only when that version was seen first", () => {
    const { commune, proposal } = picnic();
    const state = commune.state(T0 + 3 * DAY);
    const target = state.proposals[proposal.id]!;
    const vote = (version?: string) =>
      sign(crypto, "vote", { commune: commune.id, proposal: proposal.id, at: T0 + 3 * DAY, choice: "yes" as const, ...(version ? { version } : {}) }, bo);
    const setting = (firstSeen: boolean) => ({
      state,
      proposal: target.proposal,
      electorate: new Set(target.electorate),
      decidesAt: undefined,
      version: { counting: target.version, firstSeen },
    });
    expect(judgeVote(setting(false), vote(target.version))).toBe("counted");
    expect(judgeVote(setting(true), vote())).toBe("counted");
    expect(judgeVote(setting(false), vote())).toEqual({
      code: "vote.other-version",
      reason: 'Bo\'s vote approves another version of "A proposal" than the one that counts',
    });
    expect(judgeVote(setting(true), vote("f".repeat(64)))).toMatchObject({ code: "vote.other-version" });
  });

  it("refuses, with a code, a vote the replay does not count, and the replay reports it with the same code", () => {
    const { commune, proposal } = picnic();
    commune.join(cy, "Cy", T0 + 3 * DAY);
    const late = commune.vote(cy, proposal.id, "yes", T0 + 4 * DAY);
    const state = commune.state(T0 + 10 * DAY);
    const target = state.proposals[proposal.id]!;
    expect(judgeVote({ state, proposal: target.proposal, electorate: new Set(target.electorate), decidesAt: target.tally.decidesAt }, late)).toEqual({
      code: "vote.not-in-electorate",
      reason: 'Cy was not a member when "A proposal" was proposed',
    });
    expect(state.problems).toContainEqual(expect.objectContaining({ subject: "vote", id: late.sig, code: "vote.not-in-electorate" }));
    expect(judgeVote(undefined, late)).toMatchObject({ code: "vote.no-proposal" });
  });
});

describe("the comment judge", () => {
  const comment = (keys: typeof ada, commune: CommuneBuilder, proposal: string, at: number) =>
    sign(crypto, "comment", { commune: commune.id, proposal, id: `c${at}`, at, text: "Bring cake" }, keys);

  it("counts a comment by an active member on a proposal, open or decided", () => {
    const { commune, proposal } = picnic();
    expect(judgeComment(crypto, commune.state(T0 + 3 * DAY), comment(bo, commune, proposal.id, T0 + 3 * DAY))).toBe("counted");
    expect(judgeComment(crypto, commune.state(T0 + 20 * DAY), comment(bo, commune, proposal.id, T0 + 19 * DAY))).toBe("counted");
  });

  it("refuses, with a code, a comment by a non-member, on no proposal, before the proposal, or altered", () => {
    const { commune, proposal } = picnic();
    const state = commune.state(T0 + 3 * DAY);
    expect(judgeComment(crypto, state, comment(cy, commune, proposal.id, T0 + 3 * DAY))).toMatchObject({ code: "comment.author-not-active" });
    expect(judgeComment(crypto, state, comment(bo, commune, "nothing", T0 + 3 * DAY))).toMatchObject({ code: "comment.no-proposal" });
    expect(judgeComment(crypto, state, comment(bo, commune, proposal.id, T0 + DAY + 1))).toEqual({
      code: "comment.before-proposal",
      reason: 'Bo\'s comment is dated before "A proposal" was proposed',
    });
    const altered = { ...comment(bo, commune, proposal.id, T0 + 3 * DAY), text: "Bring nothing" };
    expect(judgeComment(crypto, state, altered)).toMatchObject({ code: "comment.bad-signature" });
  });
});

describe("the proposal judge", () => {
  it("refuses a proposal by someone who was not an active member then", () => {
    const commune = new CommuneBuilder();
    const state = commune.state(T0 + DAY);
    const proposal = sign(
      crypto,
      "proposal",
      { commune: commune.id, kind: "general" as const, id: "p9", at: T0 + DAY, deadline: T0 + 2 * DAY, title: "Hi", body: "" },
      cy,
    );
    expect(judgeProposal(state, proposal)).toEqual({
      code: "proposal.author-not-active",
      reason: `${cy.publicKey.slice(0, 8)} was not a member of the commune at 2 January 2026, 00:00 UTC`,
    });
  });
});

describe("the membership judge", () => {
  it("refuses an admit when the rules require an admit proposal", () => {
    const commune = new CommuneBuilder({ rules: { admission: "proposal" } });
    const state = commune.state(T0 + DAY);
    const admit = commune.event(ada, { type: "admit", at: T0 + DAY, member: bo.publicKey, name: "Bo" });
    expect(judgeMembershipEvent({ verifier: crypto, state, id: commune.id, usedInvites: new Set() }, admit)).toEqual({
      code: "admit.needs-proposal",
      reason: "Ada could not admit Bo: the rules require an admit proposal",
    });
  });
});

describe("the item judge", () => {
  it("refuses a version filed under another item's id", () => {
    const commune = new CommuneBuilder();
    const state = commune.state(T0 + DAY);
    const item = sign(crypto, "item", { commune: commune.id, id: "i1", version: 1, at: T0 + DAY, title: "Seeds", body: "", tags: [] }, ada);
    expect(judgeItem(crypto, state, item, "i1")).toBe("counted");
    expect(judgeItem(crypto, state, item, "i2")).toMatchObject({ code: "item.misfiled" });
  });
});
