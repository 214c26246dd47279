import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson } from "./canonical";
import type { Signer, Verifier } from "./crypto";
import type { KeyPair, PublicKey } from "./keys";

/**
 * Everything a member writes (purse entry, vote, proposal, membership event,
 * knowledge item) is a flat record with its author's key in `by` and an
 * Ed25519 signature in `sig` over the canonical encoding of every other field.
 *
 * The encoding starts with a purpose tag ("commune/entry/v1", ...) so a
 * signature made for one kind of record can never be replayed as another.
 */
export type Signed<T> = T & { by: PublicKey; sig: string };

export type SignaturePurpose =
  | "genesis"
  | "membership"
  | "entry"
  | "proposal"
  | "vote"
  | "comment"
  | "outcome"
  | "item"
  | "invite"
  | "invite-link"
  | "snapshot"
  | "checkpoint"
  | "private-item"
  | "admission"
  | "partner-offer"
  | "partner-grant"
  | "partner-roster"
  | "exchange-decline"
  | "partner-end"
  | "partner-moved"
  | "genesis-anchor";

function signedMessage(purpose: SignaturePurpose, fields: object): Uint8Array {
  return utf8ToBytes(`commune/${purpose}/v1\n${canonicalJson(fields)}`);
}

export function sign<T extends object>(signer: Signer, purpose: SignaturePurpose, fields: T, keys: KeyPair): Signed<T> {
  // A record signed again carries its old sig; checkSignature leaves sig out, so signing must too.
  const { sig: _previous, ...unsigned } = fields as T & { sig?: unknown };
  const withAuthor = { ...unsigned, by: keys.publicKey };
  return { ...withAuthor, sig: signer.signBytes(signedMessage(purpose, withAuthor), keys.secretKey) } as Signed<T>;
}

export type SignatureProblem = "unsigned" | "bad signature";

/**
 * Checks the signature of a record that came from someone else's document.
 * "unsigned" when there is no signature at all; "bad signature" when there is
 * one but it does not match (altered after signing, or signed by another key).
 */
export function checkSignature(verifier: Verifier, purpose: SignaturePurpose, record: { by?: unknown; sig?: unknown }): SignatureProblem | undefined {
  const claim = signatureClaim(purpose, record);
  if (typeof claim === "string") return claim;
  let valid = verifier.knownVerdict(claim.key);
  if (valid === undefined) {
    valid = verifier.verifyBytes(record.sig, claim.message, record.by);
    verifier.recordVerification(claim.key, valid);
  }
  return valid ? undefined : "bad signature";
}

/**
 * What checking a record's signature takes: the signed message and the key
 * its verdict is remembered under; or the problem, when there is nothing to
 * verify. Split from checkSignature so a host can verify on other threads
 * and still answer exactly as checkSignature would.
 */
export type SignatureClaim = { message: Uint8Array; key: string } | SignatureProblem;

export function signatureClaim(purpose: SignaturePurpose, record: { by?: unknown; sig?: unknown }): SignatureClaim {
  if (record.sig === undefined || record.sig === null || record.sig === "") return "unsigned";
  const { sig, ...fields } = record;
  let message: Uint8Array;
  try {
    message = signedMessage(purpose, fields);
  } catch {
    return "bad signature";
  }
  return { message, key: verdictKey(sig, message, record.by) };
}

/**
 * Verdicts are remembered (by the verifier's cache) under a digest of (key,
 * signature, message): a changed field changes the digest, so nothing forged
 * can hit the cache.
 */
const verdictKey = (sig: unknown, message: Uint8Array, by: unknown): string =>
  bytesToHex(sha256(utf8ToBytes(`${String(by)}:${String(sig)}:${bytesToHex(sha256(message))}`)).subarray(0, 16));
