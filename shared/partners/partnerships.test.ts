import { describe, expect, it } from "vitest";
import { itemSchema, proposalSchema } from "../docs/records";
import { judgeProposal } from "../judges/proposal";
import { nobleCrypto } from "../identity/crypto";
import { sodiumPrivacyCrypto } from "../privacy/crypto";
import { processProblem } from "../proposals/processes/process";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { createPartnerAnswer, readPartnerText } from "./answer";
import { makeGrant } from "./grant";
import { communeBoxKeyOf } from "./keys";
import { createPartnerOffer, readPartnerOffer, type PartnerOffer } from "./offer";
import { partnershipsOf, partnershipWith } from "./partnerships";
import { sharedWithPartner } from "./sharing";
import { makeEnd, type SharedDoc } from "./shared-doc";
import { makeRoster } from "./roster";
import { verifiedShared } from "./verify-shared";
import { sign } from "../identity/signed";

/**
 * Issue 14, step 3 (docs/partners.md): Hillside decides to partner with
 * Riverside by a `partner` proposal carrying Riverside's offer, and ends it
 * by `partner-end`; Riverside's answer carries its grant. What counts is
 * decided by the passed proposals every member replays.
 */
const privacy = await sodiumPrivacyCrypto();
const crypto = nobleCrypto();
const [ada, bo, hana] = [testKeys(1), testKeys(2), testKeys(11)];
const riverside = "a".repeat(32);
const epoch = "e".repeat(64);

function riversideOffer(at = T0): PartnerOffer {
  const text = createPartnerOffer(
    crypto,
    {
      commune: riverside,
      name: "Riverside",
      relays: ["ws://127.0.0.1:4000"],
      epoch,
      box: communeBoxKeyOf(privacy, crypto, privacy.randomKey()).publicKey,
      at,
      expiresAt: at + 14 * DAY,
    },
    ada,
  );
  const read = readPartnerOffer(crypto, text, at, "0".repeat(32));
  if (!read.ok) throw new Error(read.error.message);
  return read.value;
}

/** Hillside: Hana founds, Bo joins; both vote on what Hana proposes. */
function hillside() {
  const commune = new CommuneBuilder({ founder: hana, name: "Hillside" });
  commune.join(bo, "Bo", T0 + DAY);
  return commune;
}

function pass(commune: CommuneBuilder, proposal: { id: string }, at: number) {
  commune.vote(hana, proposal.id, "yes", at);
  commune.vote(bo, proposal.id, "yes", at);
}

function grantFromRiverside(partner: string, signer = ada) {
  const made = makeGrant(privacy, crypto, {
    commune: riverside,
    partner,
    epoch,
    partnerBox: communeBoxKeyOf(privacy, crypto, privacy.randomKey()).publicKey,
    ourBox: communeBoxKeyOf(privacy, crypto, privacy.randomKey()).publicKey,
    shareKey: privacy.randomKey(),
    author: signer,
    at: T0,
  });
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}

