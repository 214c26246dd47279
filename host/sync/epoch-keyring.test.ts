import { describe, expect, it } from "vitest";
import type { MemberStatus } from "../../shared/commune/state";
import { nobleCrypto } from "../../shared/identity/crypto";
import type { KeyPair } from "../../shared/identity/keys";
import { sodiumPrivacyCrypto } from "../../shared/privacy/crypto";
import type { MemberHistories } from "../../shared/privacy/current-epoch";
import { makeEpochRecord } from "../../shared/privacy/epochs";
import { idOfItem } from "../../shared/privacy/headers";
import { T0, testKeys } from "../../shared/testing/commune-builder";
import { EpochKeyring } from "./epoch-keyring";

/**
 * Issue 13: a member's host picks the epoch it writes under, and the batches
 * it accepts, by the signed history (shared/privacy/current-epoch.ts), not
 * by what a relay happened to store or an id happened to sort first.
 */
const privacy = await sodiumPrivacyCrypto();
const crypto = nobleCrypto();
const [ada, bo, cy, dee] = [testKeys(21), testKeys(22), testKeys(23), testKeys(24)];
const commune = "c".repeat(32);

/** Ada founds at T0 with Bo and Cy in; `more` adds status changes after that. */
function histories(more: Array<[KeyPair, number, MemberStatus]> = []): MemberHistories {
  const members: Record<string, { history: Array<{ at: number; status: MemberStatus }> }> = {};
  for (const key of [ada, bo, cy]) members[key.publicKey] = { history: [{ at: T0, status: "active" }] };
  for (const [key, at, status] of more) (members[key.publicKey] ??= { history: [] }).history.push({ at, status });
  return members;
}

const BO_REMOVED = T0 + 10_000;

function firstEpoch() {
  const epochKey = privacy.randomKey();
  const made = makeEpochRecord(privacy, crypto, {
    commune,
    epoch: 1,
    parent: null,
    epochKey,
    readers: [ada, bo, cy].map((key) => key.publicKey),
    author: ada,
    at: T0 + 1,
  });
  return { ...made, id: idOfItem(made.item) };
}

function childOf(parent: ReturnType<typeof firstEpoch>, author: KeyPair, readers: KeyPair[], at: number, epoch = 2) {
  const made = makeEpochRecord(privacy, crypto, {
    commune,
    epoch,
    parent: parent.id,
    epochKey: privacy.randomKey(),
    previousKey: parent.keys.epochKey,
    readers: readers.map((key) => key.publicKey),
    author,
    at,
  });
  return { ...made, id: idOfItem(made.item) };
}

describe("the epoch a member's host writes under", () => {
  it("is the child an active member sealed to the active members, not a removed member's fork whose id sorts first, and the fork is named with why", () => {
    const first = firstEpoch();
    const rotation = childOf(first, ada, [ada, cy], BO_REMOVED + 5_000);
    // Bo, removed, still holds epoch 1's key: he seals a sibling to everyone, his own key included, so he would read what is written under it.
    let fork = childOf(first, bo, [ada, bo, cy], BO_REMOVED + 5_000);
    while (fork.id > rotation.id) fork = childOf(first, bo, [ada, bo, cy], BO_REMOVED + 5_000);
    const members = histories([[bo, BO_REMOVED, "removed"]]);
    const keyring = new EpochKeyring({ commune, privacy, crypto, me: cy, membership: () => members });

    for (const record of [first.item, fork.item, rotation.item]) keyring.learn(record);

    expect(keyring.current()?.id).toBe(rotation.id);
    expect(keyring.keyOf(rotation.id)?.dataKey).toEqual(rotation.keys.dataKey);
    expect(keyring.refusedEpochs()).toEqual([
      { id: fork.id, reason: expect.stringContaining(`was started by ${bo.publicKey.slice(0, 8)}, who was not an active member at its signed time`) },
    ]);
  });

  it("stays the parent while the history that makes a child valid has not arrived, and becomes the child once it has", () => {
    const first = firstEpoch();
    const rotation = childOf(first, ada, [ada, cy], BO_REMOVED + 5_000);
    // Cy's copy of the history does not hold the removal's votes yet: for Cy, Bo is still active, and the child leaves him out.
    let members = histories();
    const keyring = new EpochKeyring({ commune, privacy, crypto, me: cy, membership: () => members });
    keyring.learn(first.item);
    keyring.learn(rotation.item);

    expect(keyring.current()?.id).toBe(first.id);
    // The relay admits only the child: the host proves the newest epoch it holds, to fetch the history it lacks.
    expect(keyring.newest()?.id).toBe(rotation.id);
    expect(keyring.refusedEpochs()[0]?.reason).toContain(`leaves out ${bo.publicKey.slice(0, 8)}`);

    members = histories([[bo, BO_REMOVED, "removed"]]);
    expect(keyring.current()?.id).toBe(rotation.id);
    expect(keyring.refusedEpochs()).toEqual([]);
  });

  it("is never a child an active member sealed with a lockbox for an outsider, though its lockbox opens here, and the member is told why", () => {
    const first = firstEpoch();
    const eve = testKeys(26);
    // Ada, turned, rotates for no removal and seals the new key to her accomplice too: whatever is written under it, Eve reads.
    const leaky = childOf(first, ada, [ada, bo, cy, eve], T0 + 5_000);
    const members = histories();
    const keyring = new EpochKeyring({ commune, privacy, crypto, me: cy, membership: () => members });
    keyring.learn(first.item);
    keyring.learn(leaky.item);

    expect(keyring.newest()?.id).toBe(leaky.id);
    expect(keyring.current()?.id).toBe(first.id);
    expect(keyring.refusedEpochs()).toEqual([
      { id: leaky.id, reason: `Epoch 2 (${leaky.id.slice(0, 8)}) is sealed to ${eve.publicKey.slice(0, 8)}, not active members or applicants then` },
    ]);
  });

  it("is the newest epoch held while the membership is not known yet (a newcomer before the commune document arrived)", () => {
    const first = firstEpoch();
    const rotation = childOf(first, ada, [ada, cy], BO_REMOVED + 5_000);
    const keyring = new EpochKeyring({ commune, privacy, crypto, me: cy, membership: () => undefined });
    keyring.learn(first.item);
    keyring.learn(rotation.item);
    expect(keyring.current()?.id).toBe(rotation.id);
  });
});

