import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";

/**
 * How a member's host and a relay prove to each other that both know a
 * commune's secret, before a single byte of the commune's documents moves.
 *
 *   member -> relay   hello      { commune, peerId, nonce, register? }
 *   relay  -> member  challenge  { relayPeerId, nonce }
 *   member -> relay   proof      { mac }   HMAC(relayKey, transcript, "member")
 *   relay  -> member  welcome    { mac }   HMAC(relayKey, transcript, "relay")
 *                  or refused    { reason }
 *
 * The relay key is derived from the secret, so the secret itself never
 * crosses the network; the transcript binds both nonces, the commune and
 * both peer ids, so a proof cannot be replayed on another connection or
 * reused to claim another peer's id. A relay learns a commune's relay key
 * once, from a registration that carries the commune's signed genesis (so
 * only someone holding the commune's documents can register it).
 */
export const HANDSHAKE_VERSION = 1;
const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
/** Peer ids are ours to choose: short, printable, no separators that could confuse logs. */
export const peerIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,80}$/);

const signedRecord = z.looseObject({ by: z.string(), sig: z.string() });

export const helloSchema = z.strictObject({
  type: z.literal("hello"),
  v: z.literal(HANDSHAKE_VERSION),
  commune: hex(16),
  peerId: peerIdSchema,
  nonce: hex(16),
  /** Present when the member also asks the relay to serve this commune from now on. */
  register: z.strictObject({ genesis: signedRecord, relayKey: hex(32) }).optional(),
  peerMetadata: z.strictObject({ storageId: z.string().max(100).optional(), isEphemeral: z.boolean().optional() }).optional(),
});
export const challengeSchema = z.strictObject({ type: z.literal("challenge"), relayPeerId: peerIdSchema, nonce: hex(16) });
export const proofSchema = z.strictObject({ type: z.literal("proof"), mac: hex(32) });
export const welcomeSchema = z.strictObject({ type: z.literal("welcome"), mac: hex(32) });
export const refusedSchema = z.strictObject({ type: z.literal("refused"), reason: z.string().max(300) });

/**
 * The refusal of the plaintext handshake for a commune that moved to private
 * on this relay (docs/relay.md, "Moving existing communes"). An older host
 * shows these words; this version's host reads the frame the relay sends
 * after them, `privateChainSchema`: the commune's epoch records, so it opens
 * its lockbox and reconnects privately. Sent only to a socket that proved
 * the relay key.
 */
export const NOW_PRIVATE = "This commune is now private: update Commune";
export const privateChainSchema = z.strictObject({
  type: z.literal("private-chain"),
  records: z
    .array(z.base64().max(4 * 1024 * 1024))
    .min(1)
    .max(64),
});

export type Hello = z.infer<typeof helloSchema>;
export type Challenge = z.infer<typeof challengeSchema>;

export function relayKeyOf(secretHex: string): string {
  return bytesToHex(hmac(sha256, hexToBytes(secretHex), utf8ToBytes("commune/relay-key/v1")));
}

export interface Transcript {
  commune: string;
  peerId: string;
  relayPeerId: string;
  memberNonce: string;
  relayNonce: string;
}

export function handshakeMac(relayKey: string, transcript: Transcript, role: "member" | "relay"): string {
  const text = [
    "commune/relay-handshake/v1",
    role,
    transcript.commune,
    transcript.peerId,
    transcript.relayPeerId,
    transcript.memberNonce,
    transcript.relayNonce,
  ].join("\n");
  return bytesToHex(hmac(sha256, hexToBytes(relayKey), utf8ToBytes(text)));
}

/**
 * A moved commune's member proving the old relay key on the private protocol
 * (docs/relay.md, "Two moves at once", "The relay-key route"): the relay
 * accepts a first epoch not signed by the founder, or a second first epoch,
 * only with it. Over the connection's nonces and the epoch proven, under its
 * own label, so it is no plaintext handshake's MAC and holds for one
 * connection and one epoch only.
 */
export function firstEpochMac(relayKey: string, transcript: { commune: string; memberNonce: string; relayNonce: string; epoch: string }): string {
  const text = ["commune/private-first-epoch/v1", transcript.commune, transcript.memberNonce, transcript.relayNonce, transcript.epoch].join("\n");
  return bytesToHex(hmac(sha256, hexToBytes(relayKey), utf8ToBytes(text)));
}

/** Compares two MACs in time that does not depend on where they differ. */
export function sameMac(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
