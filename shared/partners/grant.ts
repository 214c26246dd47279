import { base64 } from "@scure/base";
import { z } from "zod";
import { communeId, publicKey, signature, time } from "../docs/fields";
import type { Signer, Verifier } from "../identity/crypto";
import type { KeyPair } from "../identity/keys";
import { checkSignature, sign } from "../identity/signed";
import type { PrivacyCrypto } from "../privacy/crypto";
import { itemId } from "../privacy/headers";
import { fail, ok, type Result } from "../result";
import { shareKeysOf, type ShareKeys } from "./keys";

/**
 * A grant (docs/partners.md, "Partnership, step by step"): one commune gives
 * a partner the share key of what it shares with it, sealed to the
 * partner's box key for the partner's current epoch, and to its own box key
 * so that each of its own members can write the shared documents too. The
 * admission public key the share key derives is named in the clear: it is
 * what the relay admits by, and it binds the sealed key to the
 * registration (a key that derives another admission key is refused).
 *
 * Whether the signer may grant for its commune (an active member, by the
 * signed history at home, by the roster at the partner) is the caller's
 * check: this file knows no membership.
 */
export const GrantRecord = z.strictObject({
  /** The commune that grants. */
  commune: communeId,
  /** The commune granted to. */
  partner: communeId,
  /** The granting commune's epoch whose box key `ourBox` is. */
  epoch: itemId,
  /** The partner's box key the share key is sealed to in `toPartner`. */
  partnerBox: publicKey,
  ourBox: publicKey,
  admission: publicKey,
  toPartner: z.base64().max(256),
  toUs: z.base64().max(256),
  at: time,
  by: publicKey,
  sig: signature,
});
export type GrantRecord = z.infer<typeof GrantRecord>;

export interface NewGrant {
  commune: string;
  partner: string;
  epoch: string;
  partnerBox: string;
  ourBox: string;
  shareKey: Uint8Array;
  author: KeyPair;
  at: number;
}

export function makeGrant(crypto: PrivacyCrypto, signer: Signer, grant: NewGrant): Result<GrantRecord> {
  const toPartner = crypto.sealTo(grant.shareKey, grant.partnerBox);
  const toUs = crypto.sealTo(grant.shareKey, grant.ourBox);
  if (!toPartner) return fail("grant.badBoxKey", "The partner's box key is not a key anything can be sealed to; ask them for a new partner offer.");
  if (!toUs) return fail("grant.badBoxKey", "This commune's own box key is not a key anything can be sealed to.");
  const fields = {
    commune: grant.commune,
    partner: grant.partner,
    epoch: grant.epoch,
    partnerBox: grant.partnerBox,
    ourBox: grant.ourBox,
    admission: shareKeysOf(crypto, signer, grant.shareKey).admission.publicKey,
    toPartner: base64.encode(toPartner),
    toUs: base64.encode(toUs),
    at: grant.at,
  };
  return ok(sign(signer, "partner-grant", fields, grant.author));
}

/** Who opens a grant: the partner it was made for, or a member of the commune that made it. */
export interface GrantReader {
  /** Our commune's id. */
  commune: string;
  /** Our box key for the epoch the grant should be sealed to. */
  box: KeyPair;
}

/**
 * The share keys in a grant, for the partner it names or for the commune
 * that made it; anything else is refused with a reason, and nothing is
 * opened that a check before it refused.
 */
export function openGrant(crypto: PrivacyCrypto, signer: Signer, verifier: Verifier, input: unknown, reader: GrantReader): Result<ShareKeys> {
  const parsed = GrantRecord.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail("grant.malformed", `The grant is malformed: ${issue?.path.join(".") || "grant"} ${issue?.message ?? ""}`.trim());
  }
  const grant = parsed.data;
  if (checkSignature(verifier, "partner-grant", grant)) return fail("grant.badSignature", "The grant was altered after signing or is badly signed.");
  const forPartner = grant.partner === reader.commune;
  if (!forPartner && grant.commune !== reader.commune) return fail("grant.notForUs", "The grant is between two other communes.");
  const sealedTo = forPartner ? grant.partnerBox : grant.ourBox;
  if (sealedTo !== reader.box.publicKey) {
    return fail(
      "grant.otherBoxKey",
      forPartner
        ? "The grant is sealed to another epoch's box key of this commune (one before a member left, or a copy meant for someone else); the partner must grant again."
        : "The grant is sealed to another of this commune's epochs; a member who holds that epoch must grant again.",
    );
  }
  const opened = crypto.openSealed(base64.decode(forPartner ? grant.toPartner : grant.toUs), reader.box.secretKey);
  if (!opened || opened.length !== 32) return fail("grant.unopenable", "The grant's sealed key does not open with this commune's box key: it was altered.");
  const keys = shareKeysOf(crypto, signer, opened);
  if (keys.admission.publicKey !== grant.admission) {
    return fail("grant.keyMismatch", "The grant's sealed key is not the one its admission key was made from: it was swapped for another.");
  }
  return ok(keys);
}
