import { z } from "zod";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { communeId, publicKey, signature, time } from "../docs/fields";
import type { Signer, Verifier } from "../identity/crypto";
import type { KeyPair } from "../identity/keys";
import { checkSignature, sign, type SignatureProblem } from "../identity/signed";

/**
 * The clear part of what a private commune puts on a relay (docs/relay.md,
 * "The private commune"). The relay reads only these headers; everything a
 * member wrote is in the payload, encrypted. A header is also the AEAD's
 * associated data and part of what the author signs, so a payload moved to
 * another commune, document or epoch no longer opens or verifies.
 */
export const PRIVATE_PROTOCOL = "commune-private/1";

/** Hex SHA-256: the id of an epoch record or a batch. */
export const itemId = z.string().regex(/^[0-9a-f]{64}$/, "must be an item id (64 lowercase hex digits)");
/** The document ids automerge-repo makes (bs58check of 16 random bytes), bounded. */
export const documentId = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{10,64}$/, "must be a document id");
const sequence = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const EpochHeader = z.strictObject({
  kind: z.literal("epoch"),
  commune: communeId,
  /** 1 for a commune's first epoch, parent's + 1 after. */
  epoch: z.number().int().min(1).max(1_000_000),
  parent: itemId.nullable(),
  /** Ed25519 public key the relay admits this epoch's holders by. */
  admission: publicKey,
  by: publicKey,
  at: time,
});

export const BatchHeader = z.strictObject({
  kind: z.literal("batch"),
  commune: communeId,
  document: documentId,
  epoch: itemId,
  by: publicKey,
  at: time,
});

export const SnapshotHeader = z.strictObject({
  kind: z.literal("snapshot"),
  commune: communeId,
  document: documentId,
  epoch: itemId,
  by: publicKey,
  at: time,
  /** The highest relay sequence number whose batches of this document it holds. */
  covers: sequence,
});

export const ItemHeader = z.discriminatedUnion("kind", [EpochHeader, BatchHeader, SnapshotHeader]);

export type EpochHeader = z.infer<typeof EpochHeader>;
export type BatchHeader = z.infer<typeof BatchHeader>;
export type SnapshotHeader = z.infer<typeof SnapshotHeader>;
export type ItemHeader = z.infer<typeof ItemHeader>;

/**
 * A header with its author's signature (purpose "private-item", shared/identity/signed.ts)
 * over (header, hex SHA-256 of the payload). `by` repeats `header.by` because
 * `sign` and `checkSignature` read the author there.
 */
export const SignedHeader = z
  .strictObject({ header: ItemHeader, payloadHash: itemId, by: publicKey, sig: signature })
  .refine((signed) => signed.by === signed.header.by, { message: "must be signed by the header's author", path: ["by"] });
export type SignedHeader = z.infer<typeof SignedHeader>;

/** One item as stored and sent: the signed clear header and the opaque payload. */
export interface SealedItem {
  signed: SignedHeader;
  payload: Uint8Array;
}

/** Bounds checked before anything is parsed. */
export const ITEM_LIMITS = {
  headerBytes: 4 * 1024,
  /** A compacted snapshot of a large purse shard can be large; a batch is usually small. */
  payloadBytes: 64 * 1024 * 1024,
} as const;

export type ItemProblem = { code: "item.malformed" | "item.tooLarge"; message: string };

/**
 * Binary form: 4-byte big-endian length of the UTF-8 JSON signed header,
 * the header, then the payload.
 */
export function encodeItem(item: SealedItem): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(item.signed));
  const bytes = new Uint8Array(4 + header.length + item.payload.length);
  new DataView(bytes.buffer).setUint32(0, header.length);
  bytes.set(header, 4);
  bytes.set(item.payload, 4 + header.length);
  return bytes;
}

export function decodeItem(bytes: Uint8Array): { ok: true; item: SealedItem } | { ok: false; problem: ItemProblem } {
  if (bytes.length < 4) return { ok: false, problem: { code: "item.malformed", message: "The item is shorter than its length prefix." } };
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (headerLength > ITEM_LIMITS.headerBytes) {
    return {
      ok: false,
      problem: { code: "item.tooLarge", message: `The item's header is ${headerLength} bytes; at most ${ITEM_LIMITS.headerBytes} are read.` },
    };
  }
  if (4 + headerLength > bytes.length) return { ok: false, problem: { code: "item.malformed", message: "The item ends inside its header." } };
  const payloadLength = bytes.length - 4 - headerLength;
  if (payloadLength > ITEM_LIMITS.payloadBytes) {
    return {
      ok: false,
      problem: { code: "item.tooLarge", message: `The item's payload is ${payloadLength} bytes; at most ${ITEM_LIMITS.payloadBytes} are accepted.` },
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(4, 4 + headerLength)));
  } catch {
    return { ok: false, problem: { code: "item.malformed", message: "The item's header is not JSON." } };
  }
  const signed = SignedHeader.safeParse(json);
  if (!signed.success) {
    const issue = signed.error.issues[0];
    return {
      ok: false,
      problem: { code: "item.malformed", message: `The item's header is malformed: ${issue?.path.join(".") || "header"} ${issue?.message ?? ""}`.trim() },
    };
  }
  return { ok: true, item: { signed: signed.data, payload: bytes.slice(4 + headerLength) } };
}

/** Signs a header over the payload it travels with; the author is `keys`, who must be `header.by`. */
export function signItem(signer: Signer, header: ItemHeader, payload: Uint8Array, keys: KeyPair): SealedItem {
  if (header.by !== keys.publicKey) throw new Error("signItem: the header names another author");
  const signed = sign(signer, "private-item", { header, payloadHash: bytesToHex(sha256(payload)) }, keys);
  return { signed, payload };
}

/** The author's signature holds over this header and this very payload. */
export function checkItemSignature(verifier: Verifier, item: SealedItem): SignatureProblem | "payload changed" | undefined {
  if (bytesToHex(sha256(item.payload)) !== item.signed.payloadHash) return "payload changed";
  return checkSignature(verifier, "private-item", item.signed);
}

/** An item's id: the SHA-256 of its signed header, which binds the payload by its hash. */
export const idOfItem = (item: SealedItem): string => bytesToHex(sha256(new TextEncoder().encode(JSON.stringify(item.signed))));
