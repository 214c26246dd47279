import { z } from "zod";
import { communeId, publicKey, signature } from "../../shared/docs/fields";
import type { Signer } from "../../shared/identity/crypto";
import type { KeyPair } from "../../shared/identity/keys";
import { sign } from "../../shared/identity/signed";
import { documentId, itemId, PRIVATE_PROTOCOL } from "../../shared/privacy/headers";

/**
 * The private commune's relay protocol (docs/relay.md, "The private commune",
 * "What step 2 built"). JSON text frames for control, binary frames for items:
 *
 *   member -> relay  hello       { type, protocol, commune, nonce, register? }
 *   relay  -> member challenge   { type, nonce, tips }
 *   member -> relay  proof       { type, epoch, sig, relayKey? }
 *   relay  -> member welcome     { type, epoch, head } | refused { type, code, reason } | superseded { type, records }
 *   member -> relay  put         binary: u32 n, JSON { type: "put", proof?, siblings? } (n bytes), the item
 *   relay  -> member stored      { type, seq, id } | rejected { type, code, reason, id? }
 *   member -> relay  fetch       { type, since }
 *   relay  -> member item        binary: u32 n, JSON { type: "item", seq } (n bytes), the item
 *   relay  -> member caught-up   { type, head }
 *   member -> relay  snapshots   { type }                 the latest snapshot of each document, as items,
 *   relay  -> member snapshots-sent { type, head }        then this (a newcomer's fast start)
 *   member -> relay  forget      { type }                 a moved commune's plaintext copy goes,
 *   relay  -> member forgotten   { type }                 then this
 *   member -> relay  share       { type, document, admission }   a partner may read `document` (docs/partners.md),
 *   relay  -> member shared      { type, document }              then this; unshare / unshared drop it
 *
 * A partner's socket (docs/partners.md, "The relay serves a partner exactly
 * what was granted") says `partner: { document }` in its hello, proves the
 * partner admission key for that document, and is welcomed with
 * `partner-welcome { type, document, head }`. It may only fetch: it is sent
 * that document's items and nothing else, and a put is answered `rejected`.
 *
 * Every schema is strict and bounded; a frame is measured before it is parsed.
 */
export { PRIVATE_PROTOCOL };

const nonce = z.string().regex(/^[0-9a-f]{32}$/, "must be 32 hex digits");
/** An encoded item (shared/privacy/headers.ts encodeItem) carried in JSON. */
const encodedItem = z.base64().max(4 * 1024 * 1024);

/** A registration's chain of epochs: more than this is not a commune's history but a flood. */
export const MAX_REGISTERED_EPOCHS = 64;
/** The hello may carry a registration (a genesis and the epoch chain with its lockboxes), so it may be larger than today's. */
export const MAX_PRIVATE_HELLO_BYTES = 1024 * 1024;
/** A put frame's JSON options, before the item. */
export const MAX_PUT_OPTIONS_BYTES = 16 * 1024;
/** Proofs of a parent's existing children, to add a sibling (docs/relay.md: a second child). */
export const MAX_SIBLING_PROOFS = 16;
/** Puts of one socket the relay holds before it answers them; more waiting closes the socket... */
export const MAX_PUTS_WAITING = 32;
/** ...as do more than this many bytes of them (one put of any size the socket's frame limit allows is always taken). */
export const MAX_PUT_BYTES_WAITING = 64 * 1024 * 1024;

export const privateHello = z.strictObject({
  type: z.literal("hello"),
  protocol: z.literal(PRIVATE_PROTOCOL),
  commune: communeId,
  nonce,
  register: z
    .strictObject({
      // A founding anchor, or the genesis of a commune moved from plaintext: checkRegistration tells them apart.
      genesis: z.looseObject({ by: publicKey, sig: signature }),
      epochs: z.array(encodedItem).min(1).max(MAX_REGISTERED_EPOCHS),
    })
    .optional(),
  /** A partner of the commune asking for the one document shared with it. */
  partner: z.strictObject({ document: documentId }).optional(),
});
export type PrivateHello = z.infer<typeof privateHello>;

