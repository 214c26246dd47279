import type { Signer } from "../identity/crypto";
import { keyPairFromSecret, type KeyPair } from "../identity/keys";
import type { PrivacyCrypto } from "../privacy/crypto";

/**
 * The keys of a partnership (docs/partners.md, "Keys"), derived with
 * libsodium's crypto_kdf like the epoch's own (shared/privacy/epochs.ts
 * uses ids 1 and 2 of other contexts; a context here is its own space).
 *
 * - A commune's **box key** for an epoch: an Ed25519 key pair from the
 *   epoch key, whose public half partners seal to (PrivacyCrypto.sealTo
 *   converts it to X25519, as for a member's key). Everyone who holds the
 *   epoch opens it; a member removed before the epoch does not.
 * - A partnership's **share key**: 32 random bytes per partner and epoch,
 *   from which the data key of the documents shared with that partner and
 *   the admission key pair the relay checks for them are derived.
 */
const BOX = { id: 1, context: "commbox_" } as const;
const SHARE_DATA = { id: 1, context: "sharedat" } as const;
const SHARE_ADMISSION = { id: 2, context: "shareadm" } as const;

export function communeBoxKeyOf(crypto: PrivacyCrypto, signer: Signer, epochKey: Uint8Array): KeyPair {
  return keyPairFromSecret(crypto.derive(epochKey, BOX.id, BOX.context), signer.publicKeyOf);
}

export interface ShareKeys {
  shareKey: Uint8Array;
  /** XChaCha20-Poly1305 key of the documents shared with the partner. */
  dataKey: Uint8Array;
  /** What the relay admits the partner (and our members) to the shared documents by; the relay holds the public half only. */
  admission: KeyPair;
}

export function shareKeysOf(crypto: PrivacyCrypto, signer: Signer, shareKey: Uint8Array): ShareKeys {
  return {
    shareKey,
    dataKey: crypto.derive(shareKey, SHARE_DATA.id, SHARE_DATA.context),
    admission: keyPairFromSecret(crypto.derive(shareKey, SHARE_ADMISSION.id, SHARE_ADMISSION.context), signer.publicKeyOf),
  };
}
