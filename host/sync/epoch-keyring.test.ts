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

function childOf(parent: ReturnType<typeof firstEpoch>, author: KeyPair, readers: KeyPair[], at: number) {
  const made = makeEpochRecord(privacy, crypto, {
    commune,
    epoch: 2,
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
