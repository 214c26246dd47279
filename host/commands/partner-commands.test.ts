import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fingerprint } from "../../shared/identity/keys";
import { openGrant } from "../../shared/partners/grant";
import { communeBoxKeyOf } from "../../shared/partners/keys";
import { rosterChain } from "../../shared/partners/roster";
import { sharedDocFor } from "../commune/partner-docs";
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

/** The box key of a commune's current epoch, as a member of it holds it. */
async function boxKeyOf(host: Host, commune: string) {
  const context = await host.privateCommunes.open(commune);
  const current = context?.keyring.current();
  if (!context || !current) throw new Error("not private");
  return { privacy: context.privacy, box: communeBoxKeyOf(context.privacy, host.crypto, current.keys.epochKey) };
}

async function sharedDoc(host: Host, commune: string, partner: string) {
  const node = host.node(commune);
  if (!node.ok) throw new Error(node.error.message);
  const shared = await sharedDocFor(node.value, partner);
  if (!shared) throw new Error("nothing shared");
  return shared.doc;
}

/** Proposes what was pasted, votes yes (the only member, so it passes at once) and executes it. */
async function decide(host: Host, commune: string, offer: string) {
  const taken = await must(host, "partner.accept", { commune, offer });
  if (!("proposed" in taken)) throw new Error("expected a proposal");
  await must(host, "proposal.vote", { commune, proposal: taken.proposed, choice: "yes" });
  await must(host, "proposal.execute", { commune, proposal: taken.proposed });
  return taken.proposed;
}

