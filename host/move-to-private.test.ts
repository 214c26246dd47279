import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RunningRelay } from "../relay/relay";
import { Host } from "./host";
import { relayLinks } from "./sync/relay-links";
import { must } from "./testing/host-harness";

/**
 * Issue 13, moving a commune made before it (docs/relay.md, "Moving existing
 * communes"), on copies of tests/fixtures/plaintext-commune/: the founder's
 * host makes epoch 1 sealed to the active members, and the others' hosts
 * open their lockbox in it and turn private too, with nothing lost.
 */
const FIXTURE = join(import.meta.dirname, "..", "tests", "fixtures", "plaintext-commune");
interface Made {
  commune: string;
  relayUrlWhenMade: string;
  members: string[];
  purseEUR: number;
  memos: string[];
}
const made = JSON.parse(await readFile(join(FIXTURE, "made.json"), "utf8")) as Made;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The fixture is never opened in place: a host writes to its data folder.
async function copyOf(folder: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-move-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  await cp(join(FIXTURE, folder), dir, { recursive: true });
  return dir;
}

async function startFixtureRelay(): Promise<RunningRelay> {
  const relay = await startRelay({ port: 0, dataDir: await copyOf("relay"), log: () => {} });
  cleanups.push(() => relay.close().catch(() => {}));
  return relay;
}

async function openMember(dir: string, relay: RunningRelay): Promise<Host> {
  // The relay was on a port chosen when the fixture was made; this run's relay serves the same folder elsewhere. Said in the
  // member's list of communes before the host opens, since the founder's host moves the commune as soon as it has loaded.
  const index = join(dir, "communes.json");
  await writeFile(index, (await readFile(index, "utf8")).replaceAll(`${made.relayUrlWhenMade}/`, relay.url));
  const host = await Host.open({ dataDir: dir, links: relayLinks });
  cleanups.push(() => host.close());
  return host;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const privacyOf = (host: Host) => must(host, "commune.privacy", { commune: made.commune });

/** Every member, balance and memo the fixture was made with is still there. */
async function expectNothingLost(host: Host): Promise<void> {
  const shown = await must(host, "commune.show", { commune: made.commune });
  expect(shown.balances.members.map((one) => one.name).sort()).toEqual(made.members);
  expect(shown.balances.purse.EUR).toBe(made.purseEUR);
  const ledger = await must(host, "purse.ledger", { commune: made.commune, limit: 1000 });
  const memos = ledger.rows.map((row) => row.memo);
  for (const memo of made.memos) expect(memos).toContain(memo);
}

describe("a plaintext commune made before issue 13, opened by this version", () => {
  it("turns private at epoch 1 on the founder's host, sealed to both members, with every member, entry and memo kept", async () => {
    const relay = await startFixtureRelay();
    const ada = await openMember(await copyOf("ada"), relay);
    await until("Ada's host to move the commune", async () => (await privacyOf(ada)).private);
    const privacy = await privacyOf(ada);
    expect(privacy.epoch?.number).toBe(1);
    expect(privacy.epoch?.startedBy).toBe("Ada Lovelace");
    expect(privacy.epoch?.holders?.map((holder) => holder.name)).toEqual(made.members);
    await expectNothingLost(ada);
  });

  it("turns private at epoch 1 on another member's host once it has synced with the founder's", async () => {
    const relay = await startFixtureRelay();
    const bo = await openMember(await copyOf("bo"), relay);
    // Bo is not the founder: his host does not move the commune itself.
    expect((await privacyOf(bo)).private).toBe(false);
    const ada = await openMember(await copyOf("ada"), relay);
    await until("Bo's host to open its lockbox in epoch 1", async () => (await privacyOf(bo)).private);
    const [adaSees, boSees] = [await privacyOf(ada), await privacyOf(bo)];
    expect(boSees.epoch?.id).toBe(adaSees.epoch?.id);
    expect(boSees.epoch?.number).toBe(1);
    await expectNothingLost(bo);
  });
});