export const challenge = z.strictObject({ type: z.literal("challenge"), nonce, tips: z.array(itemId) });
export const proof = z.strictObject({
  type: z.literal("proof"),
  epoch: itemId,
  sig: signature,
  /** A moved commune's old relay key, proven (firstEpochMac): what registers a first epoch not signed by its founder, or a second one. */
  relayKey: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export const welcome = z.strictObject({ type: z.literal("welcome"), epoch: itemId, head: z.number().int().min(0) });
export const refused = z.strictObject({ type: z.literal("refused"), code: z.string(), reason: z.string() });
export const superseded = z.strictObject({ type: z.literal("superseded"), records: z.array(encodedItem) });
export const fetch = z.strictObject({ type: z.literal("fetch"), since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
export const stored = z.strictObject({ type: z.literal("stored"), seq: z.number().int().min(1), id: itemId });
export const rejected = z.strictObject({ type: z.literal("rejected"), code: z.string(), reason: z.string(), id: itemId.optional() });
export const caughtUp = z.strictObject({ type: z.literal("caught-up"), head: z.number().int().min(0) });

const siblingProof = z.strictObject({ epoch: itemId, sig: signature });
export const putOptions = z.strictObject({
  type: z.literal("put"),
  /** For an epoch record: the child's admission key's signature over this socket's transcript with the child's id. */
  proof: signature.optional(),
  /** For a second child of an epoch: proofs of every child it already has. */
  siblings: z.array(siblingProof).max(MAX_SIBLING_PROOFS).optional(),
});
export type PutOptions = z.infer<typeof putOptions>;
export const itemFrameHeader = z.strictObject({ type: z.literal("item"), seq: z.number().int().min(1) });

export const snapshots = z.strictObject({ type: z.literal("snapshots") });
/**
 * A commune moved from plaintext (docs/relay.md, "Moving existing communes"):
 * once its snapshots are stored under the current epoch, a member asks the
 * relay to delete its plaintext copy; `forgotten` answers (also when there was
 * none). Only a socket admitted under a current epoch may ask.
 */
export const forget = z.strictObject({ type: z.literal("forget") });
export const forgotten = z.strictObject({ type: z.literal("forgotten") });
export const snapshotsSent = z.strictObject({ type: z.literal("snapshots-sent"), head: z.number().int().min(0) });

/** Text frames a member sends after its welcome. */
export const share = z.strictObject({ type: z.literal("share"), document: documentId, admission: publicKey });
export const unshare = z.strictObject({ type: z.literal("unshare"), document: documentId });
export const memberControl = z.discriminatedUnion("type", [fetch, snapshots, forget, share, unshare]);

/** A partner's proof: the partner admission key's signature over the connection's nonces and the document. */
export const sharedAnswer = z.strictObject({ type: z.enum(["shared", "unshared"]), document: documentId });
export const partnerProof = z.strictObject({ type: z.literal("proof"), document: documentId, sig: signature });
export const partnerWelcome = z.strictObject({ type: z.literal("partner-welcome"), document: documentId, head: z.number().int().min(0) });

/**
 * What an admission key signs (purpose "admission", shared/identity/signed.ts):
 * the commune, both nonces and the epoch, so a proof holds for this one
 * connection and this one epoch only.
 */
export interface AdmissionTranscript {
  commune: string;
  memberNonce: string;
  relayNonce: string;
  epoch: string;
}

/** What a partner admission key signs: the document in place of an epoch, so no partner proof reads as an epoch's. */
export interface PartnerTranscript {
  commune: string;
  memberNonce: string;
  relayNonce: string;
  document: string;
}

export function partnerAdmissionProof(signer: Signer, transcript: PartnerTranscript, admission: KeyPair): string {
  return sign(signer, "admission", { ...transcript }, admission).sig;
}

/** A member's proof for `epoch`, signed with that epoch's admission key pair. */
export function admissionProof(signer: Signer, transcript: AdmissionTranscript, admission: KeyPair): string {
  return sign(signer, "admission", { ...transcript }, admission).sig;
}

/** A binary frame: u32 length of a JSON head, the head, then the body (an encoded item). */
export function encodeFrame(head: object, body: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(head));
  const frame = new Uint8Array(4 + json.length + body.length);
  new DataView(frame.buffer).setUint32(0, json.length);
  frame.set(json, 4);
  frame.set(body, 4 + json.length);
  return frame;
}

/** Splits a binary frame; undefined when its head is longer than `maxHead` or does not fit, or is not JSON. */
export function decodeFrame(frame: Uint8Array, maxHead: number): { head: unknown; body: Uint8Array } | undefined {
  if (frame.length < 4) return undefined;
  const length = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0);
  if (length > maxHead || 4 + length > frame.length) return undefined;
  try {
    const head: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(frame.subarray(4, 4 + length)));
    return { head, body: frame.subarray(4 + length) };
  } catch {
    return undefined;
  }
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}
