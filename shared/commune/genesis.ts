import { canonicalJson } from "../identity/canonical";
import { randomId, sha256Hex, type KeyPair, type PublicKey } from "../identity/keys";
import type { Signer, Verifier } from "../identity/crypto";
import { checkSignature, sign, type Signed } from "../identity/signed";
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
  /**
   * A private commune's founding anchor signature (see GenesisAnchor): with
   * `admission` present it is required, and the commune id is the hash of the
   * anchor rather than of this whole record, so a relay registers the commune
   * without reading its name, founder's name or rules.
   */
  anchorSig?: string;
}

/**
 * What a relay sees of a private commune's genesis: the first epoch's
 * admission key and a SHA-256 commitment to every readable field (name,
 * founder's name, time, rules, and the random nonce that makes the hash
 * unguessable), signed by the founder. Its hash is the commune id.
 */
export type GenesisAnchor = Signed<{ admission: PublicKey; contents: string }>;

/** The commitment to a genesis's readable fields: everything but the anchor's own fields and the signatures. */
export function genesisContentsOf(
  genesis: Omit<Genesis, "admission" | "anchorSig"> & { admission?: unknown; anchorSig?: unknown; by?: unknown; sig?: unknown },
): string {
  const { admission: _admission, anchorSig: _anchorSig, by: _by, sig: _sig, ...readable } = genesis;
  return sha256Hex(canonicalJson(readable));
}

/** A private commune's anchor, as its members rebuild it from the full genesis; undefined for a plaintext commune. */
export function anchorOf(genesis: Signed<Genesis>): GenesisAnchor | undefined {
  if (genesis.admission === undefined) return undefined;
  return { admission: genesis.admission, contents: genesisContentsOf(genesis), by: genesis.by, sig: genesis.anchorSig ?? "" };
}

/** The commune id an anchor names: the same 128 bits a member derives from the full genesis. */
export function anchorIdOf(anchor: GenesisAnchor): CommuneId {
  return sha256Hex(canonicalJson(anchor)).slice(0, 32);
}

/** 32 hex digits derived from the signed genesis. */
export type CommuneId = string;

/**
 * The commune id: the first 128 bits of SHA-256 over the signed genesis in
 * canonical form. Invites carry it, and every signed record names it, so a
 * record signed for one commune cannot be replayed into another.
 */
export function communeIdOf(genesis: Signed<Genesis>): CommuneId {
  const anchor = anchorOf(genesis);
  if (anchor) return anchorIdOf(anchor);
  return sha256Hex(canonicalJson(genesis)).slice(0, 32);
}

export function createGenesis(signer: Signer, fields: Omit<Genesis, "nonce" | "anchorSig">, keys: KeyPair): Signed<Genesis> {
  const withNonce = { ...fields, nonce: randomId() };
  if (withNonce.admission === undefined) return sign(signer, "genesis", withNonce, keys);
  const anchor = sign(signer, "genesis-anchor", { admission: withNonce.admission, contents: genesisContentsOf(withNonce) }, keys);
  return sign(signer, "genesis", { ...withNonce, anchorSig: anchor.sig }, keys);
}

/**
 * Why a private genesis's anchor does not hold (undefined when it does, or
 * when the commune is not private). The outer signature covers anchorSig, but
 * only the anchor's own signature is what a relay can check.
 */
export function anchorProblem(verifier: Verifier, genesis: Signed<Genesis>): string | undefined {
  const anchor = anchorOf(genesis);
  if (!anchor) return undefined;
  if (checkSignature(verifier, "genesis-anchor", anchor) !== undefined) return "The private commune's founding anchor is not validly signed by its founder";
  return undefined;
}
