import { base64 } from "@scure/base";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { sign } from "../identity/signed";
import { sodiumPrivacyCrypto, type PrivacyCrypto } from "../privacy/crypto";
import { testKeys } from "../testing/commune-builder";
import { makeGrant, openGrant, type GrantRecord } from "./grant";
import { communeBoxKeyOf, shareKeysOf } from "./keys";
import { makeRoster, onRosterAt, rosterChain, rosterId, type RosterRecord } from "./roster";
import { followedMove, makeMoved } from "./shared-doc";

/**
 * Issue 14, step 2 (docs/partners.md): the keys, grants and rosters of a
 * partnership between Riverside and Hillside, tried as each party that
 * holds them would try: the partner, a member of Hillside removed since,
 * the relay's operator, and a member who writes a roster of their own.
 */
const privacy: PrivacyCrypto = await sodiumPrivacyCrypto();
const crypto = nobleCrypto();
const [ada, bo, cy, hana, hugo] = [testKeys(1), testKeys(2), testKeys(3), testKeys(11), testKeys(12)];
const riverside = "a".repeat(32);
const hillside = "b".repeat(32);
const epochId = (n: number) => n.toString(16).padStart(64, "0");

/** Each commune's current epoch key and the box key it derives. */
const riversideEpoch = privacy.randomKey();
const hillsideEpoch = privacy.randomKey();
const riversideBox = communeBoxKeyOf(privacy, crypto, riversideEpoch);
const hillsideBox = communeBoxKeyOf(privacy, crypto, hillsideEpoch);

function grantToHillside(overrides: Partial<Parameters<typeof makeGrant>[2]> = {}) {
  const shareKey = privacy.randomKey();
  const made = makeGrant(privacy, crypto, {
    commune: riverside,
    partner: hillside,
    epoch: epochId(1),
    partnerBox: hillsideBox.publicKey,
    ourBox: riversideBox.publicKey,
    shareKey,
    author: ada,
    at: 1_000,
    ...overrides,
  });
  if (!made.ok) throw new Error(made.error.message);
  return { grant: made.value, shareKey };
}

describe("a grant of what Riverside shares with Hillside", () => {
  it("opens for Hillside's members and for Riverside's own, to the same keys, whose admission the relay is told", () => {
    const { grant, shareKey } = grantToHillside();
    const atHillside = openGrant(privacy, crypto, crypto, grant, { commune: hillside, box: hillsideBox });
    const atRiverside = openGrant(privacy, crypto, crypto, grant, { commune: riverside, box: riversideBox });
    expect(atHillside.ok && atRiverside.ok).toBe(true);
    if (!atHillside.ok || !atRiverside.ok) return;
    expect(atHillside.value.shareKey).toEqual(shareKey);
    expect(atRiverside.value.dataKey).toEqual(atHillside.value.dataKey);
    expect(grant.admission).toBe(shareKeysOf(privacy, crypto, shareKey).admission.publicKey);
    // What the relay and anyone else reads of it: no key in the clear.
    expect(JSON.stringify(grant)).not.toContain(base64.encode(shareKey));
  });

  it("is refused to a member of Hillside removed before Hillside's current epoch (an older box key)", () => {
    const { grant } = grantToHillside();
    const olderBox = communeBoxKeyOf(privacy, crypto, privacy.randomKey());
    expect(openGrant(privacy, crypto, crypto, grant, { commune: hillside, box: olderBox })).toMatchObject({ ok: false, error: { code: "grant.otherBoxKey" } });
  });

  it("is refused to a third commune, when altered, when swapped, and when it is not a grant at all", () => {
    const { grant } = grantToHillside();
    const other = communeBoxKeyOf(privacy, crypto, privacy.randomKey());
    expect(openGrant(privacy, crypto, crypto, grant, { commune: "c".repeat(32), box: other })).toMatchObject({ error: { code: "grant.notForUs" } });
    const altered: GrantRecord = { ...grant, admission: bo.publicKey };
    expect(openGrant(privacy, crypto, crypto, altered, { commune: hillside, box: hillsideBox })).toMatchObject({ error: { code: "grant.badSignature" } });
    // A member who seals one key and names another's admission: signed, and still refused.
    const { grant: honest } = grantToHillside();
    const { grant: second } = grantToHillside();
    const { sig: _sig, by: _by, ...fields } = honest;
    const swapped = sign(crypto, "partner-grant", { ...fields, toPartner: second.toPartner }, ada);
    expect(openGrant(privacy, crypto, crypto, swapped, { commune: hillside, box: hillsideBox })).toMatchObject({ error: { code: "grant.keyMismatch" } });
    for (const junk of [null, "grant", { ...grant, toPartner: "%%%" }, { ...grant, extra: 1 }, { ...grant, toPartner: "A".repeat(10_000) }])
      expect(openGrant(privacy, crypto, crypto, junk, { commune: hillside, box: hillsideBox })).toMatchObject({
        ok: false,
        error: { code: "grant.malformed" },
      });
  });

  it("cannot be made to a box key that is no key", () => {
    const shareKey = privacy.randomKey();
    const made = makeGrant(privacy, crypto, {
      commune: riverside,
      partner: hillside,
      epoch: epochId(1),
      partnerBox: "0".repeat(64),
      ourBox: riversideBox.publicKey,
      shareKey,
      author: ada,
      at: 1,
    });
    expect(made).toMatchObject({ ok: false, error: { code: "grant.badBoxKey" } });
  });
});

