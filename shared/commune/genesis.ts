import { canonicalJson } from "../identity/canonical";
import { randomId, sha256Hex, type KeyPair, type PublicKey } from "../identity/keys";
import type { Signer } from "../identity/crypto";
import { sign, type Signed } from "../identity/signed";
import type { Rules } from "./rules";

/**
 * The founding statement of a commune, signed by its founder. The commune id
 * is derived from it (see communeIdOf), so nobody who can write to the
 * document can swap the founder or the founding rules without changing the
 * id that invites and members already hold.
 */
export interface Genesis {
  name: string;
  founderName: string;
  at: number;
  /** Random, so two communes founded with the same name at the same millisecond differ. */
  nonce: string;
  rules: Rules;
  /**
   * The Ed25519 public key a relay admits the first epoch of a private
   * commune by (docs/relay.md, "Registration"): named here, the commune id
   * binds it, so a squatter holding the genesis cannot register the commune.
   * Optional and absent from older geneses, which hash exactly as before.
   */
  admission?: PublicKey;
}

/** 32 hex digits derived from the signed genesis. */
export type CommuneId = string;

/**
 * The commune id: the first 128 bits of SHA-256 over the signed genesis in
 * canonical form. Invites carry it, and every signed record names it, so a
 * record signed for one commune cannot be replayed into another.
 */
export function communeIdOf(genesis: Signed<Genesis>): CommuneId {
  return sha256Hex(canonicalJson(genesis)).slice(0, 32);
}

export function createGenesis(signer: Signer, fields: Omit<Genesis, "nonce">, keys: KeyPair): Signed<Genesis> {
  return sign(signer, "genesis", { ...fields, nonce: randomId() }, keys);
}
