import * as A from "@automerge/automerge";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PartnerSharedView, PartnerView } from "../../shared/commands/views";
import { fromStored } from "../../shared/docs/automerge-form";
import { openGrant } from "../../shared/partners/grant";
import { communeBoxKeyOf } from "../../shared/partners/keys";
import { startRelay } from "../../relay/relay";
import { Host } from "../host";
import { readPartnerDocument } from "../sync/partner-reader";
import { relayLinks } from "../sync/relay-links";
import { must } from "../testing/host-harness";

/**
 * Issue 14, step 3, end to end on one real relay (docs/partners.md): once
 * both communes passed their partner proposals, a member of Hillside reads
 * what Riverside shares with it through the relay, checked against
 * Riverside's roster, and nothing else of Riverside: every byte the relay
 * sends Hillside's reader is opened and looked at.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

async function member(name: string): Promise<Host> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-partner-relay-"));
  const host = await Host.open({ dataDir, links: relayLinks });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name });
  return host;
}

async function decide(host: Host, commune: string, offer: string) {
  const taken = await must(host, "partner.accept", { commune, offer });
  if (!("proposed" in taken)) throw new Error("expected a proposal");
  await must(host, "proposal.vote", { commune, proposal: taken.proposed, choice: "yes" });
  await must(host, "proposal.execute", { commune, proposal: taken.proposed });
}

/** Waits for something another host does to arrive: a wait for the sync, not a timing assertion. */
async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads what Riverside shares until what is awaited has reached the relay: a wait for the sync, not a timing assertion. */
async function readOnceSynced(host: Host, commune: string, partner: string, arrived: (view: PartnerSharedView) => boolean): Promise<PartnerSharedView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const read = await host.run("partner.shared", { commune, partner });
    const view = read.ok ? (read.value as PartnerSharedView) : undefined;
    if (view && arrived(view)) return view;
    if (Date.now() > deadline) throw new Error(`Riverside's shared items did not arrive: ${JSON.stringify(read)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("two private communes on one relay", () => {
  it("give a member of Hillside Riverside's shared items, verified, no byte it can read of Riverside's purse, members or proposals, and once ended its end and nothing new", async () => {
    const relayDir = await mkdtemp(join(tmpdir(), "commune-partner-relay-data-"));
    const relay = await startRelay({ port: 0, dataDir: relayDir });
    cleanups.push(() => rm(relayDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    cleanups.push(() => relay.close());
    const ada = await member("Ada Riverbank");
    const hana = await member("Hana Hillcrest");
    const riverside = (await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [relay.url], private: true })).commune;
    const hillside = (await must(hana, "commune.create", { name: "Hillside", currencies: [EUR], relays: [relay.url], private: true })).commune;

    // What Riverside keeps to itself: a purse entry, a proposal, knowledge shared with no one.
    await must(ada, "purse.contribute", { commune: riverside, amount: "125.00", currency: "EUR", memo: "Zanzibar roof fund" });
    await must(ada, "proposal.create", { commune: riverside, kind: "general", title: "Quarrelsome quince question", deadline: { days: 7 } });
    await must(ada, "inventory.add", { commune: riverside, title: "Xylophone ledger notes", sharedWith: "commune" });
    // What it shares: an offer (shared by default) and knowledge shared with partners.
    await must(ada, "inventory.add", { commune: riverside, title: "Lend a ladder", kind: "offer" });
    await must(ada, "inventory.add", { commune: riverside, title: "Sourdough guide", sharedWith: "partners" });

    await decide(hana, hillside, (await must(ada, "partner.offer", { commune: riverside })).offer);
    const [hillsideGranted] = await must(hana, "partner.list", { commune: hillside });
    await decide(ada, riverside, hillsideGranted!.answer!);
    expect(await must(ada, "partner.list", { commune: riverside })).toMatchObject([{ name: "Hillside", active: true, items: 2 }]);
    const [riversideGranted] = await must(ada, "partner.list", { commune: riverside });
    expect(await must(hana, "partner.accept", { commune: hillside, offer: riversideGranted!.answer! })).toEqual({ accepted: riverside });

    const shared = await readOnceSynced(hana, hillside, riverside, (view) => view.items.length >= 2);
    expect(shared).toMatchObject({ commune: riverside, name: "Riverside", ended: false, problems: [] });
    expect(shared.items.map(({ title, kind, verified }) => ({ title, kind, verified }))).toEqual([
      { title: "Lend a ladder", kind: "offer", verified: true },
      { title: "Sourdough guide", kind: "knowledge", verified: true },
    ]);

    // Every item the relay sends Hillside's reader, opened: together they are Riverside's shared document and nothing else.
    const hillsideNode = hana.node(hillside);
    if (!hillsideNode.ok) throw new Error(hillsideNode.error.message);
    const model = hillsideNode.value.model();
    if (!model.ok) throw new Error(model.error.message);
    const kept = model.value.doc.partners[riverside]!;
    const context = await hana.privateCommunes.open(hillside);
    const box = communeBoxKeyOf(context!.privacy, hana.crypto, context!.keyring.current()!.keys.epochKey);
    const keys = openGrant(context!.privacy, hana.crypto, hana.crypto, kept.grant, { commune: hillside, box });
    if (!keys.ok) throw new Error(keys.error.message);
    const read = await readPartnerDocument({
      url: relay.url,
      commune: riverside,
      document: kept.inventory.slice("automerge:".length),
      keys: keys.value,
      privacy: context!.privacy,
      crypto: hana.crypto,
    });
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.refused).toEqual([]);
    expect(read.value.plaintexts.length).toBeGreaterThan(0);
    let everything = A.init<unknown>();
    for (const bytes of read.value.plaintexts) everything = A.loadIncremental(everything, bytes);
    const plain = fromStored(A.toJS(everything));
    const readable = JSON.stringify(plain);
    expect(plain).toMatchObject({ type: "shared", commune: riverside, partner: hillside });
    expect(readable).toContain("Sourdough guide");
    for (const secret of ["Zanzibar", "Quarrelsome", "Xylophone", "Ada Riverbank", "entries", "events", "proposals", "votes"])
      expect(readable).not.toContain(secret);

    // Riverside ends it: Hillside reads the signed end, and nothing Riverside shares afterwards.
    const end = await must(ada, "proposal.create", { commune: riverside, kind: "partner-end", partner: hillside, title: "End it", deadline: { days: 7 } });
    await must(ada, "proposal.vote", { commune: riverside, proposal: end.id, choice: "yes" });
    await must(ada, "proposal.execute", { commune: riverside, proposal: end.id });
    await must(ada, "inventory.add", { commune: riverside, title: "Shared after the end", sharedWith: "partners" });
    const ended = await readOnceSynced(hana, hillside, riverside, (view) => view.ended);
    expect(ended.items.map(({ title }) => title)).toEqual(["Lend a ladder", "Sourdough guide"]);
  });

  it("let a second member of Riverside, who joined by invite, open the shared document and add to it, and Hillside reads that too", async () => {
    const relayDir = await mkdtemp(join(tmpdir(), "commune-partner-relay-data-"));
    const relay = await startRelay({ port: 0, dataDir: relayDir });
    cleanups.push(() => rm(relayDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    cleanups.push(() => relay.close());
    const ada = await member("Ada");
    const bo = await member("Bo");
    const hana = await member("Hana");
    const riverside = (await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [relay.url], private: true })).commune;
    const hillside = (await must(hana, "commune.create", { name: "Hillside", currencies: [EUR], relays: [relay.url], private: true })).commune;
    await must(bo, "commune.join", { invite: (await must(ada, "commune.invite", { commune: riverside })).invite, name: "Bo" });
    await must(ada, "inventory.add", { commune: riverside, title: "Lend a ladder", kind: "offer" });

    // Hillside decides and grants first; Riverside's proposal carries its answer, and both members vote.
    await decide(hana, hillside, (await must(ada, "partner.offer", { commune: riverside })).offer);
    const [hillsideGranted] = await must(hana, "partner.list", { commune: hillside });
    const taken = await must(ada, "partner.accept", { commune: riverside, offer: hillsideGranted!.answer! });
    if (!("proposed" in taken)) throw new Error("expected a proposal");
    await must(ada, "proposal.vote", { commune: riverside, proposal: taken.proposed, choice: "yes" });
    // Bo votes once the proposal reaches him, unless Ada's yes settled it already; then Ada carries it out.
    await waitUntil("the proposal to pass at Ada's", async () => {
      if ((await ada.run("proposal.execute", { commune: riverside, proposal: taken.proposed })).ok) return true;
      await bo.run("proposal.vote", { commune: riverside, proposal: taken.proposed, choice: "yes" });
      return false;
    });
    const [riversideGranted] = await must(ada, "partner.list", { commune: riverside });
    await must(hana, "partner.accept", { commune: hillside, offer: riversideGranted!.answer! });

    // Bo opens the shared document with the share key from Riverside's grant (sealed to Riverside's box key), and adds to it.
    await waitUntil("Bo to hold the shared document", async () => {
      const listed = await bo.run("partner.list", { commune: riverside });
      return listed.ok && (listed.value as PartnerView[])[0]?.items === 1;
    });
    await must(bo, "inventory.add", { commune: riverside, title: "Bo's bike repairs", kind: "offer" });
    const shared = await readOnceSynced(hana, hillside, riverside, (view) => view.items.length >= 2);
    expect(shared.items.map(({ title, verified }) => ({ title, verified }))).toEqual([
      { title: "Bo's bike repairs", verified: true },
      { title: "Lend a ladder", verified: true },
    ]);
    expect(shared.problems).toEqual([]);
  });
});
