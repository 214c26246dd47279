import { base64urlnopad } from "@scure/base";
import { describe, expect, it } from "vitest";
import { DAY, T0, testKeys } from "../testing/commune-builder";
import { createInvite, INVITE_PREFIX, readInvite } from "./invite";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const ada = testKeys(1);
const fields = {
  commune: "0123456789abcdef0123456789abcdef",
  name: "Riverside",
  doc: "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ",
  relays: ["ws://127.0.0.1:3030"],
  secret: "ab".repeat(32),
  at: T0,
  expiresAt: T0 + 7 * DAY,
};

const decode = (invite: string) => JSON.parse(new TextDecoder().decode(base64urlnopad.decode(invite.slice(INVITE_PREFIX.length))));
const encode = (value: unknown) => INVITE_PREFIX + base64urlnopad.encode(new TextEncoder().encode(JSON.stringify(value)));

describe("invites", () => {
  it("reads back what the inviter put in, signed by them", () => {
    const result = readInvite(crypto, createInvite(crypto, fields, ada), T0 + DAY);
    expect(result.ok && result.value).toMatchObject({ commune: fields.commune, name: "Riverside", by: ada.publicKey, grant: { expiresAt: T0 + 7 * DAY } });
  });

  it("tolerates the whitespace a paste brings along", () => {
    expect(readInvite(crypto, `  ${createInvite(crypto, fields, ada)}\n`, T0).ok).toBe(true);
  });

  it.each([
    ["", "Paste the invite you were sent."],
    ["hello", 'This is not a Commune invite: an invite starts with "commune-invite:".'],
    ["commune-partner:eyJ2IjoxfQ", "This is a partner offer between communes, not an invite for a person: a member of the commune it is for reads it."],
    [`${INVITE_PREFIX}!!!`, "This invite is incomplete or damaged: copy the whole invite again."],
    [`${INVITE_PREFIX}${"A".repeat(9000)}`, "This invite is far too long to be genuine."],
    [encode({ v: 2 }), "This invite is incomplete or damaged: copy the whole invite again."],
    [encode([1, 2, 3]), "This invite is incomplete or damaged: copy the whole invite again."],
  ])("rejects %j with a clear message", (text, message) => {
    expect(readInvite(crypto, text, T0)).toEqual({ ok: false, error: expect.objectContaining({ message }) });
  });

  it("rejects a truncated invite", () => {
    const invite = createInvite(crypto, fields, ada);
    expect(readInvite(crypto, invite.slice(0, invite.length - 10), T0)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: "This invite is incomplete or damaged: copy the whole invite again." }),
    });
  });

  it.each([
    ["relays", ["ws://evil.example:3030"]],
    ["doc", "automerge:3j9knpCseyhnK8izDmLpGP5WMdZQ"],
    ["secret", "cd".repeat(32)],
    ["name", "Elsewhere"],
  ])("rejects an invite whose %s was changed after signing", (field, value) => {
    const tampered = { ...decode(createInvite(crypto, fields, ada)), [field]: value };
    expect(readInvite(crypto, encode(tampered), T0)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: "This invite has been altered: ask for a new one." }),
    });
  });

  it("rejects an invite whose grant was extended after signing", () => {
    const invite = decode(createInvite(crypto, fields, ada));
    invite.grant.expiresAt += 100 * DAY;
    expect(readInvite(crypto, encode(invite), T0)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: "This invite has been altered: ask for a new one." }),
    });
  });

  it("rejects an expired invite and says when it expired", () => {
    expect(readInvite(crypto, createInvite(crypto, fields, ada), T0 + 8 * DAY)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: "This invite expired on 2026-01-08: ask for a new one." }),
    });
  });
});

describe("an invite with a key named twice", () => {
  it("is refused as altered, though its signed values come last", () => {
    const invite = createInvite(crypto, fields, ada);
    const json = new TextDecoder().decode(base64urlnopad.decode(invite.slice(INVITE_PREFIX.length)));
    const forged = INVITE_PREFIX + base64urlnopad.encode(new TextEncoder().encode(json.replace("{", '{"relays":["wss://evil.example"],')));
    expect(readInvite(crypto, forged, T0 + DAY)).toMatchObject({ ok: false, error: { code: "invite.altered" } });
  });
});