describe("Riverside's roster as Hillside reads it", () => {
  const first = makeRoster(crypto, {
    commune: riverside,
    epoch: epochId(1),
    previous: null,
    members: [{ key: ada.publicKey, name: "Ada" }, { key: bo.publicKey }, { key: cy.publicKey }],
    author: ada,
    at: 100,
  });
  // Cy was removed: epoch 2's roster, written by Bo.
  const second = makeRoster(crypto, {
    commune: riverside,
    epoch: epochId(2),
    previous: rosterId(first),
    members: [{ key: ada.publicKey, name: "Ada" }, { key: bo.publicKey }],
    author: bo,
    at: 200,
  });
  const context = { commune: riverside, anchors: [ada.publicKey], now: 10_000 };

  it("follows the chain from the offer's signer, and knows who was a member when", () => {
    const { chain, refused } = rosterChain(crypto, [second, first], context);
    expect(refused).toEqual([]);
    expect(chain).toEqual([first, second]);
    expect(onRosterAt(chain, cy.publicKey, 150)).toBe(true);
    expect(onRosterAt(chain, cy.publicKey, 250)).toBe(false);
    expect(onRosterAt(chain, ada.publicKey, 50)).toBe(false);
  });

  it("refuses a first roster not signed by the offer's signer, a roster signed by a removed member, an altered one, and one of another commune", () => {
    const squatter = makeRoster(crypto, { commune: riverside, epoch: epochId(1), previous: null, members: [{ key: hugo.publicKey }], author: hugo, at: 90 });
    const byCy = makeRoster(crypto, {
      commune: riverside,
      epoch: epochId(3),
      previous: rosterId(second),
      members: [{ key: cy.publicKey }],
      author: cy,
      at: 300,
    });
    const altered: RosterRecord = { ...second, members: [...second.members, { key: hana.publicKey }] };
    const elsewhere = makeRoster(crypto, { commune: hillside, epoch: epochId(1), previous: null, members: [{ key: hana.publicKey }], author: hana, at: 1 });
    const { chain, refused } = rosterChain(crypto, [first, second, squatter, byCy, altered, elsewhere], context);
    expect(chain).toEqual([first, second]);
    expect(refused.map((refusal) => refusal.code).sort()).toEqual([
      "roster.badSignature",
      "roster.notAnchored",
      "roster.otherCommune",
      "roster.signerNotOnRoster",
    ]);
  });

  it("takes the later of two rosters after the same one, so a member's correction wins over a wrong roster", () => {
    // Cy, still on epoch 1's roster, writes one that keeps Cy in; Ada writes the right one later.
    const cysOwn = makeRoster(crypto, {
      commune: riverside,
      epoch: epochId(2),
      previous: rosterId(first),
      members: [{ key: bo.publicKey }, { key: cy.publicKey }],
      author: cy,
      at: 150,
    });
    expect(rosterChain(crypto, [first, second, cysOwn], context).chain).toEqual([first, second]);
    const dated = makeRoster(crypto, {
      commune: riverside,
      epoch: epochId(2),
      previous: rosterId(first),
      members: [{ key: cy.publicKey }],
      author: cy,
      at: 9_000_000,
    });
    // Dated beyond the clock: not current until its time, and said so.
    const future = rosterChain(crypto, [first, second, dated], context);
    expect(future.chain).toEqual([first, second]);
    expect(future.refused).toMatchObject([{ code: "roster.fromTheFuture" }]);
  });

  it("is the same line for every order and duplication of the records (1,000 cases)", () => {
    const third = makeRoster(crypto, {
      commune: riverside,
      epoch: epochId(3),
      previous: rosterId(second),
      members: [{ key: ada.publicKey }, { key: hana.publicKey }],
      author: ada,
      at: 300,
    });
    const rival = makeRoster(crypto, {
      commune: riverside,
      epoch: epochId(3),
      previous: rosterId(second),
      members: [{ key: bo.publicKey }],
      author: bo,
      at: 300,
    });
    const stray = makeRoster(crypto, {
      commune: riverside,
      epoch: epochId(9),
      previous: rosterId(first),
      members: [{ key: cy.publicKey }],
      author: cy,
      at: 120,
    });
    const squatter = makeRoster(crypto, { commune: riverside, epoch: epochId(1), previous: null, members: [{ key: hugo.publicKey }], author: hugo, at: 90 });
    const pool = [first, second, third, rival, stray, squatter];
    const expected = rosterChain(crypto, pool, context);
    // Two rosters after the second, at the same time: the smaller id wins, for everyone.
    const tieWinner = [third, rival].sort((a, b) => (rosterId(a) < rosterId(b) ? -1 : 1))[0]!;
    expect(expected.chain).toEqual([first, second, tieWinner]);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(pool, { minLength: pool.length, maxLength: pool.length }),
        fc.array(fc.constantFrom(...pool), { maxLength: 4 }),
        (order, repeats) => {
          const found = rosterChain(crypto, [...order, ...repeats], context);
          expect(found.chain).toEqual(expected.chain);
          expect(found.refused).toEqual(expected.refused);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe("which move of Riverside's shared document Hillside follows", () => {
  const grant = makeGrant(privacy, crypto, {
    commune: riverside,
    partner: hillside,
    epoch: epochId(2),
    partnerBox: hillsideBox.publicKey,
    ourBox: riversideBox.publicKey,
    shareKey: privacy.randomKey(),
    author: ada,
    at: 5_000,
  });
  if (!grant.ok) throw new Error(grant.error.message);
  const move = (author: typeof ada, at: number, to: string) =>
    makeMoved(crypto, { commune: riverside, partner: hillside, to: `automerge:${to}`, grant: grant.value, at }, author);
  const byAda = move(ada, 6_000, "2ECpdSPga3paDJSM6Q8FFAv83PuW");
  const byCy = move(cy, 6_000, "3PSeC9zN7m4htJemNYvkVwQLRBt5");
  const earlierByBo = move(bo, 4_000, "3nf9rFcr1LcAPm3T8DmxWg9GZVnt");
  const everyone = () => true;

  it("is the latest that counts, whatever order the records come in", () => {
    expect(followedMove([earlierByBo, byAda], everyone)).toBe(byAda);
    expect(followedMove([byAda, earlierByBo], everyone)).toBe(byAda);
  });

  it("is the one with the smaller signature when two members moved at the same time", () => {
    const smaller = byAda.sig < byCy.sig ? byAda : byCy;
    expect(followedMove([byAda, byCy], everyone)).toBe(smaller);
    expect(followedMove([byCy, byAda], everyone)).toBe(smaller);
  });

  it("leaves out a move that does not count (signed by someone off the roster at its time), however late", () => {
    expect(followedMove([earlierByBo, byAda], (moved) => moved.by !== ada.publicKey)).toBe(earlierByBo);
    expect(followedMove([byAda], () => false)).toBeUndefined();
  });
});
