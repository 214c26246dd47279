import { base64urlnopad } from "@scure/base";
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../identity/crypto";
import { createInvite } from "../invite/invite";
import { testKeys } from "../testing/commune-builder";
import { createPartnerOffer, PARTNER_OFFER_PREFIX, readPartnerOffer } from "./offer";

const crypto = nobleCrypto();
const ada = testKeys(1);
const riverside = "a".repeat(32);
const hillside = "b".repeat(32);
const NOW = Date.UTC(2026, 11, 5);
const fields = {
  commune: riverside,
  name: "Riverside",
  relays: ["ws://relay.example:4000"],
  epoch: "e".repeat(64),
  box: ada.publicKey,
  at: NOW,
  expiresAt: NOW + 7 * 86_400_000,
};
const offer = () => createPartnerOffer(crypto, fields, ada);
const read = (text: string, now = NOW) => readPartnerOffer(crypto, text, now, hillside);

/** The offer's JSON, changed by `edit`, encoded again: what someone who alters a pasted offer sends. */
function altered(edit: (json: Record<string, unknown>) => void): string {
  const json = JSON.parse(new TextDecoder().decode(base64urlnopad.decode(offer().slice(PARTNER_OFFER_PREFIX.length)))) as Record<string, unknown>;
  edit(json);
  return PARTNER_OFFER_PREFIX + base64urlnopad.encode(new TextEncoder().encode(JSON.stringify(json)));
}

describe("a partner offer pasted by a member of Hillside", () => {
  it("reads back what Riverside's member signed, with surrounding spaces", () => {
    const read1 = read(`  ${offer()}\n`);
    expect(read1).toMatchObject({ ok: true, value: { commune: riverside, name: "Riverside", by: ada.publicKey, relays: fields.relays } });
  });

  it.each([
    ["nothing", "", "offer.empty"],
    [
      "a person's invite",
      () =>
        createInvite(
          crypto,
          {
            commune: riverside,
            name: "Riverside",
            doc: "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu",
            relays: ["ws://r:1"],
            secret: "0".repeat(64),
            at: NOW,
            expiresAt: NOW + 1,
          },
          ada,
        ),
      "offer.isAnInvite",
    ],
    ["some other text", "hello", "offer.notAnOffer"],
    ["a string of 5,000 characters", `${PARTNER_OFFER_PREFIX}${"A".repeat(5_000)}`, "offer.tooLong"],
    ["a cut-off offer", () => offer().slice(0, 60), "offer.damaged"],
    ["an offer whose name was changed", () => altered((json) => (json.name = "Rivers1de")), "offer.altered"],
    ["an offer pointing at another relay", () => altered((json) => (json.relays = ["ws://evil.example:1"])), "offer.altered"],
    ["an offer with another box key", () => altered((json) => (json.box = testKeys(66).publicKey)), "offer.altered"],
    ["an offer with an extra field", () => altered((json) => (json.extra = true)), "offer.damaged"],
  ] as const)("refuses %s with a reason", (_what, text, code) => {
    expect(read(typeof text === "function" ? text() : text)).toMatchObject({ ok: false, error: { code, field: "offer" } });
  });

  it("refuses an offer with a key named twice, which would read two ways", () => {
    const json = new TextDecoder().decode(base64urlnopad.decode(offer().slice(PARTNER_OFFER_PREFIX.length)));
    const twice = json.replace('"name":"Riverside"', '"name":"Riverside","name":"Rivers1de"');
    expect(read(PARTNER_OFFER_PREFIX + base64urlnopad.encode(new TextEncoder().encode(twice)))).toMatchObject({ error: { code: "offer.altered" } });
  });

  it("refuses an expired offer, naming the day and who to ask", () => {
    expect(read(offer(), fields.expiresAt)).toMatchObject({
      error: { code: "offer.expired", message: "This partner offer expired on 2026-12-12: ask Riverside for a new one." },
    });
  });

  it("refuses Riverside's own offer pasted in Riverside", () => {
    expect(readPartnerOffer(crypto, offer(), NOW, riverside)).toMatchObject({ error: { code: "offer.ownCommune" } });
  });

  it("refuses an offer signed by a member of Riverside with a relay that cannot be used", () => {
    const bad = createPartnerOffer(crypto, { ...fields, relays: ["file:///etc/passwd"] }, ada);
    expect(read(bad)).toMatchObject({ error: { code: "offer.badRelay" } });
  });
});
