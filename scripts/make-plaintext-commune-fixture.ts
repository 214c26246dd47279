/**
 * Makes tests/fixtures/plaintext-commune/: the data folders of a plaintext
 * commune as the code before issue 13's move-over wrote them (Ada's host,
 * Bo's host and the relay they synced through), so the move to a private
 * commune is tested on what members really have on disk, not on what today's
 * code would make. Run once with the code being fixed in place and commit the
 * result; running it again with later code would defeat its purpose.
 *
 *   npx tsx scripts/make-plaintext-commune-fixture.ts
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import type { CommandName, CommandResults } from "../shared/commands/commands";
import { startRelay } from "../relay/relay";
import { Host } from "../host/host";
import { relayLinks } from "../host/sync/relay-links";

const TARGET = join(import.meta.dirname, "..", "tests", "fixtures", "plaintext-commune");
const EUR = { code: "EUR", name: "Euro", decimals: 2 };

async function must<K extends CommandName>(host: Host, name: K, input: unknown): Promise<CommandResults[K]> {
  const outcome = await host.run(name, input);
  if (!outcome.ok) throw new Error(`${name}: ${outcome.error.message}`);
  return outcome.value as CommandResults[K];
}

// Waiting on sync has no deadline a script could honestly pick; a stuck run is stopped by the person running it.
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

const work = await mkdtemp(join(tmpdir(), "commune-fixture-"));
const relay = await startRelay({ port: 0, dataDir: join(work, "relay"), log: () => {} });
const ada = await Host.open({ dataDir: join(work, "ada"), links: relayLinks, joinTimeoutMs: 60_000 });
const bo = await Host.open({ dataDir: join(work, "bo"), links: relayLinks, joinTimeoutMs: 60_000 });
try {
  await must(ada, "identity.rename", { name: "Ada Lovelace" });
  const { commune } = await must(ada, "commune.create", { name: "Riverside Gardens", currencies: [EUR], relays: [relay.url] });
  await must(ada, "purse.contribute", { commune, amount: "12.34", currency: "EUR", memo: "seed money for tomatoes" });
  const { invite } = await must(ada, "commune.invite", { commune, days: 1 });
  await until(async () => (await must(ada, "sync.status", { commune })).waiting === 0);
  await must(bo, "commune.join", { invite, name: "Bo Diddley" });
  await must(bo, "purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "watering can" });
  const eurAt = async (host: Host) => (await must(host, "commune.show", { commune })).balances.purse.EUR;
  await until(async () => (await eurAt(ada)) === 1334 && (await eurAt(bo)) === 1334);
  await until(async () => (await must(bo, "sync.status", { commune })).waiting === 0);
  await ada.close();
  await bo.close();
  await relay.close();

  await rm(TARGET, { recursive: true, force: true });
  await mkdir(TARGET, { recursive: true });
  for (const folder of ["ada", "bo", "relay"]) await cp(join(work, folder), join(TARGET, folder), { recursive: true });
  const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  const made = {
    commit,
    commune,
    relayUrlWhenMade: relay.url,
    members: ["Ada Lovelace", "Bo Diddley"],
    purseEUR: 1334,
    memos: ["seed money for tomatoes", "watering can"],
  };
  await writeFile(join(TARGET, "made.json"), `${JSON.stringify(made, null, 2)}\n`);
  process.stdout.write(`${await readFile(join(TARGET, "made.json"), "utf8")}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
