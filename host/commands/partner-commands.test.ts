import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fingerprint } from "../../shared/identity/keys";
import { Host } from "../host";
import { relayLinks } from "../sync/relay-links";
import { must } from "../testing/host-harness";

/**
 * Issue 14: the first step of a partnership, a partner offer, as two
 * communes' members would make and read one (docs/partners.md). No relay is
 * reached: an offer is a string a member sends however they like.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };
// Nothing listens there: the links retry in the background, and an offer needs only the address.
const RELAY = "ws://127.0.0.1:9";

async function member(name: string): Promise<Host> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-partner-"));
  const host = await Host.open({ dataDir, links: relayLinks });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name });
  return host;
}

describe("a partner offer between two private communes", () => {
  it("is made by a member of Riverside and read by a member of Hillside, who sees who offers it and until when", async () => {
    const ada = await member("Ada");
    const hana = await member("Hana");
    const riverside = await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [RELAY], private: true });
    const hillside = await must(hana, "commune.create", { name: "Hillside", currencies: [EUR], relays: [RELAY], private: true });

    const { offer, expiresAt } = await must(ada, "partner.offer", { commune: riverside.commune, days: 3 });
    expect(offer).toMatch(/^commune-partner:/);
    const adaKey = (await must(ada, "identity.show", {})).publicKey;
    expect(await must(hana, "partner.read", { commune: hillside.commune, offer })).toEqual({
      commune: riverside.commune,
      name: "Riverside",
      // As the commune keeps it: parsed, with the path the URL parser gives it.
      relays: [`${RELAY}/`],
      by: adaKey,
      fingerprint: fingerprint(adaKey),
      at: expect.any(Number),
      expiresAt,
    });
    // Pasted back in Riverside, or into the wrong box: said plainly.
    expect(await ada.run("partner.read", { commune: riverside.commune, offer })).toMatchObject({ ok: false, error: { code: "offer.ownCommune" } });
    expect(await hana.run("partner.read", { commune: hillside.commune, offer: offer.slice(0, 50) })).toMatchObject({
      ok: false,
      error: { code: "offer.damaged" },
    });
  });

  it("is refused for a plaintext commune, for a commune with no relay, and for a member who is not active", async () => {
    const ada = await member("Ada");
    const plain = await must(ada, "commune.create", { name: "Open Field", currencies: [EUR], relays: [RELAY], private: false });
    expect(await ada.run("partner.offer", { commune: plain.commune })).toMatchObject({ ok: false, error: { code: "partner.needsPrivate" } });
    const alone = await must(ada, "commune.create", { name: "Lone Pine", currencies: [EUR], private: true });
    expect(await ada.run("partner.offer", { commune: alone.commune })).toMatchObject({ ok: false, error: { code: "partner.noRelay" } });
    const left = await must(ada, "commune.create", { name: "Old Mill", currencies: [EUR], relays: [RELAY], private: true });
    await must(ada, "commune.leave", { commune: left.commune });
    expect(await ada.run("partner.offer", { commune: left.commune })).toMatchObject({ ok: false, error: { code: "member.notActive" } });
  });
});