describe("a batch's author, as the host judges it", () => {
  const first = firstEpoch();
  const rotation = childOf(first, ada, [ada, cy], BO_REMOVED + 5_000);
  const members = histories([
    [bo, BO_REMOVED, "removed"],
    [dee, BO_REMOVED + 9_000, "applicant"],
  ]);
  const keyring = new EpochKeyring({ commune, privacy, crypto, me: cy, membership: () => members });
  keyring.learn(first.item);
  keyring.learn(rotation.item);

  it("refuses a member removed before the batch's epoch began, saying so", () => {
    expect(keyring.authorProblem(bo.publicKey, rotation.id)).toBe(
      `${bo.publicKey.slice(0, 8)} was not a member when epoch 2 (${rotation.id.slice(0, 8)}) started`,
    );
  });

  it("takes what the same member wrote under the epoch they were a member in", () => {
    expect(keyring.authorProblem(bo.publicKey, first.id)).toBeUndefined();
  });

  it("takes a newcomer who joined while the epoch was current, and one the history has not learnt yet (their first batch carries their join)", () => {
    expect(keyring.authorProblem(dee.publicKey, rotation.id)).toBeUndefined();
    expect(keyring.authorProblem(testKeys(25).publicKey, rotation.id)).toBeUndefined();
  });
});

describe("what a member's host proves to a relay, and puts there (the lead rule across relays)", () => {
  // Cy left; Ada's host and Bo's host each started epoch 2 while out of touch, and each child reached a different relay first.
  const CY_LEFT = T0 + 10_000;
  const first = firstEpoch();
  const adas = childOf(first, ada, [ada, bo], CY_LEFT + 1_000);
  const bos = childOf(first, bo, [ada, bo], CY_LEFT + 2_000);
  const [leading, other] = adas.id < bos.id ? [adas, bos] : [bos, adas];
  const members = histories([[cy, CY_LEFT, "left"]]);
  const holdingBoth = () => {
    const keyring = new EpochKeyring({ commune, privacy, crypto, me: ada, membership: () => members });
    for (const record of [first.item, adas.item, bos.item]) keyring.learn(record);
    return keyring;
  };
  const putIds = (route: ReturnType<EpochKeyring["routeTo"]>) => route?.puts.map((put) => idOfItem(put.record));

  it("judges the child with the smallest id current, and proves it where the relay holds it", () => {
    const keyring = holdingBoth();
    expect(keyring.current()?.id).toBe(leading.id);
    expect(keyring.routeTo([leading.id])).toEqual({ prove: { id: leading.id, admission: leading.keys.admission }, puts: [] });
  });

  it("proves the other child where the relay stored that one first, and puts the leading one beside it with a proof of the other", () => {
    const route = holdingBoth().routeTo([other.id]);
    expect(route?.prove).toEqual({ id: other.id, admission: other.keys.admission });
    expect(putIds(route)).toEqual([leading.id]);
    expect(route?.puts[0]?.admission).toEqual(leading.keys.admission);
    expect(route?.puts[0]?.siblings).toEqual([{ epoch: other.id, admission: other.keys.admission }]);
  });

  it("puts the rest of the leading line after it, the later records with no sibling to prove", () => {
    const keyring = holdingBoth();
    const third = childOf(leading, ada, [ada, bo], CY_LEFT + 3_000, 3);
    keyring.learn(third.item);
    const route = keyring.routeTo([other.id]);
    expect(putIds(route)).toEqual([leading.id, third.id]);
    expect(route?.puts.map((put) => put.siblings.length)).toEqual([1, 0]);
  });

  it("brings a relay that missed both rotations up to the leading child from the epoch it knows", () => {
    const route = holdingBoth().routeTo([first.id]);
    expect(route?.prove.id).toBe(first.id);
    expect(putIds(route)).toEqual([leading.id]);
  });

  it("proves the first epoch where the relay's tips are none it holds, so the relay answers with the epochs below it", () => {
    const keyring = new EpochKeyring({ commune, privacy, crypto, me: ada, membership: () => members });
    for (const record of [first.item, adas.item]) keyring.learn(record);
    expect(keyring.routeTo([bos.id])).toEqual({ prove: { id: first.id, admission: first.keys.admission }, puts: [] });
  });

  it("asks relays to admit the leading line, not a losing sibling's line that went on a number further", () => {
    const keyring = holdingBoth();
    // The host on the losing line rotated again before it learnt the other child: its epoch 3 is on the line that does not lead.
    const further = childOf(other, ada, [ada, bo], CY_LEFT + 3_000, 3);
    keyring.learn(further.item);
    expect(keyring.current()?.id).toBe(leading.id);
    expect(keyring.newest()?.id).toBe(leading.id);
    // A relay whose tip is that epoch 3 gets the leading child beside the other, proven by a socket admitted under epoch 3.
    const route = keyring.routeTo([further.id]);
    expect(route?.prove.id).toBe(further.id);
    expect(putIds(route)).toEqual([leading.id]);
    expect(route?.puts[0]?.siblings).toEqual([{ epoch: other.id, admission: other.keys.admission }]);
  });

  it("proves the newest epoch to a relay that does not serve the commune yet (it names no tip)", () => {
    expect(holdingBoth().routeTo([])?.prove.id).toBe(leading.id);
  });
});

