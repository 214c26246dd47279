import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { testKeys } from "../testing/commune-builder";
import type { PrivacyCrypto } from "./crypto";
import { sodiumPrivacyCrypto } from "./crypto";
import { openItem, sealBatch, type KnownEpoch } from "./envelopes";
import { makeEpochRecord, openEpochRecord, openEpochRecordWithKey } from "./epochs";
import { decodeItem, encodeItem, signItem, type SealedItem } from "./headers";

/**
 * Issue 13, step 1: what a relay stores for a private commune, tried as the
 * people who hold it would try it: the operator (no key), a removed member
 * (an old key), a member given someone else's lockbox, and anyone who
 * alters or moves ciphertext.
 */
const privacy: PrivacyCrypto = await sodiumPrivacyCrypto();
const crypto = nobleCrypto();

const commune = "c".repeat(32);
const document = "4NMNnkMhL8jXrdJ9jamS58PAVdXu";
const [ada, bo, cy] = [testKeys(1), testKeys(2), testKeys(3)];
const memo = new TextEncoder().encode('{"memo":"Riverside rent for Ada, 900.00 EUR"}');

/** Epoch 1 read by Ada, Bo and Cy; epoch 2 after Cy's removal, read by Ada and Bo. */
function twoEpochs() {
  const first = makeEpochRecord(privacy, crypto, {
    commune,
    epoch: 1,
    parent: null,
    epochKey: privacy.randomKey(),
    readers: [ada.publicKey, bo.publicKey, cy.publicKey],
    author: ada,
    at: 1,
  });
  const opened = openEpochRecord(privacy, crypto, crypto, first.item, { commune }, ada);
  if (!opened.ok) throw new Error(opened.error.message);
  const second = makeEpochRecord(privacy, crypto, {
    commune,
    epoch: 2,
    parent: opened.value.id,
    epochKey: privacy.randomKey(),
    previousKey: first.keys.epochKey,
    readers: [ada.publicKey, bo.publicKey],
    author: ada,
    at: 2,
  });
  return { first, second, firstId: opened.value.id };
}

const known = (entries: [string, KnownEpoch][]) => (epoch: string) => new Map(entries).get(epoch);

describe("an epoch record", () => {
  it("opens for each reader, with the readers' list and the key before it", () => {
    const { first, second, firstId } = twoEpochs();
    const opened = openEpochRecord(privacy, crypto, crypto, second.item, { commune }, bo);
    expect(opened).toMatchObject({ ok: true, value: { readers: [ada.publicKey, bo.publicKey].sort(), header: { epoch: 2, parent: firstId } } });
    if (!opened.ok) return;
    expect(opened.value.keys.admission.publicKey).toBe(opened.value.header.admission);
    expect(opened.value.header.admission).toBe(second.keys.admission.publicKey);
    expect(opened.value.previousKey).toEqual(first.keys.epochKey);
  });

  it("opens with its key alone for a newcomer who holds no lockbox, and gives the key of the epoch before", () => {
    const { first, second } = twoEpochs();
    // A newcomer's invite carries epoch 2's key; they are no reader of it.
    const opened = openEpochRecordWithKey(privacy, crypto, crypto, second.item, { commune }, second.keys.epochKey);
    expect(opened).toMatchObject({ ok: true, value: { header: { epoch: 2 } } });
    if (!opened.ok) return;
    expect(opened.value.previousKey).toEqual(first.keys.epochKey);
    expect(openEpochRecordWithKey(privacy, crypto, crypto, first.item, { commune }, opened.value.previousKey!)).toMatchObject({ ok: true });
  });

  it("refuses to open with a key that is not its own, saying so", () => {
    const { first, second } = twoEpochs();
    expect(openEpochRecordWithKey(privacy, crypto, crypto, second.item, { commune }, first.keys.epochKey)).toEqual({
      ok: false,
      error: { code: "epoch.tampered", message: "This key is not the key of that epoch record" },
    });
  });

  it("does not open for a removed member, who is told why", () => {
    const { second } = twoEpochs();
    expect(openEpochRecord(privacy, crypto, crypto, second.item, { commune }, cy)).toEqual({
      ok: false,
      error: { code: "epoch.noLockbox", message: "You hold no key to this epoch of the commune: you were removed, or left, before it began" },
    });
  });

  it("refuses a lockbox swapped in from another record, and one from another commune", () => {
    const { first, second } = twoEpochs();
    // An attacker (a member, so able to sign) builds a record whose lockboxes open to another epoch's key.
    const forged = signItem(crypto, { ...second.item.signed.header, by: bo.publicKey }, first.item.payload, bo);
    expect(openEpochRecord(privacy, crypto, crypto, forged, { commune }, ada)).toMatchObject({ ok: false, error: { code: "epoch.tampered" } });
    expect(openEpochRecord(privacy, crypto, crypto, second.item, { commune: "d".repeat(32) }, ada)).toMatchObject({
      ok: false,
      error: { code: "epoch.otherCommune" },
    });
  });
});

