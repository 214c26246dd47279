import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { communeIdOf, type Genesis } from "../../shared/commune/genesis";
import { nobleSigner } from "../../shared/identity/crypto";
import { sign } from "../../shared/identity/signed";
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
    const fields = {
      name: "Riverside",
      founderName: "Ada",
      at: 1,
      nonce: randomBytes(16).toString("hex"),
      rules: defaultRules,
    };
    const genesis = sign(nobleSigner, "genesis", { ...fields, admission: anchor } as Genesis, ada);
    const commune = communeIdOf(genesis);
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

    const squatter = sign(
      nobleSigner,
      "genesis",
      { ...fields, admission: epochKeysOf(privacy, nobleSigner, privacy.randomKey()).admission.publicKey } as Genesis,
      ada,
    );
    const squatted = makeEpochRecord(privacy, nobleSigner, {
      commune: communeIdOf(squatter),
      epoch: 1,
      parent: null,
      epochKey: firstKey,
      readers: [ada.publicKey],
      author: ada,
      at: 1,
    });
    expect(checkRegistration(relayCrypto(), communeIdOf(squatter), squatter, [toBase64(encodeItem(squatted.item))])).toMatchObject({ ok: false });
  });
});
