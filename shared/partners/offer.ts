import { base64urlnopad } from "@scure/base";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import { communeId, publicKey, signature } from "../docs/fields";
import { parseRelayUrl } from "../docs/link";
import type { Signer, Verifier } from "../identity/crypto";
import { randomId, type KeyPair } from "../identity/keys";
import { checkSignature, sign } from "../identity/signed";
import { INVITE_PREFIX, PARTNER_OFFER_PREFIX } from "../invite/invite";
import { itemId } from "../privacy/headers";
import { fail, ok, type Result } from "../result";
import { duplicateKey } from "../snapshot/json-text";

/**
 * A partner offer (docs/partners.md, step 1 of "Partnership, step by
 * step"): one string a member of a commune sends to another commune, like
 * an invite but from a commune to a commune. It commits no one to anything:
 * the commune that receives it decides by a proposal. It carries what the
 * other side needs to answer: where we sync, and the box key of our
 * current epoch that a grant to us is sealed to. Signed by the member who
 * made it, whose key anchors our roster (docs/partners.md, "The roster").
 */
export { PARTNER_OFFER_PREFIX };
const MAX_OFFER_LENGTH = 4_000;
const time = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const PartnerOffer = z.strictObject({
  v: z.literal(1),
  /** The offer's own id: what the answer cites. */
  id: z.string().regex(/^[0-9a-f]{32}$/),
  commune: communeId,
  /** Shown as "Riverside offers a partnership" before anything has synced. */
  name: z.string().min(1).max(100),
  relays: z.array(z.string().max(300)).min(1).max(10),
  /** Our epoch when the offer was made, and its box key. */
  epoch: itemId,
  box: publicKey,
  at: time,
  expiresAt: time,
  by: publicKey,
  sig: signature,
});
export type PartnerOffer = z.infer<typeof PartnerOffer>;

export interface NewPartnerOffer {
  commune: string;
  name: string;
  relays: string[];
  epoch: string;
  box: string;
  at: number;
  expiresAt: number;
}

export function createPartnerOffer(signer: Signer, fields: NewPartnerOffer, member: KeyPair): string {
  const offer = sign(signer, "partner-offer", { v: 1 as const, id: randomId(), ...fields }, member);
  return PARTNER_OFFER_PREFIX + base64urlnopad.encode(utf8ToBytes(JSON.stringify(offer)));
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const field = { field: "offer" } as const;

/**
 * Reads a pasted partner offer and checks all that can be checked before
 * anyone connects: its form, its signature, its relays, its expiry, and that
 * it is not our own commune's. Whether its signer is a member of the
 * offering commune is known only from the roster that comes with its grant.
 */
export function readPartnerOffer(verifier: Verifier, text: string, now: number, ourCommune: string): Result<PartnerOffer> {
  const trimmed = text.trim();
  if (trimmed === "") return fail("offer.empty", "Paste the partner offer the other commune sent.", field);
  if (trimmed.startsWith(INVITE_PREFIX))
    return fail(
      "offer.isAnInvite",
      "This is an invite for a person to join a commune, not a partner offer between communes: use Join a commune for it.",
      field,
    );
  if (!trimmed.startsWith(PARTNER_OFFER_PREFIX))
    return fail("offer.notAnOffer", `This is not a partner offer: an offer starts with "${PARTNER_OFFER_PREFIX}".`, field);
  if (trimmed.length > MAX_OFFER_LENGTH) return fail("offer.tooLong", "This partner offer is far too long to be genuine.", field);
  let json: string;
  let parsed: unknown;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(base64urlnopad.decode(trimmed.slice(PARTNER_OFFER_PREFIX.length)));
    parsed = JSON.parse(json);
  } catch {
    return fail("offer.damaged", "This partner offer is incomplete or damaged: copy the whole offer again.", field);
  }
  // Signed JSON with a key twice reads two ways (see ../snapshot/json-text).
  if (duplicateKey(json) !== undefined) return fail("offer.altered", "This partner offer has been altered: ask for a new one.", field);
  const shape = PartnerOffer.safeParse(parsed);
  if (!shape.success) return fail("offer.damaged", "This partner offer is incomplete or damaged: copy the whole offer again.", field);
  return checkPartnerOffer(verifier, shape.data, now, ourCommune);
}

/** The checks of a well-formed offer, wherever it came from (pasted alone, or inside an answer: ./answer.ts). */
export function checkPartnerOffer(verifier: Verifier, offer: PartnerOffer, now: number, ourCommune: string): Result<PartnerOffer> {
  if (checkSignature(verifier, "partner-offer", offer)) return fail("offer.altered", "This partner offer has been altered: ask for a new one.", field);
  for (const relay of offer.relays) {
    const url = parseRelayUrl(relay);
    if (!url.ok) return fail("offer.badRelay", `This partner offer names a relay that cannot be used: ${url.error.message}`, field);
  }
  if (offer.commune === ourCommune) return fail("offer.ownCommune", `This offer is from ${offer.name} itself: send it to the other commune instead.`, field);
  if (offer.expiresAt <= now) return fail("offer.expired", `This partner offer expired on ${day(offer.expiresAt)}: ask ${offer.name} for a new one.`, field);
  return ok(offer);
}
