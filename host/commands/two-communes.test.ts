import * as A from "@automerge/automerge";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PartnerSharedView } from "../../shared/commands/views";
import { fromStored } from "../../shared/docs/automerge-form";
import { openGrant } from "../../shared/partners/grant";
import { communeBoxKeyOf } from "../../shared/partners/keys";
import { startRelay } from "../../relay/relay";
import { Host } from "../host";
import { readPartnerDocument } from "../sync/partner-reader";
import { relayLinks } from "../sync/relay-links";
import { must } from "../testing/host-harness";
import type { AutomergeUrl } from "@automerge/automerge-repo";
import { toStored } from "../../shared/docs/automerge-form";
import { nobleCrypto } from "../../shared/identity/crypto";
import { generateKeyPair, randomId } from "../../shared/identity/keys";
import { sign } from "../../shared/identity/signed";
import { acceptanceOf, declineOf } from "../../shared/partners/exchange";
import { sharedDocFor } from "../commune/partner-docs";
import { listIn } from "../commune/containers";

/**
 * Issue 14's "done when", with real hosts on one real relay: two private
 * communes of two members each become partners by a proposal passed on
 * each side, see each other's shared items, exchange 30 EUR and 4 hours
 * recorded in both purses with matching entries and the same net position,
 * a declined exchange counts for nothing in the giver's purse, and once one
 * side ends the partnership nothing new flows either way.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const HOUR = { code: "HOUR", name: "Labour hours", decimals: 2 };

async function member(name: string): Promise<Host> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-two-communes-"));
  const host = await Host.open({ dataDir, links: relayLinks });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name });
  return host;
}

/** Waits for something another host does to arrive: a wait for the sync, not a timing assertion. */
async function waitUntil<T>(what: string | (() => string), check: () => Promise<T | undefined>): Promise<T> {
  // Generous: four hosts and a relay share this process, and a loaded machine (CI at load 12) took more than 45 s for a decline's round trip.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** A proposal both members vote yes on, carried out by the first: each commune decides by its own members. */
async function passBy(first: Host, second: Host, commune: string, proposal: string): Promise<void> {
  await must(first, "proposal.vote", { commune, proposal, choice: "yes" });
  await waitUntil("the proposal to pass", async () => {
    if ((await first.run("proposal.execute", { commune, proposal })).ok) return true;
    await second.run("proposal.vote", { commune, proposal, choice: "yes" });
    return undefined;
  });
}

/** Reads what a partner shares until what is awaited has reached the relay. */
async function readPartner(host: Host, commune: string, partner: string, arrived: (view: PartnerSharedView) => boolean): Promise<PartnerSharedView> {
  let last: unknown;
  return waitUntil(
    () => `what the partner shares (last read: ${JSON.stringify(last)})`,
    async () => {
      const read = await host.run("partner.shared", { commune, partner });
      last = read;
      return read.ok && arrived(read.value as PartnerSharedView) ? (read.value as PartnerSharedView) : undefined;
    },
  );
}

async function commune(founder: Host, second: Host, secondName: string, name: string, relay: string): Promise<string> {
  // Exchanges within a limit the commune set need no proposal each (the issue: "or within a limit the commune set").
  const rules = { spendLimit: { EUR: "100", HOUR: "100" } };
  const id = (await must(founder, "commune.create", { name, currencies: [EUR, HOUR], rules, relays: [relay], private: true })).commune;
  await must(second, "commune.join", { invite: (await must(founder, "commune.invite", { commune: id })).invite, name: secondName });
  // The second member must count as active before votes need both.
  await waitUntil(`both members of ${name}`, async () => {
    const shown = await must(founder, "commune.show", { commune: id });
    return shown.balances.members.length === 2 ? true : undefined;
  });
  return id;
}

const relayUrlOf = (host: Host, commune: string): string => {
  const node = host.node(commune);
  if (!node.ok) throw new Error(node.error.message);
  return node.value.record.relays[0]!;
};

/**
 * Everything a relay sends a holder of these share keys for one shared
 * document, opened and put together, as JSON text to search: the only bytes
 * of the sharing commune that holder can read.
 */
async function readableShared(options: Parameters<typeof readPartnerDocument>[0]): Promise<{ text: string; refused: string[] }> {
  const read = await readPartnerDocument(options);
  if (!read.ok) throw new Error(read.error.message);
  let doc = A.init<unknown>();
  for (const plaintext of read.value.plaintexts) doc = A.loadIncremental(doc, plaintext);
  return { text: JSON.stringify(fromStored(A.toJS(doc))), refused: read.value.refused };
}

const purseOf = async (host: Host, id: string) => (await must(host, "commune.show", { commune: id })).balances.purse;

/** Riverside (Ada, Bo) and Hillside (Hana, Ivo), private, on one relay, partners: a proposal passed on each side, each holding the other's grant. */
async function partners(before: (communes: { ada: Host; hana: Host; riverside: string; hillside: string }) => Promise<void>) {
  const relayDir = await mkdtemp(join(tmpdir(), "commune-two-communes-relay-"));
  const relay = await startRelay({ port: 0, dataDir: relayDir });
  cleanups.push(() => rm(relayDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  cleanups.push(() => relay.close());
  const [ada, bo, hana, ivo] = [await member("Ada Riverbank"), await member("Bo Riverbank"), await member("Hana Hillcrest"), await member("Ivo Hillcrest")];
  const riverside = await commune(ada, bo, "Bo Riverbank", "Riverside", relay.url);
  const hillside = await commune(hana, ivo, "Ivo Hillcrest", "Hillside", relay.url);
  await before({ ada, hana, riverside, hillside });

  // Partnership: a proposal passed by both members on each side.
  const hillsideTakes = await must(hana, "partner.accept", { commune: hillside, offer: (await must(ada, "partner.offer", { commune: riverside })).offer });
  if (!("proposed" in hillsideTakes)) throw new Error("expected a proposal");
  await passBy(hana, ivo, hillside, hillsideTakes.proposed);
  const [hillsideGrant] = await must(hana, "partner.list", { commune: hillside });
  const riversideTakes = await must(ada, "partner.accept", { commune: riverside, offer: hillsideGrant!.answer! });
  if (!("proposed" in riversideTakes)) throw new Error("expected a proposal");
  await passBy(ada, bo, riverside, riversideTakes.proposed);
  const [riversideGrant] = await must(ada, "partner.list", { commune: riverside });
  expect(await must(hana, "partner.accept", { commune: hillside, offer: riversideGrant!.answer! })).toEqual({ accepted: riverside });
  expect(await must(ada, "partner.list", { commune: riverside })).toMatchObject([{ name: "Hillside", active: true }]);

  return { relay, ada, bo, hana, ivo, riverside, hillside };
}

// Four or five hosts and a relay in one process: generous for a loaded CI machine; every wait inside is for a sync, not a timing.
describe("two communes of two members each, partners on one relay", { timeout: 300_000 }, () => {
  it("share items, exchange 30 EUR and 4 hours into both purses, void a declined exchange, and stop both ways once one ends it", async () => {
    const { relay, ada, bo, hana, ivo, riverside, hillside } = await partners(async ({ ada, hana, riverside, hillside }) => {
      // What each keeps to itself, and what each shares.
      await must(ada, "purse.contribute", { commune: riverside, amount: "125.00", currency: "EUR", memo: "Zanzibar roof fund" });
      await must(ada, "purse.contribute", { commune: riverside, amount: "10", currency: "HOUR", memo: "Quince picking" });
      await must(ada, "proposal.create", { commune: riverside, kind: "general", title: "Quarrelsome quince question", deadline: { days: 7 } });
      await must(ada, "inventory.add", { commune: riverside, title: "Lend a ladder", kind: "offer" });
      await must(hana, "inventory.add", { commune: hillside, title: "Help with the harvest", kind: "need" });
      await must(hana, "inventory.add", { commune: hillside, title: "Hillside's private recipes", sharedWith: "commune" });
    });
    // Each sees the other's shared items, verified, read by the member who did not set the partnership up.
    const fromRiverside = await readPartner(ivo, hillside, riverside, (view) => view.items.length >= 1);
    expect(fromRiverside.items.map(({ title, kind, verified }) => ({ title, kind, verified }))).toEqual([
      { title: "Lend a ladder", kind: "offer", verified: true },
    ]);
    const fromHillside = await readPartner(bo, riverside, hillside, (view) => view.items.length >= 1);
    expect(fromHillside.items.map(({ title, kind, verified }) => ({ title, kind, verified }))).toEqual([
      { title: "Help with the harvest", kind: "need", verified: true },
    ]);

    // Riverside gives 30 EUR and 4 hours; Ivo of Hillside accepts both.
    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "30", currency: "EUR", memo: "For the mill" });
    await must(ada, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "4", currency: "HOUR", memo: "Roof work" });
    const offered = await readPartner(ivo, hillside, riverside, (view) => view.exchanges.length >= 2);
    expect(offered.exchanges.map(({ words }) => words)).toEqual([
      expect.stringMatching(/^Riverside offers 30\.00 EUR \(For the mill\), on \d{4}-\d\d-\d\d: not answered yet\.$/),
      expect.stringMatching(/^Riverside offers 4\.00 HOUR \(Roof work\), on \d{4}-\d\d-\d\d: not answered yet\.$/),
    ]);
    for (const { record } of offered.exchanges) await must(ivo, "exchange.accept", { commune: hillside, exchange: record, memo: "Thank you" });

    // Both purses hold it: Riverside's out, Hillside's in, with matching amounts.
    expect(await purseOf(ada, riverside)).toEqual({ EUR: 95_00, HOUR: 6_00 });
    expect(await purseOf(ivo, hillside)).toEqual({ EUR: 30_00, HOUR: 4_00 });
    // Riverside learns of the acceptance by reading Hillside; both accounts say the same position, from each side.
    await readPartner(bo, riverside, hillside, () => true);
    const riversideAccount = await waitUntil("Ada to count Hillside's acceptance", async () => {
      const account = await must(ada, "partner.account", { commune: riverside, partner: hillside });
      return account.exchanges.every(({ state }) => state === "accepted") && account.exchanges.length === 2 ? account : undefined;
    });
    const hillsideAccount = await must(hana, "partner.account", { commune: hillside, partner: riverside });
    expect(riversideAccount).toMatchObject({ checked: true, mismatches: [], position: { EUR: 30_00, HOUR: 4_00 } });
    expect(hillsideAccount).toMatchObject({ checked: true, mismatches: [], position: { EUR: -30_00, HOUR: -4_00 } });
    expect(riversideAccount.words).toBe("Hillside owes us 30.00 EUR and 4.00 HOUR.");
    expect(hillsideAccount.words).toBe("We owe Riverside 30.00 EUR and 4.00 HOUR.");

    // A member of Hillside reads no byte of Riverside's purse, members or proposals: every item the relay sends is opened and looked at.
    const hillsideNode = ivo.node(hillside);
    if (!hillsideNode.ok) throw new Error(hillsideNode.error.message);
    const kept = hillsideNode.value.model();
    if (!kept.ok) throw new Error(kept.error.message);
    const theirs = kept.value.doc.partners[riverside]!;
    const context = await ivo.privateCommunes.open(hillside);
    const box = communeBoxKeyOf(context!.privacy, ivo.crypto, context!.keyring.current()!.keys.epochKey);
    const keys = openGrant(context!.privacy, ivo.crypto, ivo.crypto, theirs.grant!, { commune: hillside, box });
    if (!keys.ok) throw new Error(keys.error.message);
    const ivoReads = {
      url: relay.url,
      commune: riverside,
      document: theirs.inventory.slice("automerge:".length),
      keys: keys.value,
      privacy: context!.privacy,
      crypto: ivo.crypto,
    };
    const { text: readable, refused } = await readableShared(ivoReads);
    expect(refused).toEqual([]);
    expect(readable).toContain("Lend a ladder");
    expect(readable).toContain("For the mill");
    for (const secret of ["Zanzibar", "Quince picking", "Quarrelsome", "Ada Riverbank", "Bo Riverbank", "12500", "events", "votes", "proposals"])
      expect(readable).not.toContain(secret);

    // A declined exchange counts for nothing in Riverside's purse once Riverside reads the decline.
    await must(bo, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "5", currency: "EUR", memo: "Seed money" });
    expect(await purseOf(bo, riverside)).toEqual({ EUR: 90_00, HOUR: 6_00 });
    const seed = await readPartner(hana, hillside, riverside, (view) => view.exchanges.some(({ memo }) => memo === "Seed money"));
    await must(hana, "exchange.decline", {
      commune: hillside,
      exchange: seed.exchanges.find(({ memo }) => memo === "Seed money")!.record,
      reason: "We have seed enough",
    });
    expect(await purseOf(hana, hillside)).toEqual({ EUR: 30_00, HOUR: 4_00 });
    // No one at Riverside asks: Bo's host reads its partners on its own round (every few minutes; one round run here).
    await waitUntil("Hana's decline to reach the relay", async () => {
      const hillsideNode = hana.node(hillside);
      if (!hillsideNode.ok) return undefined;
      const shared = await sharedDocFor(hillsideNode.value, riverside);
      return shared?.doc.declines.length === 1 && (await must(hana, "sync.status", { commune: hillside })).waiting === 0 ? true : undefined;
    });
    expect(await bo.partnerReading.readAll()).toBe(1);
    await waitUntil("the decline to void Riverside's exchange at Ada's", async () => {
      const purse = await purseOf(ada, riverside);
      return purse.EUR === 95_00 ? true : undefined;
    });
    expect(await purseOf(bo, riverside)).toEqual({ EUR: 95_00, HOUR: 6_00 });
    const afterDecline = await must(ada, "partner.account", { commune: riverside, partner: hillside });
    expect(afterDecline.position).toEqual({ EUR: 30_00, HOUR: 4_00 });
    expect(afterDecline.exchanges.map(({ state }) => state).sort()).toEqual(["accepted", "accepted", "declined"]);

    // Hillside ends it. Nothing new flows either way: Hillside shares nothing more, and reads nothing more of Riverside;
    // Riverside, once it reads Hillside's end, copies nothing more to what it shares with Hillside.
    const end = await must(hana, "proposal.create", { commune: hillside, kind: "partner-end", partner: riverside, title: "End it", deadline: { days: 7 } });
    await passBy(hana, ivo, hillside, end.id);
    await must(hana, "inventory.add", { commune: hillside, title: "Shared by Hillside after the end", kind: "offer" });
    const ended = await readPartner(bo, riverside, hillside, (view) => view.ended);
    expect(ended.items.map(({ title }) => title)).toEqual(["Help with the harvest"]);
    // Bo filed Hillside's end where every member of Riverside reads it: Ada's host stops sharing too.
    await waitUntil("Ada to hold Hillside's end", async () => {
      const [partner] = await must(ada, "partner.list", { commune: riverside });
      return partner?.endedByThem ? partner : undefined;
    });
    expect((await must(ada, "partner.list", { commune: riverside }))[0]).toMatchObject({ active: false, endedByThem: true });
    await must(ada, "inventory.add", { commune: riverside, title: "Shared by Riverside after the end", kind: "offer" });
    expect(await hana.run("partner.shared", { commune: hillside, partner: riverside })).toMatchObject({ ok: false, error: { code: "partner.endedByUs" } });
    expect((await readableShared(ivoReads)).text).not.toContain("Shared by Riverside after the end");
  });

  it("count a forged exchange for nothing on both sides: an offer signed by a non-member, an acceptance or a decline not signed by the partner", async () => {
    const { ada, bo, hana, ivo, riverside, hillside } = await partners(async ({ ada, riverside }) => {
      await must(ada, "purse.contribute", { commune: riverside, amount: "50", currency: "EUR" });
    });
    const mallory = generateKeyPair();
    const forge = (fields: Record<string, unknown>) => sign(nobleCrypto(), "entry", { id: randomId(), at: Date.now(), memo: "", ...fields }, mallory);
    /** Mallory holds a share key (a member who left, say) and writes into a shared document as the relay would carry it. */
    const writeInto = async (host: Host, commune: string, partner: string, list: "exchanges" | "declines", record: object) => {
      const node = host.node(commune);
      if (!node.ok) throw new Error(node.error.message);
      const shared = await sharedDocFor(node.value, partner);
      const handle = await node.value.docs.repo.find<Record<string, unknown>>(shared!.url as AutomergeUrl);
      handle.change((doc) => void listIn(doc, list).push(toStored(record)));
    };

    // An offer "from Riverside" signed by Mallory: Hillside is not offered it, cannot accept it, and its purse does not move.
    const forgedOffer = forge({
      commune: riverside,
      kind: "exchange",
      direction: "out",
      partner: hillside,
      offer: randomId(),
      amount: 500_00,
      currency: "EUR",
    });
    await writeInto(ada, riverside, hillside, "exchanges", forgedOffer);
    const read = await readPartner(ivo, hillside, riverside, (view) => view.problems.some((problem) => problem.includes("not signed by a member")));
    expect(read.exchanges).toEqual([]);
    expect(read.problems).toContainEqual(
      expect.stringMatching(/^An exchange in EUR \(offer [0-9a-f]+\) is not signed by a member on [0-9a-f]{8}'s roster at its time: it counts for nothing\.$/),
    );
    expect(await ivo.run("exchange.accept", { commune: hillside, exchange: forgedOffer })).toMatchObject({
      ok: false,
      error: {
        code: "exchange.unverified",
        message: "That exchange is not signed by a member on Riverside's roster at its time: it is forged, or altered, and counts for nothing.",
      },
    });
    expect(await purseOf(ivo, hillside)).toEqual({ EUR: 0, HOUR: 0 });

    // Riverside's real 20 EUR; Mallory "accepts" it for Hillside, and "declines" it too: neither counts on Riverside's side.
    await must(bo, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "20", currency: "EUR" });
    const real = (await readPartner(hana, hillside, riverside, (view) => view.exchanges.length === 1)).exchanges[0]!.record;
    await writeInto(hana, hillside, riverside, "exchanges", forge({ ...acceptanceOf(real, "forged"), commune: hillside }));
    await writeInto(hana, hillside, riverside, "declines", sign(nobleCrypto(), "exchange-decline", declineOf(hillside, real, "forged", Date.now()), mallory));
    const seen = await readPartner(ada, riverside, hillside, (view) => view.problems.length >= 2);
    expect(seen.problems.filter((problem) => problem.includes("not signed by a member"))).toHaveLength(2);
    const account = await must(ada, "partner.account", { commune: riverside, partner: hillside });
    expect(account.exchanges.map(({ state }) => state)).toEqual(["offered"]);
    expect(account.position).toEqual({});
    // The forged decline takes nothing back: the 20 EUR still left Riverside's purse, at Ada's and at Bo's.
    expect(await purseOf(ada, riverside)).toEqual({ EUR: 30_00, HOUR: 0 });
    await waitUntil("Bo to hold what Ada filed", async () =>
      (await must(bo, "partner.account", { commune: riverside, partner: hillside })).checked ? true : undefined,
    );
    expect(await purseOf(bo, riverside)).toEqual({ EUR: 30_00, HOUR: 0 });
    // Hillside's own view: the forged acceptance is no entry of its purse, which never moved.
    expect(await purseOf(hana, hillside)).toEqual({ EUR: 0, HOUR: 0 });
  });

  it("put a member who joins after the partnership on the roster, so the partner verifies what they share and answer", async () => {
    const { ada, hana, ivo, riverside, hillside } = await partners(async () => {});
    const cy = await member("Cy Riverbank");
    await must(cy, "commune.join", { invite: (await must(ada, "commune.invite", { commune: riverside })).invite, name: "Cy Riverbank" });
    // Cy's host must hold the grant (the commune document) and the shared document before Cy's offer is copied there.
    await waitUntil("Cy to hold what Riverside shares", async () => {
      const listed = await cy.run("partner.list", { commune: riverside });
      return listed.ok && (listed.value as { active: boolean }[])[0]?.active ? true : undefined;
    });
    // A partner judges an item by the roster in force at its signed time (docs/partners.md, "The roster"), and the roster that names
    // Cy is written by Ada's or Bo's host once Cy's join reaches it: an item Cy signed before that would never verify at Hillside.
    await waitUntil("the roster naming Cy in what Riverside shares", async () => {
      const node = cy.node(riverside);
      const shared = node.ok ? await sharedDocFor(node.value, hillside) : undefined;
      return shared?.doc.rosters.some((roster) => roster.members.some((one) => one.key === cy.keys.publicKey)) ? true : undefined;
    });
    await must(cy, "inventory.add", { commune: riverside, title: "Cy's cider press", kind: "offer" });
    // Cy's item and the roster that names him are two writes, which may reach Hillside one read apart: read until both are in.
    const read = await readPartner(ivo, hillside, riverside, (view) => view.items.some(({ title, verified }) => title === "Cy's cider press" && verified));
    expect(read.items.find(({ title }) => title === "Cy's cider press")).toMatchObject({ verified: true });
    expect(read.problems).toEqual([]);
    // And an exchange Cy gives is one Hillside can accept.
    await must(ada, "purse.contribute", { commune: riverside, amount: "10", currency: "EUR" });
    await waitUntil("Ada's contribution at Cy's", async () => ((await purseOf(cy, riverside)).EUR === 10_00 ? true : undefined));
    await must(cy, "purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "3", currency: "EUR", memo: "From Cy" });
    const offered = await readPartner(hana, hillside, riverside, (view) => view.exchanges.length === 1);
    await must(hana, "exchange.accept", { commune: hillside, exchange: offered.exchanges[0]!.record });
    expect(await purseOf(hana, hillside)).toEqual({ EUR: 3_00, HOUR: 0 });
  });

  it("refuse, with the reason, an exchange or answer a newcomer signs before the roster names them, and write nothing", async () => {
    const { ada, bo, hana, riverside, hillside } = await partners(async () => {});
    await must(hana, "purse.contribute", { commune: hillside, amount: "10", currency: "EUR" });
    await must(hana, "purse.exchange", { commune: hillside, partner: riverside, direction: "out", amount: "2", currency: "EUR" });
    const invite = (await must(ada, "commune.invite", { commune: riverside })).invite;
    // Ada and Bo, the members on Riverside's roster, are offline: no one writes the roster that names Cy.
    await ada.close();
    await bo.close();
    const cy = await member("Cy Riverbank");
    await must(cy, "commune.join", { invite, name: "Cy Riverbank" });
    await waitUntil("Cy to hold what Riverside shares", async () => {
      const listed = await cy.run("partner.list", { commune: riverside });
      return listed.ok && (listed.value as { active: boolean }[])[0]?.active ? true : undefined;
    });
    const notYet = {
      ok: false,
      error: {
        code: "exchange.notOnRoster",
        message:
          "Hillside would not count this yet: the roster Riverside shares with it does not name you until a member on it has seen your join " +
          "and written the next one. Try again once your join has reached another member.",
      },
    };
    expect(await cy.run("purse.exchange", { commune: riverside, partner: hillside, direction: "out", amount: "3", currency: "EUR" })).toMatchObject(notYet);
    const offer = (await readPartner(cy, riverside, hillside, (view) => view.exchanges.length === 1)).exchanges[0]!.record;
    expect(await cy.run("exchange.accept", { commune: riverside, exchange: offer, memo: "" })).toMatchObject(notYet);
    expect(await cy.run("exchange.decline", { commune: riverside, exchange: offer, reason: "" })).toMatchObject(notYet);
    // Nothing was written: no exchange in Riverside's purse, and the partner's offer still open.
    expect((await must(cy, "purse.ledger", { commune: riverside, limit: 100 })).rows).toEqual([]);
    expect((await must(cy, "partner.account", { commune: riverside, partner: hillside })).exchanges.map(({ state }) => state)).toEqual(["offered"]);
  });

  it("move what Riverside shares to a fresh share key once a member has left, so Hillside reads on and the member who left reads nothing new", async () => {
    const { ada, bo, ivo, riverside, hillside } = await partners(async ({ ada, riverside }) => {
      await must(ada, "inventory.add", { commune: riverside, title: "Lend a ladder", kind: "offer" });
    });
    const epochOf = (host: Host) => host.privateCommunes.linkContext(riverside)?.keyring.current()?.epoch;
    // What Bo could read before he left: the shared document and the share key from Riverside's grant, opened with his epoch's box key.
    const boNode = bo.node(riverside);
    if (!boNode.ok) throw new Error(boNode.error.message);
    const before = await sharedDocFor(boNode.value, hillside);
    const boContext = await bo.privateCommunes.open(riverside);
    const boBox = communeBoxKeyOf(boContext!.privacy, bo.crypto, boContext!.keyring.current()!.keys.epochKey);
    const oldGrant = before!.doc.grants[0]!;
    const boKeys = openGrant(boContext!.privacy, bo.crypto, bo.crypto, oldGrant, { commune: riverside, box: boBox });
    if (!boKeys.ok) throw new Error(boKeys.error.message);

    await must(bo, "commune.leave", { commune: riverside });
    await waitUntil("Ada's host to start epoch 2", async () => (epochOf(ada) === 2 ? true : undefined));
    await must(ada, "inventory.add", { commune: riverside, title: "Shared after Bo left", kind: "offer" });

    // Hillside follows the signed pointer to the fresh document and reads on, every item verified.
    const read = await readPartner(ivo, hillside, riverside, (view) => view.items.some(({ title }) => title === "Shared after Bo left"));
    expect(read.items.map(({ title, verified }) => ({ title, verified }))).toEqual([
      { title: "Lend a ladder", verified: true },
      { title: "Shared after Bo left", verified: true },
    ]);
    expect(read.problems).toEqual([]);

    // Bo, with the old share key: the old document says where the sharing went, and nothing shared after he left.
    const adaNode = ada.node(riverside);
    if (!adaNode.ok) throw new Error(adaNode.error.message);
    const now = await sharedDocFor(adaNode.value, hillside);
    expect(now!.url).not.toBe(before!.url);
    const { text: oldText } = await readableShared({
      url: relayUrlOf(ada, riverside),
      commune: riverside,
      document: before!.url.slice("automerge:".length),
      keys: boKeys.value,
      privacy: boContext!.privacy,
      crypto: bo.crypto,
    });
    expect(oldText).toContain("Lend a ladder");
    expect(oldText).not.toContain("Shared after Bo left");
    // The fresh grant is sealed to Hillside's box key and Riverside's new one: Bo's old box key opens neither.
    const freshGrant = now!.doc.grants.at(-1)!;
    expect(freshGrant.epoch).not.toBe(oldGrant.epoch);
    expect(openGrant(boContext!.privacy, bo.crypto, bo.crypto, freshGrant, { commune: riverside, box: boBox }).ok).toBe(false);
    // Nor can he fetch the fresh document: the relay admits a partner's key only for the document it was shared with.
    const fresh = await readPartnerDocument({
      url: relayUrlOf(ada, riverside),
      commune: riverside,
      document: now!.url.slice("automerge:".length),
      keys: boKeys.value,
      privacy: boContext!.privacy,
      crypto: bo.crypto,
      timeoutMs: 5_000,
    });
    expect(fresh.ok).toBe(false);
  });

  it("re-grant what Riverside shares to Hillside's new box key once a member left Hillside, so he cannot open Riverside's key any more", async () => {
    const { ada, hana, ivo, riverside, hillside } = await partners(async ({ ada, riverside }) => {
      await must(ada, "inventory.add", { commune: riverside, title: "Lend a ladder", kind: "offer" });
    });
    // Ivo's box key of Hillside's first epoch: it opened Riverside's grant to Hillside.
    const ivoContext = await ivo.privateCommunes.open(hillside);
    const ivoBox = communeBoxKeyOf(ivoContext!.privacy, ivo.crypto, ivoContext!.keyring.current()!.keys.epochKey);
    const adaNode = ada.node(riverside);
    if (!adaNode.ok) throw new Error(adaNode.error.message);
    const granted = await sharedDocFor(adaNode.value, hillside);
    expect(openGrant(ivoContext!.privacy, ivo.crypto, ivo.crypto, granted!.doc.grants[0]!, { commune: hillside, box: ivoBox }).ok).toBe(true);

    await must(ivo, "commune.leave", { commune: hillside });
    const hillsideEpoch = () => hana.privateCommunes.linkContext(hillside)?.keyring.current()?.epoch;
    await waitUntil("Hana's host to start Hillside's epoch 2", async () => (hillsideEpoch() === 2 ? true : undefined));
    // Riverside reads Hillside, follows its move, learns its new box key, and moves what it shares to a grant sealed to it.
    await waitUntil("Riverside to re-grant to Hillside's new box key", async () => {
      await ada.run("partner.shared", { commune: riverside, partner: hillside });
      const now = await sharedDocFor(adaNode.value, hillside);
      return now && now.url !== granted!.url ? now : undefined;
    });
    const now = await sharedDocFor(adaNode.value, hillside);
    expect(openGrant(ivoContext!.privacy, ivo.crypto, ivo.crypto, now!.doc.grants.at(-1)!, { commune: hillside, box: ivoBox }).ok).toBe(false);
    // Hana, in Hillside's new epoch, follows Riverside's move and reads on.
    await must(ada, "inventory.add", { commune: riverside, title: "After Ivo left Hillside", kind: "offer" });
    const read = await readPartner(hana, hillside, riverside, (view) => view.items.some(({ title }) => title === "After Ivo left Hillside"));
    expect(read.items.every(({ verified }) => verified)).toBe(true);
  });
});
