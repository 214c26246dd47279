import { describe, expect, it } from "vitest";
import { anchorIdOf, anchorOf, communeIdOf, createGenesis } from "../../shared/commune/genesis";
import { nobleSigner } from "../../shared/identity/crypto";
import { sodiumPrivacyCrypto, type PrivacyCrypto } from "../../shared/privacy/crypto";
import { epochKeysOf, makeEpochRecord } from "../../shared/privacy/epochs";
import { encodeItem, idOfItem } from "../../shared/privacy/headers";
import { defaultRules, testKeys } from "../../shared/testing/commune-builder";
import { checkRegistration, relayCrypto } from "./admission";
import { toBase64 } from "./protocol";

/** The epoch records members make (shared/privacy/epochs.ts) are exactly what the relay registers. */
const privacy: PrivacyCrypto = await sodiumPrivacyCrypto();

describe("a member's epoch chain at the relay", () => {
  it("registers a commune whose genesis names the first epoch's admission key, and refuses one naming another", () => {
    const [ada, bo] = [testKeys(1), testKeys(2)];
    const firstKey = privacy.randomKey();
    const anchor = epochKeysOf(privacy, nobleSigner, firstKey).admission.publicKey;
    const fields = { name: "Riverside", founderName: "Ada", at: 1, rules: defaultRules };
    const readable = createGenesis(nobleSigner, { ...fields, admission: anchor }, ada);
    const genesis = anchorOf(readable)!;
    const commune = communeIdOf(readable);
    const first = makeEpochRecord(privacy, nobleSigner, {
      commune,
      epoch: 1,
      parent: null,
      epochKey: firstKey,
      readers: [ada.publicKey, bo.publicKey],
      author: ada,
      at: 1,
    });
    const second = makeEpochRecord(privacy, nobleSigner, {
      commune,
      epoch: 2,
      parent: idOfItem(first.item),
      epochKey: privacy.randomKey(),
      previousKey: firstKey,
      readers: [ada.publicKey],
      author: ada,
      at: 2,
    });
    const chain = [first.item, second.item].map((item) => toBase64(encodeItem(item)));
    expect(checkRegistration(relayCrypto(), commune, genesis, chain)).toMatchObject({ ok: true, ids: [idOfItem(first.item), idOfItem(second.item)] });

    const squatter = anchorOf(
      createGenesis(nobleSigner, { ...fields, admission: epochKeysOf(privacy, nobleSigner, privacy.randomKey()).admission.publicKey }, ada),
    )!;
    const squatted = makeEpochRecord(privacy, nobleSigner, {
      commune: anchorIdOf(squatter),
      epoch: 1,
      parent: null,
      epochKey: firstKey,
      readers: [ada.publicKey],
      author: ada,
      at: 1,
    });
    expect(checkRegistration(relayCrypto(), anchorIdOf(squatter), squatter, [toBase64(encodeItem(squatted.item))])).toMatchObject({ ok: false });
  });

  it("refuses an anchor whose readable commitment or signature was changed", () => {
    const ada = testKeys(1);
    const firstKey = privacy.randomKey();
    const admission = epochKeysOf(privacy, nobleSigner, firstKey).admission.publicKey;
    const anchor = anchorOf(createGenesis(nobleSigner, { name: "Riverside", founderName: "Ada", at: 1, rules: defaultRules, admission }, ada))!;
    const commune = anchorIdOf(anchor);
    const first = makeEpochRecord(privacy, nobleSigner, { commune, epoch: 1, parent: null, epochKey: firstKey, readers: [ada.publicKey], author: ada, at: 1 });
    const chain = [toBase64(encodeItem(first.item))];

    const recommitted = { ...anchor, contents: "0".repeat(64) };
    expect(checkRegistration(relayCrypto(), commune, recommitted, chain)).toMatchObject({
      ok: false,
      problem: { message: "The founding anchor belongs to another commune" },
    });
    // An attacker who names the founder and makes up a signature names a commune of their own, which the signature then fails.
    const forged = { ...anchor, sig: "1".repeat(128) };
    const forgedFirst = makeEpochRecord(privacy, nobleSigner, {
      commune: anchorIdOf(forged),
      epoch: 1,
      parent: null,
      epochKey: firstKey,
      readers: [ada.publicKey],
      author: ada,
      at: 1,
    });
    expect(checkRegistration(relayCrypto(), anchorIdOf(forged), forged, [toBase64(encodeItem(forgedFirst.item))])).toMatchObject({
      ok: false,
      problem: { message: "The commune's founding anchor is not validly signed" },
    });
    const padded = { ...anchor, name: "Riverside" };
    expect(checkRegistration(relayCrypto(), commune, padded, chain)).toMatchObject({
      ok: false,
      problem: { message: "The commune's founding anchor cannot be read" },
    });
  });
});