describe("a partnership between two private communes (issue 14, step 3)", () => {
  it("is proposed and passed on each side, each granting the other a document with its roster and only what it shares", async () => {
    const ada = await member("Ada");
    const hana = await member("Hana");
    const riverside = (await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [RELAY], private: true })).commune;
    const hillside = (await must(hana, "commune.create", { name: "Hillside", currencies: [EUR], relays: [RELAY], private: true })).commune;
    const hanaKey = (await must(hana, "identity.show", {})).publicKey;
    await must(hana, "inventory.add", { commune: hillside, title: "Sourdough guide", sharedWith: "partners" });
    await must(hana, "inventory.add", { commune: hillside, title: "Treasurer's notes" });
    await must(hana, "inventory.add", { commune: hillside, title: "Lend a ladder", kind: "offer" });
    await must(hana, "inventory.add", { commune: hillside, title: "For Lakeside only", sharedWith: ["c".repeat(32)] });

    const { offer } = await must(ada, "partner.offer", { commune: riverside, days: 3 });
    const decided = await decide(hana, hillside, offer);
    const [granted] = await must(hana, "partner.list", { commune: hillside });
    expect(granted).toMatchObject({
      commune: riverside,
      name: "Riverside",
      status: "agreed",
      proposal: decided,
      granted: true,
      theirs: false,
      active: false,
      items: 2,
    });
    expect(granted!.answer).toMatch(/^commune-partner-answer:/);

    const toRiverside = await sharedDoc(hana, hillside, riverside);
    expect(
      Object.values(toRiverside.items)
        .map((versions) => versions[0]!.title)
        .sort(),
    ).toEqual(["Lend a ladder", "Sourdough guide"]);
    // The grant opens for Riverside's members with Riverside's box key, and for Hillside's own: the same share key, whose admission key the grant names.
    const atRiverside = await boxKeyOf(ada, riverside);
    const forRiverside = openGrant(atRiverside.privacy, ada.crypto, ada.crypto, toRiverside.grants[0], { commune: riverside, box: atRiverside.box });
    const atHillside = await boxKeyOf(hana, hillside);
    const forHillside = openGrant(atHillside.privacy, hana.crypto, hana.crypto, toRiverside.grants[0], { commune: hillside, box: atHillside.box });
    expect(forRiverside.ok && forHillside.ok && forRiverside.value.admission.publicKey).toBe(toRiverside.grants[0]!.admission);
    expect(forHillside.ok && forHillside.value.shareKey).toEqual(forRiverside.ok && forRiverside.value.shareKey);
    // The roster names Hana's key, no name, and is anchored in the offer the answer carries (signed by Hana).
    expect(toRiverside.rosters[0]!.members).toEqual([{ key: hanaKey }]);
    expect(rosterChain(ada.crypto, toRiverside.rosters, { commune: hillside, anchors: [hanaKey], now: Date.now() }).chain).toHaveLength(1);

    // Riverside proposes partnering carrying Hillside's answer; once passed it grants back, and holds Hillside's grant.
    await decide(ada, riverside, granted!.answer!);
    const [atAda] = await must(ada, "partner.list", { commune: riverside });
    expect(atAda).toMatchObject({ commune: hillside, name: "Hillside", status: "agreed", granted: true, theirs: true, active: true, items: 0 });
    // Hillside decided already: Riverside's answer is taken in without a vote, and the partnership is active on both sides.
    expect(await must(hana, "partner.accept", { commune: hillside, offer: atAda!.answer! })).toEqual({ accepted: riverside });
    expect(await must(hana, "partner.list", { commune: hillside })).toMatchObject([{ active: true, theirs: true }]);
    // Pasting the first offer again proposes nothing: the decision is made.
    expect(await hana.run("partner.accept", { commune: hillside, offer })).toMatchObject({ ok: false, error: { code: "partner.agreed" } });
  });

  it("copies items shared later, is granted once, and once ended writes its end and nothing new", async () => {
    const ada = await member("Ada");
    const hana = await member("Hana");
    const riverside = (await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [RELAY], private: true })).commune;
    const hillside = (await must(hana, "commune.create", { name: "Hillside", currencies: [EUR], relays: [RELAY], private: true })).commune;
    const decided = await decide(hana, hillside, (await must(ada, "partner.offer", { commune: riverside })).offer);
    expect(await hana.run("proposal.execute", { commune: hillside, proposal: decided })).toMatchObject({ ok: false, error: { code: "partner.granted" } });

    const bread = await must(hana, "inventory.add", { commune: hillside, title: "Bread oven", kind: "offer" });
    await must(hana, "inventory.edit", { commune: hillside, id: bread.id, title: "Bread oven, Saturdays" });
    await must(hana, "inventory.add", { commune: hillside, title: "Our accounts", sharedWith: "commune" });
    expect((await sharedDoc(hana, hillside, riverside)).items[bread.id]!.map((version) => version.title)).toEqual(["Bread oven", "Bread oven, Saturdays"]);

    expect(
      await hana.run("proposal.create", { commune: hillside, kind: "partner-end", partner: "c".repeat(32), title: "End", deadline: { days: 7 } }),
    ).toMatchObject({
      ok: false,
      error: { code: "partner.notPartner" },
    });
    const end = await must(hana, "proposal.create", {
      commune: hillside,
      kind: "partner-end",
      partner: riverside,
      title: "End it with Riverside",
      deadline: { days: 7 },
    });
    await must(hana, "proposal.vote", { commune: hillside, proposal: end.id, choice: "yes" });
    await must(hana, "proposal.execute", { commune: hillside, proposal: end.id });
    expect(await must(hana, "partner.list", { commune: hillside })).toMatchObject([{ status: "ended", proposal: end.id, granted: false, active: false }]);
    expect((await must(hana, "partner.list", { commune: hillside }))[0]!.answer).toBeUndefined();

    await must(hana, "inventory.add", { commune: hillside, title: "Seeds to swap", kind: "offer" });
    await must(hana, "inventory.edit", { commune: hillside, id: bread.id, title: "Bread oven, Sundays" });
    const after = await sharedDoc(hana, hillside, riverside);
    expect(after.ends).toEqual([expect.objectContaining({ commune: hillside, partner: riverside, proposal: end.id })]);
    expect(Object.values(after.items).flatMap((versions) => versions.map((version) => version.title))).toEqual(["Bread oven", "Bread oven, Saturdays"]);
    expect(await hana.run("proposal.execute", { commune: hillside, proposal: end.id })).toMatchObject({ ok: false, error: { code: "partner.notGranted" } });
  });

  it("is carried out, and a partner's answer taken in, only by an active member", async () => {
    const ada = await member("Ada");
    const hana = await member("Hana");
    const riverside = (await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [RELAY], private: true })).commune;
    const hillside = (await must(hana, "commune.create", { name: "Hillside", currencies: [EUR], relays: [RELAY], private: true })).commune;
    const offer = (await must(ada, "partner.offer", { commune: riverside })).offer;
    const taken = await must(hana, "partner.accept", { commune: hillside, offer });
    if (!("proposed" in taken)) throw new Error("expected a proposal");
    await must(hana, "proposal.vote", { commune: hillside, proposal: taken.proposed, choice: "yes" });
    await must(hana, "commune.leave", { commune: hillside });
    expect(await hana.run("proposal.execute", { commune: hillside, proposal: taken.proposed })).toMatchObject({
      ok: false,
      error: { code: "member.notActive" },
    });
    expect(await must(hana, "partner.list", { commune: hillside })).toMatchObject([{ status: "agreed", granted: false }]);
  });
});
