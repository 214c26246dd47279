import { describe, expect, it } from "vitest";
import { checkSignature, sign } from "../identity/signed";
import { parseWith } from "./reasons";
import { entrySchema, genesisSchema, itemSchema, membershipEventSchema, proposalSchema, voteSchema } from "./records";
import { ada, bo, commune, entry, genesis, inviteForBo, item, joinOfBo, proposal, T0, vote } from "../testing/sample-docs";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const reasonFor = (schema: Parameters<typeof parseWith>[0], value: unknown): string => {
  const parsed = parseWith(schema, value);
  return parsed.ok ? "ok" : parsed.error.message;
};

describe("signed records from other members' documents", () => {
  it("accepts a well-formed record of every kind unchanged", () => {
    const records: [Parameters<typeof parseWith>[0], unknown][] = [
      [genesisSchema, genesis],
      [membershipEventSchema, joinOfBo],
      [membershipEventSchema, sign(crypto, "membership", { type: "admit", commune, at: T0, member: bo.publicKey, name: "Bo" }, ada)],
      [membershipEventSchema, sign(crypto, "membership", { type: "leave", commune, at: T0 }, bo)],
      [entrySchema, entry()],
      [entrySchema, entry({ kind: "disbursement", payee: "Garden Supply Co.", proposal: "p1" })],
      [entrySchema, entry({ kind: "disbursement", to: bo.publicKey })],
      [entrySchema, entry({ kind: "transfer", to: bo.publicKey, memo: "" })],
      [entrySchema, entry({ kind: "exchange", partner: "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6", direction: "out" })],
      [proposalSchema, proposal()],
      [proposalSchema, proposal({ payee: { member: bo.publicKey } })],
      [proposalSchema, proposal({ kind: "admit", member: bo.publicKey, name: "Bo" })],
      [proposalSchema, proposal({ kind: "remove", member: bo.publicKey })],
      [proposalSchema, proposal({ kind: "rule", change: { quorumPercent: 0, addCurrencies: [{ code: "SEED", name: "Seed packets", decimals: 0 }] } })],
      [proposalSchema, proposal({ kind: "general" })],
      [voteSchema, vote({ choice: "block" })],
      [itemSchema, item()],
      [itemSchema, (({ link: _link, ...noLink }) => noLink)(item({ tags: [] }))],
    ];
    for (const [schema, record] of records) {
      expect(parseWith(schema, record)).toEqual({ ok: true, value: record });
    }
  });

  it("keeps keys it does not know, so the signature decides whether they belong", () => {
    const tampered = { ...entry(), note: "added after signing" };
    const parsed = parseWith(entrySchema, tampered);
    expect(parsed).toEqual({ ok: true, value: tampered });
    expect(parsed.ok && checkSignature(crypto, "entry", parsed.value)).toBe("bad signature");

    const fromNewerCommune = sign(crypto, "entry", { ...entry(), sig: undefined, note: "signed by a newer version" }, ada);
    const newer = parseWith(entrySchema, fromNewerCommune);
    expect(newer.ok && checkSignature(crypto, "entry", newer.value)).toBeUndefined();
  });

  it.each([
    ["amount as text", { amount: "12" }, "amount must be a positive whole number of minor units"],
    ["amount 1e309 (Infinity)", { amount: Number.POSITIVE_INFINITY }, "amount must be a positive whole number of minor units"],
    ["negative amount", { amount: -1 }, "amount must be a positive whole number of minor units"],
    ["zero amount", { amount: 0 }, "amount must be a positive whole number of minor units"],
    ["-0 amount", { amount: -0 }, "amount must be a positive whole number of minor units"],
    ["fractional amount", { amount: 1.5 }, "amount must be a positive whole number of minor units"],
    ["amount past 2^53", { amount: 2 ** 53 }, "amount must be a positive whole number of minor units"],
    ["NaN time", { at: Number.NaN }, "at must be a time (a whole number of milliseconds)"],
    ["-0 time", { at: -0 }, "at must be a time (a whole number of milliseconds)"],
    ["missing signature", { sig: undefined }, "sig is missing"],
    ["uppercase signature", { sig: "A".repeat(128) }, "sig must be a signature (128 lowercase hex digits)"],
    ["short author key", { by: "ab" }, "by must be a public key (64 lowercase hex digits)"],
    ["unknown kind", { kind: "gift" }, "kind must be one of contribution, disbursement, transfer, exchange, void"],
    ["lower-case currency", { currency: "eur" }, "currency must be a currency code (2-10 capital letters or digits, e.g. EUR)"],
    ["memo over 1000 characters", { memo: "x".repeat(1001) }, "memo must be at most 1000 characters"],
    ["memo with a control character", { memo: "paid\u0007" }, "memo must not contain control characters"],
    ["id with a slash", { id: "../../etc" }, "id must be an id (1-64 letters, digits, _ or -)"],
    ["id __proto__", { id: "__proto__" }, "id must be an id (1-64 letters, digits, _ or -)"],
    ["transfer with no recipient", { kind: "transfer" }, "to is missing (a transfer needs it)"],
    ["contribution with a direction", { direction: "in" }, "direction does not belong on a contribution"],
    ["disbursement to nobody", { kind: "disbursement" }, "a disbursement pays either a member (to) or someone outside (payee)"],
    ["exchange with no partner", { kind: "exchange", direction: "in" }, "partner is missing (an exchange needs it)"],
  ])("refuses an entry with %s", (_, change, reason) => {
    expect(reasonFor(entrySchema, { ...entry(), ...change })).toBe(reason);
  });

  it("counts lengths in characters as people do, so a name of 100 emoji fits", () => {
    const emoji = "🌱".repeat(100);
    expect(reasonFor(membershipEventSchema, { ...joinOfBo, name: emoji })).toBe("ok");
    expect(reasonFor(membershipEventSchema, { ...joinOfBo, name: `${emoji}🌱` })).toBe("name must be at most 100 characters");
  });

  it("refuses a join whose invite is not signed, naming the nested field", () => {
    const { sig: _sig, ...unsignedInvite } = inviteForBo;
    expect(reasonFor(membershipEventSchema, { ...joinOfBo, invite: unsignedInvite })).toBe("invite.sig is missing");
    expect(reasonFor(membershipEventSchema, { ...joinOfBo, invite: "an invite code" })).toBe("invite must be a signed invite");
  });

  it("refuses founding rules that no commune could run on", () => {
    expect(reasonFor(genesisSchema, { ...genesis, rules: { ...genesis.rules, quorumPercent: 101 } })).toBe(
      "rules.quorumPercent must be a whole percentage from 0 to 100",
    );
    expect(reasonFor(genesisSchema, { ...genesis, rules: { ...genesis.rules, currencies: [] } })).toBe("rules.currencies must list at least one currency");
    expect(reasonFor(genesisSchema, { ...genesis, rules: { ...genesis.rules, spendLimit: { EUR: -1 } } })).toBe(
      "rules.spendLimit.EUR must be a whole number, 0 or more",
    );
  });

  it("refuses proposals that are ambiguous or empty", () => {
    expect(reasonFor(proposalSchema, proposal({ payee: { member: bo.publicKey, outside: "Bo" } as never }))).toBe(
      "payee must name either a member or someone outside, not both",
    );
    expect(reasonFor(proposalSchema, proposal({ kind: "rule", change: {} }))).toBe("change must change at least one rule");
    expect(reasonFor(proposalSchema, proposal({ title: "" }))).toBe("title must not be empty");
    expect(reasonFor(proposalSchema, proposal({ title: "t".repeat(201) }))).toBe("title must be at most 200 characters");
    expect(reasonFor(proposalSchema, proposal({ body: "b".repeat(20_001) }))).toBe("body must be at most 20000 characters");
    expect(reasonFor(proposalSchema, { ...proposal(), kind: "coup" })).toBe(
      "kind must be one of spend, admit, remove, rule, general, reverse, partner, partner-end",
    );
  });

  it("refuses a vote with an unknown choice", () => {
    expect(reasonFor(voteSchema, { ...vote(), choice: "maybe" })).toBe("choice must be one of yes, no, abstain, block");
  });

  it("reads a vote with its reason, a vote from before reasons without one, and refuses a reason past its bound or with control characters", () => {
    expect(voteSchema.parse(vote({ reason: "we have a mower already" })).reason).toBe("we have a mower already");
    expect(voteSchema.parse(vote())).not.toHaveProperty("reason");
    expect(reasonFor(voteSchema, vote({ reason: "r".repeat(1001) }))).toBe("reason must be at most 1000 characters");
    expect(reasonFor(voteSchema, vote({ reason: "bell\u0007" }))).toBe("reason must not contain control characters");
    expect(reasonFor(voteSchema, { ...vote(), reason: 42 })).toBe("reason must be text");
  });

  it("refuses knowledge items with hostile links or too many tags", () => {
    for (const link of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,hi", "file:///etc/passwd", "\\\\server\\share"]) {
      expect(reasonFor(itemSchema, { ...item(), link })).toMatch(/^link /);
    }
    expect(reasonFor(itemSchema, { ...item(), tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })).toBe("tags must be at most 20 tags");
    expect(reasonFor(itemSchema, { ...item(), tags: ["x".repeat(41)] })).toBe("tags[0] must be at most 40 characters");
    expect(reasonFor(itemSchema, { ...item(), tags: "garden" })).toBe("tags must be a list of tags");
  });

  it("reads offers, needs and retired items, and refuses a price that is not whole, paired or on an offer or need", () => {
    expect(itemSchema.safeParse({ ...item(), kind: "offer", amount: 1250, currency: "EUR" }).success).toBe(true);
    expect(itemSchema.safeParse({ ...item(), kind: "need" }).success).toBe(true);
    expect(itemSchema.safeParse({ ...item(), retired: true }).success).toBe(true);
    expect(reasonFor(itemSchema, { ...item(), kind: "gift" })).toMatch(/^kind /);
    expect(reasonFor(itemSchema, { ...item(), kind: "offer", amount: 1250 })).toBe("currency an amount and its currency come together");
    expect(reasonFor(itemSchema, { ...item(), amount: 1250, currency: "EUR" })).toBe("amount only an offer or a need carries an amount");
    // What "1e309" becomes once JSON.parse has read it.
    expect(reasonFor(itemSchema, { ...item(), kind: "offer", amount: Number.POSITIVE_INFINITY, currency: "EUR" })).toMatch(/^amount /);
    expect(reasonFor(itemSchema, { ...item(), kind: "offer", amount: -0, currency: "EUR" })).toMatch(/^amount /);
    expect(reasonFor(itemSchema, { ...item(), retired: false })).toBe("retired must be true or absent");
  });

  it("says what was found where a record belongs", () => {
    expect(reasonFor(entrySchema, [entry()])).toBe("is not a record (it is a list)");
    expect(reasonFor(entrySchema, 12)).toBe("is not a record (it is a number)");
    expect(reasonFor(entrySchema, undefined)).toBe("is not a record (it is missing)");
  });
});