describe("two first epochs, each registered on a different relay (two moves of a commune at once)", () => {
  it("leads with the smallest and puts its line on a relay that holds the other, with a proof of the other", () => {
    const [one, two] = [firstEpoch(), firstEpoch()];
    const [leading, other] = one.id < two.id ? [one, two] : [two, one];
    const next = childOf(leading, ada, [ada, bo, cy], T0 + 2_000);
    const keyring = new EpochKeyring({ commune, privacy, crypto, me: bo, membership: () => histories() });
    for (const record of [other.item, leading.item, next.item]) keyring.learn(record);
    expect(keyring.current()?.id).toBe(next.id);
    const route = keyring.routeTo([other.id]);
    expect(route?.prove).toEqual({ id: other.id, admission: other.keys.admission });
    expect(route?.puts.map((put) => idOfItem(put.record))).toEqual([leading.id, next.id]);
    expect(route?.puts.map((put) => put.siblings)).toEqual([[{ epoch: other.id, admission: other.keys.admission }], []]);
  });
});

describe("a moved commune's made-up first epoch (a removed member's, by the relay-key route)", () => {
  it("is no way into a relay: the member proves its own first epoch, not the made-up one it can open", () => {
    // Cy was removed before either first epoch; hers is sealed to Ada too, so Ada's host opens it, and the history refuses it.
    const removed = histories([[cy, T0 + 500, "removed"]]);
    const made = (author: KeyPair) =>
      makeEpochRecord(privacy, crypto, {
        commune,
        epoch: 1,
        parent: null,
        epochKey: privacy.randomKey(),
        readers: [ada, bo].map((key) => key.publicKey),
        author,
        at: T0 + 1_000,
      });
    const [cys, adas] = [made(cy), made(ada)];
    const keyring = new EpochKeyring({ commune, privacy, crypto, me: ada, membership: () => removed, judgeFirstEpochs: () => true });
    for (const record of [cys.item, adas.item]) keyring.learn(record);
    expect(keyring.refusedEpochs().map((one) => one.id)).toEqual([idOfItem(cys.item)]);
    expect(keyring.routeTo([idOfItem(cys.item)])?.prove.id).toBe(idOfItem(adas.item));
  });
});

describe("where an epoch ends, as each relay's log has it", () => {
  it("refuses an item of the old epoch logged after its child on that relay, and not one logged on another relay, whose numbers are its own", () => {
    const first = firstEpoch();
    const rotation = childOf(first, ada, [ada, cy], BO_REMOVED + 5_000);
    const keyring = new EpochKeyring({ commune, privacy, crypto, me: cy, membership: () => histories([[bo, BO_REMOVED, "removed"]]) });
    keyring.learn(first.item, { relay: "ws://one/", seq: 1 });
    keyring.learn(rotation.item, { relay: "ws://one/", seq: 10 });
    expect(keyring.afterRotation(first.id, { relay: "ws://one/", seq: 11 })).toBe(true);
    expect(keyring.afterRotation(first.id, { relay: "ws://one/", seq: 9 })).toBe(false);
    // The second relay missed the rotation for a while: a member who did not know of it wrote there, and its log is longer.
    expect(keyring.afterRotation(first.id, { relay: "ws://two/", seq: 20 })).toBe(false);
    keyring.learn(rotation.item, { relay: "ws://two/", seq: 30 });
    expect(keyring.afterRotation(first.id, { relay: "ws://two/", seq: 20 })).toBe(false);
    expect(keyring.afterRotation(first.id, { relay: "ws://two/", seq: 31 })).toBe(true);
  });
});
