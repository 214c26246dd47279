import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CommandResults } from "../shared/commands/commands";
import { startRelay, type RunningRelay } from "../relay/relay";
import { Host } from "./host";
import type { RelayLinkFactory } from "./commune/relay-link";
import { RelayClientAdapter } from "./sync/relay-client";
import { relayLinks } from "./sync/relay-links";
import { must } from "./testing/host-harness";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-join-"));
  // A closed Repo may still write a sync state for a moment (a 100 ms timer in automerge-repo): retry the removal.
  cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  return dir;
}

async function openHost(dir: string, links: RelayLinkFactory = relayLinks): Promise<Host> {
  const host = await Host.open({ dataDir: dir, links, joinTimeoutMs: 20_000 });
  cleanups.push(() => host.close());
  return host;
}

async function relay(): Promise<RunningRelay> {
  const running = await startRelay({ port: 0, dataDir: await dataDir(), log: () => {} });
  cleanups.push(() => running.close().catch(() => {}));
  return running;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

describe("joining a commune through a relay", () => {
  it("takes every document whole from the relay, and has them on disk afterwards", async () => {
    const theRelay = await relay();
    const { url } = theRelay;
    const ada = await openHost(await dataDir());
    await must(ada, "identity.rename", { name: "Ada" });
    // Plaintext on purpose: this pins the plaintext relay's whole-document answers (a private newcomer asks for snapshots: private-link.test.ts).
    const { commune } = await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [url], private: false });
    for (let i = 1; i <= 5; i++) await must(ada, "purse.contribute", { commune, amount: `${i}.00`, currency: "EUR", memo: `gift ${i}` });
    const { invite } = await must(ada, "commune.invite", { commune, days: 1 });
    await until("Ada's documents to reach the relay", async () => ada.nodes.get(commune)!.syncStatus().waiting === 0);

    const asked = vi.spyOn(RelayClientAdapter.prototype, "requestSnapshot");
    const boDir = await dataDir();
    const bo = await openHost(boDir);
    await must(bo, "commune.join", { invite, name: "Bo" });
    // The commune, proposals and inventory documents, and Ada's one shard (asked for once the join has answered: it loads in the background).
    await until("Ada's shard to be asked for", async () => asked.mock.calls.length >= 4);
    expect(asked).toHaveBeenCalledTimes(4);
    const answers = await Promise.all(asked.mock.results.map((result) => result.value as Promise<Uint8Array | undefined>));
    expect(answers.every((bytes) => bytes instanceof Uint8Array)).toBe(true);
    await until("Bo's balances", async () => {
      const shown = await bo.run("commune.show", { commune });
      return shown.ok && (shown.value as CommandResults["commune.show"]).balances.purse.EUR === 1500;
    });

    // Everything Bo received is his now: with the relay gone, it opens from his disk alone.
    await bo.close();
    await theRelay.close();
    const boOffline = await openHost(boDir);
    await boOffline.nodes.get(commune)!.whenLoaded();
    const shown = await must(boOffline, "commune.show", { commune });
    expect(shown.balances.purse).toEqual({ EUR: 1500 });
    expect(shown.balances.members.map((member) => member.name).sort()).toEqual(["Ada", "Bo"]);
  });

  it("shows the inviter's signed count of the purse at once, then its own count once the history is in and checked", async () => {
    const { url } = await relay();
    const ada = await openHost(await dataDir());
    await must(ada, "identity.rename", { name: "Ada" });
    // Plaintext on purpose: the purse shards are held back at the plaintext relay link, which a private commune does not use.
    const { commune } = await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [url], private: false });
    for (let i = 1; i <= 3; i++) await must(ada, "purse.contribute", { commune, amount: `${i}0.00`, currency: "EUR", memo: `gift ${i}` });
    const { invite } = await must(ada, "commune.invite", { commune, days: 1 });
    await until("Ada's documents to reach the relay", async () => ada.nodes.get(commune)!.syncStatus().waiting === 0);

    // Hold the purse shards back at the relay link until the test lets them through.
    const shardIds = new Set([...ada.nodes.get(commune)!.docs.shards.values()].map((handle) => handle.documentId as string));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const original = RelayClientAdapter.prototype.requestSnapshot;
    vi.spyOn(RelayClientAdapter.prototype, "requestSnapshot").mockImplementation(async function (this: RelayClientAdapter, documentId, timeoutMs) {
      if (shardIds.has(documentId)) await released;
      return original.call(this, documentId, timeoutMs);
    });

    const bo = await openHost(await dataDir());
    const joined = await must(bo, "commune.join", { invite, name: "Bo" });
    expect(joined.status).toBe("active");
    const early = await must(bo, "commune.show", { commune });
    expect(early.provisional).toBe(true);
    expect(early.countedBy).toMatchObject({ member: ada.keys.publicKey, name: "Ada" });
    expect(early.balances.purse).toEqual({ EUR: 6000 });
    expect(early.balances.entries).toEqual({ counted: 3, overdrawn: 0, untrusted: 0 });
    expect(early.balances.members.map((member) => [member.name, member.balances.EUR ?? 0])).toEqual([
      ["Ada", 6000],
      ["Bo", 0],
    ]);

    release();
    await until("Bo's own count", async () => {
      const shown = await bo.run("commune.show", { commune });
      return shown.ok && (shown.value as CommandResults["commune.show"]).provisional !== true;
    });
    const own = await must(bo, "commune.show", { commune });
    expect(own.countedBy).toBeUndefined();
    expect(own.balances.purse).toEqual({ EUR: 6000 });
  });
});

describe("the last sync, after a restart", () => {
  it("is still known to a host reopened while its relay is down, instead of 'never'", async () => {
    const theRelay = await relay();
    const dir = await dataDir();
    const first = await Host.open({ dataDir: dir, links: relayLinks });
    await must(first, "identity.rename", { name: "Ada" });
    const { commune } = await must(first, "commune.create", { name: "Riverside", currencies: [EUR], relays: [theRelay.url] });
    await must(first, "purse.contribute", { commune, amount: "5.00", currency: "EUR" });
    await until("Ada's documents to reach the relay", async () => (await must(first, "sync.status", { commune })).waiting === 0);
    const synced = (await must(first, "sync.status", { commune })).lastSynced;
    expect(synced).toBeDefined();
    await first.close();
    await theRelay.close();

    const again = await openHost(dir);
    const status = await must(again, "sync.status", { commune });
    expect(status.relays.every((link) => link.state !== "connected")).toBe(true);
    expect(status.lastSynced).toBeGreaterThanOrEqual(synced!);
  });
});

describe("joining while the commune's relay is down", () => {
  it("fails after a few attempts with what the failure means, not after the whole join timeout", async () => {
    const theRelay = await relay();
    const ada = await openHost(await dataDir());
    await must(ada, "identity.rename", { name: "Ada" });
    const { commune } = await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], relays: [theRelay.url] });
    const { invite } = await must(ada, "commune.invite", { commune, days: 1 });
    await theRelay.close();

    // A minute to wait, were the join to wait it out: the answer below is only reached by giving up early.
    const bo = await Host.open({ dataDir: await dataDir(), links: relayLinks, joinTimeoutMs: 60_000 });
    cleanups.push(() => bo.close());
    const joined = await bo.run("commune.join", { invite, name: "Bo" });
    expect(joined).toMatchObject({
      ok: false,
      error: {
        code: "join.unreachable",
        message: expect.stringContaining("Nothing answers at this address: the relay is not running there, or the port is wrong."),
      },
    });
    expect((await must(bo, "commune.list", {})).length).toBe(0);
  });
});
