import { describe, expect, it } from "vitest";
import { genesisSchema } from "../docs/records";
import { nobleCrypto, nobleSigner } from "../identity/crypto";
import { keyPairFromSecret } from "../identity/keys";
import { checkSignature, sign } from "../identity/signed";
import { communeIdOf, type Genesis } from "./genesis";

const founder = keyPairFromSecret(new Uint8Array(32).fill(7));
const fields: Genesis = {
  name: "Riverside",
  founderName: "Ada",
  at: 1_700_000_000_000,
  nonce: "0123456789abcdef0123456789abcdef",
  rules: {
    quorumPercent: 50,
    thresholdPercent: 50,
    allowBlock: true,
    spendLimit: { EUR: 5000 },
    admission: "direct",
    currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
  },
};

describe("the genesis's optional admission key (issue 13)", () => {
  it("leaves a genesis made before it hashing to the very commune id it had", () => {
    // Pinned from the code before `admission` existed: every invite and signed record names this id.
    const genesis = sign(nobleSigner, "genesis", fields, founder);
    expect(communeIdOf(genesis)).toBe("d990906c0b83027ab7350ddc9e40513a");
    expect(genesisSchema.safeParse(genesis).success).toBe(true);
  });

  it("is bound into the commune id and the founder's signature when present", () => {
    const admission = "ab".repeat(32);
    const genesis = sign(nobleSigner, "genesis", { ...fields, admission }, founder);
    expect(communeIdOf(genesis)).not.toBe("d990906c0b83027ab7350ddc9e40513a");
    expect(genesisSchema.safeParse(genesis).success).toBe(true);
    const swapped = { ...genesis, admission: "cd".repeat(32) };
    expect(checkSignature(nobleCrypto(), "genesis", swapped)).toBe("bad signature");
  });

  it("must be a public key when present", () => {
    const genesis = sign(nobleSigner, "genesis", { ...fields, admission: "not a key" }, founder);
    expect(genesisSchema.safeParse(genesis).success).toBe(false);
  });
});
