import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { CommuneView } from "../../shared/commands/views";
import { purse } from "../../shared/purse/balances";
import { ok } from "../../shared/result";
import { Host } from "../host";
import { checkpointFields, checkpointRecord } from "./record-kinds";
import { writeRecord } from "./writer";
import { noRelays } from "../testing/host-harness";

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function open(dataDir: string) {
  const host = await Host.open({ dataDir, links: noRelays });
  hosts.push(host);
  return host;
}

async function closeAll() {
  for (const host of hosts.splice(0)) await host.close();
}

async function shown(host: Host, commune: string): Promise<CommuneView> {
  await host.nodes.get(commune)!.whenLoaded();
  const view = await host.run("commune.show", { commune });
  if (!view.ok) throw new Error(view.error.message);
  return view.value as CommuneView;
}

/** A fresh data directory whose member, Ada, founds Riverside (EUR). */
async function adaFoundsRiverside(): Promise<{ dataDir: string; host: Host; commune: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-model-"));
  dirs.push(dataDir);
  const host = await open(dataDir);
  await host.run("identity.rename", { name: "Ada" });
  const created = await host.run("commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
  if (!created.ok) throw new Error(created.error.message);
  return { dataDir, host, commune: (created.value as { commune: string }).commune };
}

it("checks a large purse's signatures on worker threads too, and counts the signed original of an entry altered in place", async () => {
  const { dataDir, host: first, commune } = await adaFoundsRiverside();
  for (let i = 0; i < 300; i++) await first.run("purse.contribute", { commune, amount: "1", currency: "EUR" });
  const shard = [...first.nodes.get(commune)!.docs.shards.values()][0]!;
  shard.change((doc) => {
    (doc as unknown as { entries: { amount: number }[] }).entries[150]!.amount = 100_000;
  });
  await closeAll();
  // Forget every verdict: this open checks each signature again, as a first open does.
  await rm(join(dataDir, "verified-signatures.bin"));

  // Each host counts its own verifications, from its start.
  const cold = await open(dataDir);
  const view = await shown(cold, commune);
  // Issue 12: the alteration no longer makes the entry stop counting (every purse rose by it); the signed original counts and the change is named.
  expect(view.balances.purse).toEqual({ EUR: 300 * 100 });
  expect(view.balances.entries).toEqual({ counted: 300, overdrawn: 0, untrusted: 0 });
  expect(view.problems).toEqual([
    expect.objectContaining({
      subject: "entry",
      reason: "Ada's signed purse entry was changed after it was signed (amount: 100 → 100000); the signed original still counts",
    }),
  ]);
  expect(cold.crypto.workers.verifiedInWorkers).toBeGreaterThan(0);
  expect(cold.crypto.verifications()).toBeGreaterThanOrEqual(300);
  await closeAll();

  // Valid verdicts were kept on disk: the next open verifies nothing again (the altered copy is never judged: its original is).
  const warm = await open(dataDir);
  const again = await shown(warm, commune);
  expect(again.balances).toEqual(view.balances);
  expect(warm.crypto.verifications()).toBe(0);
});

it("judges the purse again for a membership change, but not for a checkpoint or a relay written into the commune document", async () => {
  const { host, commune } = await adaFoundsRiverside();
  await host.run("purse.contribute", { commune, amount: "5", currency: "EUR" });
  const node = host.nodes.get(commune)!;
  const ledgerNow = () => {
    const model = node.model();
    if (!model.ok) throw new Error(model.error.message);
    return model.value.ledger;
  };

  const before = ledgerNow();
  const checkpoint = await writeRecord(node, host, checkpointRecord, (current, at) => ok(checkpointFields(node, current, at)));
  expect(checkpoint.ok).toBe(true);
  node.docs.commune.change((doc) => {
    doc.relays.push("ws://127.0.0.1:9/" as never);
  });
  expect(ledgerNow()).toBe(before);

  await host.run("commune.admit", { commune, member: "ab".repeat(32), name: "Bo" });
  expect(ledgerNow()).not.toBe(before);
});

it("keeps a model computed before a new entry as it was, while the next model adds the entry without judging the purse again", async () => {
  const { host, commune } = await adaFoundsRiverside();
  for (const amount of ["1", "2"]) await host.run("purse.contribute", { commune, amount, currency: "EUR" });
  const node = host.nodes.get(commune)!;
  const modelNow = () => {
    const model = node.model();
    if (!model.ok) throw new Error(model.error.message);
    return model.value;
  };

  const before = modelNow();
  const entriesReadEarly = before.entries;
  await host.run("purse.contribute", { commune, amount: "4", currency: "EUR" });
  const after = modelNow();

  expect(after.ledger).toBe(before.ledger);
  expect(entriesReadEarly).toHaveLength(2);
  expect(before.entries).toBe(entriesReadEarly);
  expect(before.purse.entries).toHaveLength(2);
  expect(before.purse.purse).toEqual({ EUR: 300 });
  expect(before.purse.counts).toEqual({ counted: 2, overdrawn: 0, untrusted: 0 });
  expect(before.purse).toEqual(purse(host.crypto, before.entries, before.state));

  expect(after.entries).toHaveLength(3);
  expect(after.purse.purse).toEqual({ EUR: 700 });
  expect(after.purse).toEqual(purse(host.crypto, after.entries, after.state));
});