describe("a partner proposal", () => {
  it("is agreed once passed, and ended once a partner-end proposal passes after it", () => {
    const commune = hillside();
    const offer = riversideOffer();
    const partner = commune.propose(hana, { kind: "partner", offer, at: T0 + 2 * DAY, deadline: T0 + 9 * DAY, closesEarly: true });
    expect(partnershipsOf(commune.state(T0 + 2 * DAY))).toEqual([]);
    pass(commune, partner, T0 + 3 * DAY);
    expect(partnershipsOf(commune.state(T0 + 4 * DAY))).toEqual([
      expect.objectContaining({ partner: riverside, name: "Riverside", status: "agreed", proposal: partner.id, offer }),
    ]);

    const end = commune.propose(bo, {
      kind: "partner-end",
      partner: riverside,
      name: "Riverside",
      at: T0 + 5 * DAY,
      deadline: T0 + 12 * DAY,
      closesEarly: true,
    });
    pass(commune, end, T0 + 6 * DAY);
    expect(partnershipWith(commune.state(T0 + 7 * DAY), riverside)).toMatchObject({ status: "ended", proposal: end.id, offer });
  });

  it("decides nothing while open or when rejected, and an end of a partnership never agreed ends nothing", () => {
    const commune = hillside();
    const partner = commune.propose(hana, { kind: "partner", offer: riversideOffer(), at: T0 + 2 * DAY, deadline: T0 + 9 * DAY, closesEarly: true });
    commune.vote(hana, partner.id, "no", T0 + 3 * DAY);
    commune.vote(bo, partner.id, "no", T0 + 3 * DAY);
    const end = commune.propose(hana, {
      kind: "partner-end",
      partner: riverside,
      name: "Riverside",
      at: T0 + 4 * DAY,
      deadline: T0 + 9 * DAY,
      closesEarly: true,
    });
    pass(commune, end, T0 + 5 * DAY);
    const state = commune.state(T0 + 6 * DAY);
    expect(state.proposals[partner.id]!.tally.outcome).toBe("rejected");
    expect(partnershipsOf(state)).toEqual([]);
  });

  it("keeps the grant an earlier passed proposal carried when a later one carries only a fresh offer", () => {
    const commune = hillside();
    const grant = grantFromRiverside(commune.id);
    const doc = "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ";
    const first = commune.propose(hana, {
      kind: "partner",
      offer: riversideOffer(),
      answer: { grant, doc },
      at: T0 + 2 * DAY,
      deadline: T0 + 9 * DAY,
      closesEarly: true,
    });
    pass(commune, first, T0 + 3 * DAY);
    const again = commune.propose(hana, { kind: "partner", offer: riversideOffer(T0 + 4 * DAY), at: T0 + 4 * DAY, deadline: T0 + 9 * DAY, closesEarly: true });
    pass(commune, again, T0 + 5 * DAY);
    expect(partnershipWith(commune.state(T0 + 6 * DAY), riverside)).toMatchObject({ status: "agreed", proposal: again.id, answer: { grant, doc } });
  });

  it("is refused by the proposal judge with a reason when it names the commune itself or carries a grant between other communes", () => {
    const commune = hillside();
    const own = { ...riversideOffer(), commune: commune.id };
    const toItself = commune.propose(hana, { kind: "partner", offer: own, at: T0 + 2 * DAY, deadline: T0 + 9 * DAY });
    const state = commune.state(T0 + 2 * DAY);
    expect(judgeProposal(state, toItself)).toEqual({ code: "proposal.invalid", reason: "A commune cannot partner with itself" });

    const elsewhere = grantFromRiverside("c".repeat(32));
    const misdirected = commune.propose(hana, {
      kind: "partner",
      offer: riversideOffer(),
      answer: { grant: elsewhere, doc: "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ" },
      at: T0 + 2 * DAY,
      deadline: T0 + 9 * DAY,
    });
    expect(judgeProposal(state, misdirected)).toEqual({ code: "proposal.invalid", reason: "The grant carried is to another commune" });
    const endItself = commune.propose(hana, { kind: "partner-end", partner: commune.id, name: "Hillside", at: T0 + 2 * DAY, deadline: T0 + 9 * DAY });
    expect(judgeProposal(state, endItself)).toEqual({ code: "proposal.invalid", reason: "A commune cannot end a partnership with itself" });
  });

  it("reads from a document only with the offer whole: an offer with a field added is malformed", () => {
    const commune = hillside();
    const offer = riversideOffer();
    const proposal = commune.propose(hana, { kind: "partner", offer, at: T0 + 2 * DAY, deadline: T0 + 9 * DAY });
    expect(proposalSchema.safeParse(proposal).success).toBe(true);
    expect(proposalSchema.safeParse({ ...proposal, offer: { ...offer, admin: true } }).success).toBe(false);
    expect(proposalSchema.safeParse({ ...proposal, kind: "partner-end" }).success).toBe(false);
  });

  it("may be decided by consent but not by one member's advice or a poll", () => {
    expect(processProblem("partner", { kind: "consent" })).toBeUndefined();
    expect(processProblem("partner-end", { kind: "advice" })).toBe(
      "An advice process can decide only a general or a spend proposal, not a partner-end proposal",
    );
  });
});

describe("a partner answer pasted in Riverside's partner commune", () => {
  const hillsideId = "b".repeat(32);
  const doc = "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ";

  it("reads back Riverside's offer, its grant to us and where its shared document is", () => {
    const offer = riversideOffer();
    const grant = grantFromRiverside(hillsideId);
    expect(readPartnerText(crypto, createPartnerAnswer(offer, { grant, doc }), T0, hillsideId)).toEqual({ ok: true, value: { offer, answer: { grant, doc } } });
    expect(readPartnerText(crypto, createPartnerOffer(crypto, { ...offer, at: T0 }, ada), T0, hillsideId)).toMatchObject({
      ok: true,
      value: { offer: { commune: riverside } },
    });
  });

  it.each([
    ["a grant to another commune", () => createPartnerAnswer(riversideOffer(), { grant: grantFromRiverside("c".repeat(32)), doc }), "answer.notForUs"],
    [
      "a grant signed by another member than the offer",
      () => createPartnerAnswer(riversideOffer(), { grant: grantFromRiverside(hillsideId, bo), doc }),
      "answer.mixed",
    ],
    [
      "a grant altered after signing",
      () => createPartnerAnswer(riversideOffer(), { grant: { ...grantFromRiverside(hillsideId), at: T0 + 1 }, doc }),
      "offer.altered",
    ],
    ["an expired offer", () => createPartnerAnswer(riversideOffer(T0 - 30 * DAY), { grant: grantFromRiverside(hillsideId), doc }), "offer.expired"],
    ["a damaged answer", () => createPartnerAnswer(riversideOffer(), { grant: grantFromRiverside(hillsideId), doc }).slice(0, 200), "offer.damaged"],
  ])("refuses %s with a reason", (_what, text, code) => {
    const read = readPartnerText(crypto, text(), T0, hillsideId);
    expect(read).toMatchObject({ ok: false, error: { code, field: "offer" } });
    if (!read.ok) expect(read.error.message.length).toBeGreaterThan(20);
  });
});

