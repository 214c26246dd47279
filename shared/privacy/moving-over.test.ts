import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { sodiumPrivacyCrypto } from "./crypto";
import { makeEpochRecord } from "./epochs";
import { epochRecordText, firstEpochProblem, firstEpochReadersFor, firstEpochsIn } from "./moving-over";

const privacy = await sodiumPrivacyCrypto();
const crypto = nobleCrypto();
const [ada, bo, cy, dee] = [testKeys(1), testKeys(2), testKeys(3), testKeys(4)];

/** Ada founded it; Bo joined (active under direct admission), Cy joined and left. */
function riverside() {
  const commune = new CommuneBuilder({ founder: ada });
  commune.join(bo, "Bo", T0 + DAY);
  commune.join(cy, "Cy", T0 + DAY);
  commune.event(cy, { type: "leave", at: T0 + 2 * DAY });
  return commune;
}

const firstEpoch = (commune: CommuneBuilder, author = ada, fields: { epoch?: number; parent?: string | null } = {}) =>
  makeEpochRecord(privacy, crypto, {
    commune: commune.id,
    epoch: fields.epoch ?? 1,
    parent: fields.parent ?? null,
    epochKey: privacy.randomKey(),
    readers: [ada.publicKey, bo.publicKey],
    author,
    at: T0 + 3 * DAY,
  }).item;

describe("who makes a moved commune's first epoch, and for whom", () => {
  it("is the active founder, sealing to the active members, not to one who left", () => {
    const commune = riverside();
    const readers = firstEpochReadersFor(commune.genesis, commune.state(T0 + 3 * DAY), ada.publicKey, T0 + 3 * DAY);
    expect(readers?.sort()).toEqual([ada.publicKey, bo.publicKey].sort());
  });

  it("is not another member while the founder is active, nor a founder who has left", () => {
    const commune = riverside();
    expect(firstEpochReadersFor(commune.genesis, commune.state(T0 + 3 * DAY), bo.publicKey, T0 + 3 * DAY)).toBeUndefined();
    commune.event(ada, { type: "leave", at: T0 + 3 * DAY });
    expect(firstEpochReadersFor(commune.genesis, commune.state(T0 + 4 * DAY), ada.publicKey, T0 + 4 * DAY)).toBeUndefined();
  });

  it("is any active member once the founder has left (the relay-key route), sealing to the active members, never one who is not active", () => {
    const commune = riverside();
    commune.event(ada, { type: "leave", at: T0 + 3 * DAY });
    const state = commune.state(T0 + 4 * DAY);
    expect(firstEpochReadersFor(commune.genesis, state, bo.publicKey, T0 + 4 * DAY)).toEqual([bo.publicKey]);
    expect(firstEpochReadersFor(commune.genesis, state, cy.publicKey, T0 + 4 * DAY)).toBeUndefined();
  });
});

describe("which first epoch a member accepts from the commune document", () => {
  it("accepts the founder's epoch 1 and reads it back from the document's text", () => {
    const commune = riverside();
    const record = firstEpoch(commune);
    expect(firstEpochProblem(record, commune.id, commune.genesis)).toBeUndefined();
    expect(firstEpochsIn([epochRecordText(record)], commune.id, commune.genesis)).toEqual([record]);
  });

  it("reads one signed by another member (the history judges its author and readers), and refuses a later epoch, one of another commune, and text that is not a record", () => {
    const commune = riverside();
    const other = new CommuneBuilder({ founder: dee, name: "Hillside" });
    expect(firstEpochProblem(firstEpoch(commune, bo), commune.id, commune.genesis)).toBeUndefined();
    expect(firstEpochProblem(firstEpoch(commune, ada, { epoch: 2, parent: "a".repeat(64) }), commune.id, commune.genesis)).toBe("it is not a first epoch");
    expect(firstEpochProblem(firstEpoch(other, dee), commune.id, commune.genesis)).toBe("it is an epoch of another commune");
    expect(
      firstEpochsIn(["bm90IGFuIGl0ZW0=", "%%%", epochRecordText(firstEpoch(commune, ada, { epoch: 2, parent: "a".repeat(64) }))], commune.id, commune.genesis),
    ).toEqual([]);
  });
});
