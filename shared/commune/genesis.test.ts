import { describe, expect, it } from "vitest";
import { genesisSchema } from "../docs/records";
import { nobleCrypto, nobleSigner } from "../identity/crypto";
import { keyPairFromSecret } from "../identity/keys";
import { checkSignature, sign } from "../identity/signed";
import { anchorIdOf, anchorOf, anchorProblem, communeIdOf, createGenesis, type Genesis } from "./genesis";

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

describe("a private commune's founding anchor (issue 13)", () => {
  const { nonce: _nonce, ...unnonced } = fields;
  const admission = "ab".repeat(32);
  const genesis = createGenesis(nobleSigner, { ...unnonced, admission }, founder);
  const anchor = anchorOf(genesis)!;

  it("is what the commune id hashes, and carries nothing a person could read", () => {
    expect(anchorIdOf(anchor)).toBe(communeIdOf(genesis));
    expect(Object.keys(anchor).sort()).toEqual(["admission", "by", "contents", "sig"]);
    const shown = JSON.stringify(anchor);
    for (const readable of ["Riverside", "Ada", "EUR", "Euro", genesis.nonce, String(genesis.at)]) expect(shown).not.toContain(readable);
    expect(checkSignature(nobleCrypto(), "genesis-anchor", anchor)).toBeUndefined();
    expect(anchorProblem(nobleCrypto(), genesis)).toBeUndefined();
    expect(genesisSchema.safeParse(genesis).success).toBe(true);
  });

  it("binds every readable field: a renamed commune is another commune", () => {
    // Re-signed by the founder, so only the anchor tells the two apart.
    const renamed = sign(nobleSigner, "genesis", { ...genesis, name: "Elsewhere" }, founder);
    expect(communeIdOf(renamed)).not.toBe(communeIdOf(genesis));
    expect(anchorProblem(nobleCrypto(), renamed)).toBe("The private commune's founding anchor is not validly signed by its founder");
  });

  it("refuses a private genesis whose anchor was not signed by its founder", () => {
    const forged = sign(nobleSigner, "genesis", { ...genesis, anchorSig: "00".repeat(64) }, founder);
    expect(anchorProblem(nobleCrypto(), forged)).toBe("The private commune's founding anchor is not validly signed by its founder");
    const unanchored = sign(nobleSigner, "genesis", { ...fields, admission }, founder);
    expect(anchorProblem(nobleCrypto(), unanchored)).toBe("The private commune's founding anchor is not validly signed by its founder");
  });

  it("leaves a plaintext commune without an anchor", () => {
    const plain = createGenesis(nobleSigner, unnonced, founder);
    expect(anchorOf(plain)).toBeUndefined();
    expect(plain.anchorSig).toBeUndefined();
    expect(anchorProblem(nobleCrypto(), plain)).toBeUndefined();
  });
});