describe("what of our inventory a partner is given", () => {
  const hillsideId = "b".repeat(32);
  const other = "c".repeat(32);

  it("is an item shared with all partners or with that one, and offers and needs that say nothing; knowledge that says nothing stays ours", () => {
    expect(sharedWithPartner({ sharedWith: "partners" }, hillsideId)).toBe(true);
    expect(sharedWithPartner({ sharedWith: [other, hillsideId] }, hillsideId)).toBe(true);
    expect(sharedWithPartner({ sharedWith: [other] }, hillsideId)).toBe(false);
    expect(sharedWithPartner({ kind: "offer", sharedWith: "commune" }, hillsideId)).toBe(false);
    expect(sharedWithPartner({ kind: "need" }, hillsideId)).toBe(true);
    expect(sharedWithPartner({}, hillsideId)).toBe(false);
  });

  it("is signed into the item: a sharing that names no commune is malformed", () => {
    const item = { commune: riverside, id: "i1", version: 1, at: T0, title: "Bread", body: "", tags: [], by: ada.publicKey, sig: "0".repeat(128) };
    expect(itemSchema.safeParse({ ...item, sharedWith: [hillsideId] }).success).toBe(true);
    expect(itemSchema.safeParse({ ...item, sharedWith: "everyone" }).success).toBe(false);
    expect(itemSchema.safeParse({ ...item, sharedWith: [] }).success).toBe(false);
    expect(itemSchema.safeParse({ ...item, sharedWith: ["Hillside"] }).success).toBe(false);
  });
});

describe("what Hillside counts of the document Riverside shares with it", () => {
  const hillsideId = "b".repeat(32);
  const item = (author: typeof ada, title: string, at: number, version = 1) =>
    sign(crypto, "item", { commune: riverside, id: `i-${title.length}`, version, at, title, body: "", tags: [] }, author);
  const roster = makeRoster(crypto, { commune: riverside, epoch, previous: null, members: [{ key: ada.publicKey }], author: ada, at: T0 + DAY });
  const shared = (items: ReturnType<typeof item>[], ends: SharedDoc["ends"] = []): SharedDoc => ({
    schema: 1,
    type: "shared",
    commune: riverside,
    partner: hillsideId,
    grants: [],
    rosters: [roster],
    items: Object.fromEntries(items.map((version) => [version.id, [version]])),
    exchanges: [],
    declines: [],
    ends,
    moves: [],
  });
  const context = { partner: riverside, anchors: [ada.publicKey], now: T0 + 10 * DAY };

  it("counts an item signed by a key on the roster, also one written before the first roster, and an end record so signed", () => {
    const end = makeEnd(crypto, { commune: riverside, partner: hillsideId, proposal: "p9", at: T0 + 3 * DAY, author: ada });
    const read = verifiedShared(crypto, shared([item(ada, "Sourdough", T0), item(ada, "Lend a ladder", T0 + 2 * DAY)], [end]), context);
    expect(read.items.map(({ item: { title }, verified }) => ({ title, verified }))).toEqual([
      { title: "Lend a ladder", verified: true },
      { title: "Sourdough", verified: true },
    ]);
    expect(read).toMatchObject({ ended: true, problems: [] });
  });

  it("shows an item by a key not on the roster, or altered, as not verifying, and an end by a stranger ends nothing", () => {
    const stranger = testKeys(40);
    const altered = { ...item(ada, "Seeds", T0 + 2 * DAY), title: "Seeds, free" };
    const end = makeEnd(crypto, { commune: riverside, partner: hillsideId, proposal: "p9", at: T0 + 3 * DAY, author: stranger });
    const read = verifiedShared(crypto, shared([item(stranger, "Forged offer", T0 + 2 * DAY), altered], [end]), context);
    expect(read.items.map(({ verified }) => verified)).toEqual([false, false]);
    expect(read.ended).toBe(false);
    expect(read.problems).toHaveLength(2);
    // A document that says it is another commune's counts for nothing.
    expect(verifiedShared(crypto, { ...shared([item(ada, "Sourdough", T0)]), commune: hillsideId }, context).items).toEqual([]);
  });
});