describe("a batch on the relay", () => {
  function batch() {
    const { first, second, firstId } = twoEpochs();
    const secondId = openEpochRecord(privacy, crypto, crypto, second.item, { commune }, ada);
    if (!secondId.ok) throw new Error(secondId.error.message);
    const item = sealBatch(privacy, crypto, { commune, document, epoch: secondId.value.id, dataKey: second.keys.dataKey, author: ada, at: 3 }, memo);
    const epochs = known([
      [firstId, { dataKey: first.keys.dataKey, current: false }],
      [secondId.value.id, { dataKey: second.keys.dataKey, current: true }],
    ]);
    return { item, epochs, first, firstId, secondId: secondId.value.id };
  }

  it("opens for a member of its epoch and shows the operator nothing it says", () => {
    const { item, epochs } = batch();
    expect(openItem(privacy, crypto, item, { commune, document }, epochs)).toEqual({ ok: true, value: { kind: "batch", bytes: memo } });
    const stored = new TextDecoder("latin1").decode(encodeItem(item));
    for (const word of ["Riverside", "rent", "Ada", "900.00", "memo"]) expect(stored).not.toContain(word);
  });

  it("cannot be read with an old epoch's key, which is all a removed member holds", () => {
    const { item, firstId, first } = batch();
    const removed = known([[firstId, { dataKey: first.keys.dataKey, current: true }]]);
    expect(openItem(privacy, crypto, item, { commune, document }, removed)).toMatchObject({ ok: false, error: { code: "epoch.unknown" } });
    // Even given the old key under the new epoch's id, the ciphertext does not open.
    const guessed = known([[String(item.signed.header.epoch), { dataKey: first.keys.dataKey, current: true }]]);
    expect(openItem(privacy, crypto, item, { commune, document }, guessed)).toMatchObject({ ok: false, error: { code: "item.tampered" } });
  });

  it("is refused when replayed into another commune or document", () => {
    const { item, epochs } = batch();
    expect(openItem(privacy, crypto, item, { commune: "d".repeat(32), document }, epochs)).toMatchObject({ ok: false, error: { code: "item.otherCommune" } });
    expect(openItem(privacy, crypto, item, { commune, document: "5NMNnkMhL8jXrdJ9jamS58PAVdXu" }, epochs)).toMatchObject({
      ok: false,
      error: { code: "item.otherDocument" },
    });
  });

  it("sent under an ended epoch after the rotation (by someone with only the old key) is refused", () => {
    const { first, firstId, epochs } = batch();
    const late = sealBatch(privacy, crypto, { commune, document, epoch: firstId, dataKey: first.keys.dataKey, author: cy, at: 4 }, memo);
    expect(openItem(privacy, crypto, late, { commune, document, afterRotation: true }, epochs)).toEqual({
      ok: false,
      error: { code: "epoch.superseded", message: "This batch is sealed under an epoch that had ended: whoever sent it holds only an old key" },
    });
    // The same batch in the log before the rotation is history, and reads.
    expect(openItem(privacy, crypto, late, { commune, document }, epochs)).toMatchObject({ ok: true });
  });

  it("with any single byte of its stored form changed, is refused and never read as something else", () => {
    const { item, epochs } = batch();
    const bytes = encodeItem(item);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const altered = bytes.slice();
        altered[index]! ^= flip;
        const decoded = decodeItem(altered);
        if (!decoded.ok) return;
        const opened = openItem(privacy, crypto, decoded.item as SealedItem, { commune, document }, epochs);
        expect(opened.ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it("re-signed by a member after altering its ciphertext, still does not open", () => {
    const { item, epochs } = batch();
    const payload = item.payload.slice();
    payload[payload.length - 1]! ^= 1;
    const resigned = signItem(crypto, { ...item.signed.header, by: bo.publicKey }, payload, bo);
    expect(openItem(privacy, crypto, resigned, { commune, document }, epochs)).toMatchObject({ ok: false, error: { code: "item.tampered" } });
  });
});
