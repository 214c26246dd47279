import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { Host } from "../host";
import { CommuneNode } from "./commune-node";
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

it("shows the view saved last time while the purse is still loading, and only if the documents are unchanged", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-views-"));
  dirs.push(dataDir);
  const first = await open(dataDir);
  await first.run("identity.rename", { name: "Ada" });
  const created = await first.run("commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
  if (!created.ok) throw new Error(created.error.message);
  const commune = (created.value as { commune: string }).commune;
  await first.run("purse.contribute", { commune, amount: "100", currency: "EUR" });
  await first.close();
  hosts.length = 0;

  const host = await open(dataDir);
  const node = host.nodes.get(commune)!;
  const stillLoading = new CommuneNode(node.record, node.docs, [], host.nodeContext(), new Promise(() => {}));
  expect(await stillLoading.viewNow()).toMatchObject({ provisional: true, name: "Riverside", balances: { purse: { EUR: 10000 } } });

  await host.run("proposal.create", { commune, kind: "general", title: "Picnic", deadline: { days: 1 } });
  expect(await stillLoading.viewNow()).toBeUndefined();
});

it("answers the purse chart from the history saved with the view while the purse is still loading", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-views-"));
  dirs.push(dataDir);
  const first = await open(dataDir);
  await first.run("identity.rename", { name: "Ada" });
  const created = await first.run("commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
  if (!created.ok) throw new Error(created.error.message);
  const commune = (created.value as { commune: string }).commune;
  await first.run("purse.contribute", { commune, amount: "100", currency: "EUR" });
  await first.run("purse.contribute", { commune, amount: "25", currency: "EUR" });
  const live = await first.run("purse.history", { commune, points: 200 });
  await first.close();
  hosts.length = 0;

  const host = await open(dataDir);
  const node = host.nodes.get(commune)!;
  const stillLoading = new CommuneNode(node.record, node.docs, [], host.nodeContext(), new Promise(() => {}));
  expect(live.ok && live.value).toEqual(await stillLoading.historyNow(undefined, 200));
  expect(await stillLoading.historyNow("EUR", 200)).toEqual([
    { currency: "EUR", points: [expect.objectContaining({ balance: 10000 }), expect.objectContaining({ balance: 12500 })] },
  ]);
  expect(await stillLoading.historyNow("EUR", 50)).toBeUndefined();
  expect(await stillLoading.historyNow("USD", 200)).toBeUndefined();
});
