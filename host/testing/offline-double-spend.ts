import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRelay } from "../../relay/relay";
import type { RelayLinkFactory } from "../commune/relay-link";
import { Host } from "../host";
import { relayLinks } from "../sync/relay-links";
import { must } from "./host-harness";

/** A machine without a network: its relay links go to a port where nothing listens. */
export const unreachable: RelayLinkFactory = (options) => relayLinks({ ...options, url: "ws://127.0.0.1:9/" });

/** Polls `check` until it gives a value, or fails naming what it waited for. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface DoubleSpend {
  relay: { url: string };
  ada: Host;
  adaDir: string;
  boDir: string;
  commune: string;
  /** Bo's payment to the garage, which loses. */
  garage: string;
  /** Closes every host and the relay and removes the folders. */
  cleanup(): Promise<void>;
}

/**
 * Test-only: Ada and Bo share a purse of 100 EUR through a relay. Ada pays
 * the roofer 80; Bo, offline, pays the garage 80 from what he last saw; then
 * Bo's host syncs, and his payment comes out overdrawn. Returns with Bo's
 * host closed after it synced (its data folder holds the overdrawn entry)
 * and Ada's open, the relay running.
 */
export async function offlineDoubleSpend(): Promise<DoubleSpend> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const folder = async () => {
      const dir = await mkdtemp(join(tmpdir(), "commune-double-spend-"));
      cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
      return dir;
    };
    const open = async (dir: string, links: RelayLinkFactory = relayLinks) => {
      const host = await Host.open({ dataDir: dir, links, joinTimeoutMs: 20_000 });
      cleanups.push(() => host.close());
      return host;
    };
    const relay = await startRelay({ port: 0, dataDir: await folder(), log: () => {} });
    cleanups.push(() => relay.close());
    const adaDir = await folder();
    const ada = await open(adaDir);
    await must(ada, "identity.rename", { name: "Ada" });
    const { commune } = await must(ada, "commune.create", {
      name: "Riverside",
      currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
      relays: [relay.url],
      rules: { spendLimit: { EUR: "100.00" } },
    });
    await must(ada, "purse.contribute", { commune, amount: "100.00", currency: "EUR", memo: "savings" });
    const { invite } = await must(ada, "commune.invite", { commune });
    await until("Ada's documents on the relay", async () => ada.nodes.get(commune)!.syncStatus().waiting === 0 || undefined);
    const boDir = await folder();
    const bo = await open(boDir);
    await must(bo, "commune.join", { invite, name: "Bo" });
    await until("Bo to see the purse", async () => (await must(bo, "commune.show", { commune })).balances.purse.EUR === 100_00 || undefined);
    await bo.close();

    await must(ada, "purse.disburse", { commune, amount: "80.00", currency: "EUR", payee: { outside: "Roofer" }, memo: "roof" });
    const offline = await open(boDir, unreachable);
    const { id: garage } = await must(offline, "purse.disburse", { commune, amount: "80.00", currency: "EUR", payee: { outside: "Garage" }, memo: "car" });
    await offline.close();

    const back = await open(boDir);
    await until(
      "Bo's payment to be judged against Ada's",
      async () => (await must(back, "commune.show", { commune })).balances.entries.overdrawn === 1 || undefined,
    );
    await until("Bo's payment to reach Ada", async () => (await must(ada, "commune.show", { commune })).balances.entries.overdrawn === 1 || undefined);
    await back.close();
    return { relay, ada, adaDir, boDir, commune, garage, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
