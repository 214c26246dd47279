import { duplicateKey } from "../snapshot/json-text";
import { base64urlnopad } from "@scure/base";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import type { InviteGrant } from "../commune/events";
import type { CommuneId } from "../commune/genesis";
import { isPublicKey, randomId, type KeyPair, type PublicKey } from "../identity/keys";
import type { Signer, Verifier } from "../identity/crypto";
import { checkSignature, sign, type Signed } from "../identity/signed";
import { fail, ok, type Result } from "../result";
import { parseRelayUrl } from "../docs/link";

/**
 * Everything a new member needs, in one string to paste or scan: where to
 * sync (relays), what to sync (the commune document), the commune secret
 * that relays ask proof of, and the inviter's signed grant that admits them.
 * The inviter signs the whole invite, so a changed relay or document is
 * caught before the new member connects anywhere.
 */
export interface Invite {
  v: 1;
  commune: CommuneId;
  /** The commune's name, to show "You are invited to Riverside" before anything has synced. */
  name: string;
  /** Automerge URL of the CommuneDoc. */
  doc: string;
  relays: string[];
  /** 32 random bytes as hex, shared by all members; relays ask for proof of it, never for it. */
  secret: string;
  /**
   * A private commune's current epoch (issue 13): its record's id, its number
   * and its 32-byte key as hex. The newcomer proves it to the relays and
   * reads the older epochs down the chain of keys. Whoever holds the invite
   * reads the commune's relays until the next rotation: it is as secret as
   * the invite's grant. Absent for a plaintext commune.
   */
  epoch?: InviteEpoch;
  grant: Signed<InviteGrant>;
}

export interface InviteEpoch {
  id: string;
  number: number;
  key: string;
}

export type SignedInvite = Signed<Invite>;

export const INVITE_PREFIX = "commune-invite:";
/** A partner offer's prefix (shared/partners/offer.ts), here beside the invite's so each reader can tell a member who pasted the other. */
export const PARTNER_OFFER_PREFIX = "commune-partner:";
const MAX_INVITE_LENGTH = 8_000;
const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const time = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const inviteSchema = z.strictObject({
  v: z.literal(1),
  commune: hex(16),
  name: z.string().min(1).max(100),
  doc: z.string().regex(/^automerge:[1-9A-HJ-NP-Za-km-z]{20,60}$/),
  relays: z.array(z.string().max(300)).min(1).max(10),
  secret: hex(32),
  epoch: z.strictObject({ id: hex(32), number: z.number().int().min(1).max(1_000_000), key: hex(32) }).optional(),
  grant: z.strictObject({ commune: hex(16), id: z.string().min(1).max(64), at: time, expiresAt: time, by: z.string(), sig: z.string() }),
  by: z.string(),
  sig: z.string(),
});

export function createInvite(
  signer: Signer,
  fields: { commune: CommuneId; name: string; doc: string; relays: string[]; secret: string; at: number; expiresAt: number; epoch?: InviteEpoch },
  inviter: KeyPair,
): string {
  const grant = sign(signer, "invite", { commune: fields.commune, id: randomId(), at: fields.at, expiresAt: fields.expiresAt }, inviter);
  const invite = sign(
    signer,
    "invite-link",
    {
      v: 1 as const,
      commune: fields.commune,
      name: fields.name,
      doc: fields.doc,
      relays: fields.relays,
      secret: fields.secret,
      ...(fields.epoch ? { epoch: fields.epoch } : {}),
      grant,
    },
    inviter,
  );
  return INVITE_PREFIX + base64urlnopad.encode(utf8ToBytes(JSON.stringify(invite)));
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * Reads a pasted invite and checks everything that can be checked before
 * connecting: its form, the inviter's signatures, and its expiry. Whether the
 * inviter is really a member is known only once the commune has synced.
 */
export function readInvite(verifier: Verifier, text: string, now: number): Result<SignedInvite> {
  const trimmed = text.trim();
  if (trimmed === "") return fail("invite.empty", "Paste the invite you were sent.", { field: "invite" });
  if (trimmed.startsWith(PARTNER_OFFER_PREFIX))
    return fail("invite.isPartnerOffer", "This is a partner offer between communes, not an invite for a person: a member of the commune it is for reads it.", {
      field: "invite",
    });
  if (!trimmed.startsWith(INVITE_PREFIX))
    return fail("invite.notAnInvite", `This is not a Commune invite: an invite starts with "${INVITE_PREFIX}".`, { field: "invite" });
  if (trimmed.length > MAX_INVITE_LENGTH) return fail("invite.tooLong", "This invite is far too long to be genuine.", { field: "invite" });
  let parsed: unknown;
  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(base64urlnopad.decode(trimmed.slice(INVITE_PREFIX.length)));
    parsed = JSON.parse(json);
  } catch {
    return fail("invite.damaged", "This invite is incomplete or damaged: copy the whole invite again.", { field: "invite" });
  }
  // Signed JSON with a key twice reads two ways (see ../snapshot/json-text).
  if (duplicateKey(json) !== undefined) return fail("invite.altered", "This invite has been altered: ask for a new one.", { field: "invite" });
  const shape = inviteSchema.safeParse(parsed);
  if (!shape.success) return fail("invite.damaged", "This invite is incomplete or damaged: copy the whole invite again.", { field: "invite" });
  const invite = shape.data as SignedInvite;
  if (!isPublicKey(invite.by) || invite.grant.by !== invite.by || invite.grant.commune !== invite.commune) {
    return fail("invite.altered", "This invite has been altered: ask for a new one.", { field: "invite" });
  }
  if (checkSignature(verifier, "invite-link", invite) || checkSignature(verifier, "invite", invite.grant))
    return fail("invite.altered", "This invite has been altered: ask for a new one.", { field: "invite" });
  for (const relay of invite.relays) {
    const url = parseRelayUrl(relay);
    if (!url.ok) return fail("invite.badRelay", `This invite names a relay that cannot be used: ${url.error.message}`, { field: "invite" });
  }
  if (invite.grant.expiresAt <= now)
    return fail("invite.expired", `This invite expired on ${day(invite.grant.expiresAt)}: ask for a new one.`, { field: "invite" });
  return ok(invite);
}

export const inviterOf = (invite: SignedInvite): PublicKey => invite.by;
