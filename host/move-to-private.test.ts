import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RelayLogEvent, type RunningRelay } from "../relay/relay";
import { PLAINTEXT_REASONS } from "../shared/privacy/what-relays-see";
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

async function startFixtureRelay(): Promise<RunningRelay & { dataDir: string; logs: RelayLogEvent[] }> {
  const dataDir = await copyOf("relay");
  const logs: RelayLogEvent[] = [];
  const relay = await startRelay({ port: 0, dataDir, log: (event) => logs.push(event) });
  cleanups.push(() => relay.close().catch(() => {}));
  return { ...relay, dataDir, logs };
}

async function filesUnder(root: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  const entries = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  return Promise.all(entries.map(async (entry) => ({ path: join(entry.parentPath, entry.name), bytes: await readFile(join(entry.parentPath, entry.name)) })));
}

const forgotten = (relay: { logs: RelayLogEvent[] }) => relay.logs.some((event) => event.event === "forgotten");

async function openMember(dir: string, relay: RunningRelay): Promise<Host> {
  // The relay was on a port chosen when the fixture was made; this run's relay serves the same folder elsewhere. Said in the
  // member's list of communes before the host opens, since the founder's host moves the commune as soon as it has loaded.
  await pointAt(dir, `${made.relayUrlWhenMade}/`, relay.url);
  const host = await Host.open({ dataDir: dir, links: relayLinks });
  cleanups.push(() => host.close());
  return host;
}

async function pointAt(dir: string, from: string, to: string): Promise<void> {
  const index = join(dir, "communes.json");
  await writeFile(index, (await readFile(index, "utf8")).replaceAll(from, to));
}

/** Nothing listens on port 9 here: a machine "apart" tries its relay and never reaches it. */
const APART = "ws://127.0.0.1:9/";

const memosOf = async (host: Host) => (await must(host, "purse.ledger", { commune: made.commune, limit: 1000 })).rows.map((row) => row.memo);

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const privacyOf = (host: Host) => must(host, "commune.privacy", { commune: made.commune });

/** Every member, balance and memo the fixture was made with is still there (with `added` cents contributed since). */
async function expectNothingLost(host: Host, added = 0): Promise<void> {
  const shown = await must(host, "commune.show", { commune: made.commune });
  expect(shown.balances.members.map((one) => one.name).sort()).toEqual(made.members);
  expect(shown.balances.purse.EUR).toBe(made.purseEUR + added);
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
    // Bo is not the founder: his host does not move the commune itself, and says who will.
    expect(await privacyOf(bo)).toMatchObject({ private: false, plaintextWhy: PLAINTEXT_REASONS.awaitingFounder });
    const ada = await openMember(await copyOf("ada"), relay);
    await until("Bo's host to open its lockbox in epoch 1", async () => (await privacyOf(bo)).private);
    const [adaSees, boSees] = [await privacyOf(ada), await privacyOf(bo)];
    expect(boSees.epoch?.id).toBe(adaSees.epoch?.id);
    expect(boSees.epoch?.number).toBe(1);
    await expectNothingLost(bo);
  });
});

describe("the relays of a commune that moved", () => {
  it("forget the plaintext copy once the founder's host has put every document under epoch 1: no memo or member's name written is left", async () => {
    const relay = await startFixtureRelay();
    const ada = await openMember(await copyOf("ada"), relay);
    await until("the relay to forget its plaintext copy", async () => forgotten(relay));
    const files = await filesUnder(relay.dataDir);
    const [founder, ...others] = made.members;
    for (const words of [...made.memos, ...others]) expect(files.filter(({ bytes }) => bytes.includes(words)).map(({ path }) => path)).toEqual([]);
    // The founder's name and the commune's are in its genesis, which a moved commune registers whole (its id is the genesis's hash).
    expect(files.filter(({ bytes }) => bytes.includes(founder!)).map(({ path }) => relative(relay.dataDir, path))).toEqual([
      join("private", made.commune, "genesis.json"),
    ]);
    // The plaintext link is done: the founder's host syncs through the private one alone.
    await until("Ada's plaintext link to go", async () => (await must(ada, "sync.status", { commune: made.commune })).relays.length === 1);
    await expectNothingLost(ada);
  });

  it("let a member offline during the move back in privately: refused in plaintext, he reads the chain, opens his lockbox and syncs", async () => {
    const relay = await startFixtureRelay();
    const ada = await openMember(await copyOf("ada"), relay);
    await until("the relay to forget its plaintext copy", async () => forgotten(relay));
    await must(ada, "purse.contribute", { commune: made.commune, amount: "1.00", currency: "EUR", memo: "written after the move" });

    const bo = await openMember(await copyOf("bo"), relay);
    await until("Bo's host to read the chain and turn private", async () => (await privacyOf(bo)).private);
    expect((await privacyOf(bo)).epoch?.id).toBe((await privacyOf(ada)).epoch?.id);
    await until("Bo to see what Ada wrote after the move", async () => {
      const ledger = await must(bo, "purse.ledger", { commune: made.commune, limit: 1000 });
      return ledger.rows.some((row) => row.memo === "written after the move");
    });
    await expectNothingLost(bo, 100);
  });
});

describe("two moves at once: the founder's laptop and desktop both open the plaintext commune with this version while apart", () => {
  it("end on one first epoch, the smallest id, on both machines and on a member offline across both, with what each wrote under its own kept", async () => {
    const relay = await startFixtureRelay();
    const laptop = await openMember(await copyOf("ada"), relay);
    await until("the laptop's move to reach the relay", async () => forgotten(relay));
    await must(laptop, "purse.contribute", { commune: made.commune, amount: "1.00", currency: "EUR", memo: "on the laptop after its move" });

    // The desktop, cut off from the relay, moves the same commune on its own and writes under its own epoch 1.
    const desktopDir = await copyOf("ada");
    await pointAt(desktopDir, `${made.relayUrlWhenMade}/`, APART);
    const apart = await Host.open({ dataDir: desktopDir, links: relayLinks });
    try {
      await until("the desktop's own move", async () => (await privacyOf(apart)).private);
      await must(apart, "purse.contribute", { commune: made.commune, amount: "2.00", currency: "EUR", memo: "on the desktop while apart" });
    } finally {
      await apart.close();
    }
    const desktopEpoch = await (async () => {
      const reopened = await Host.open({ dataDir: desktopDir, links: relayLinks });
      try {
        return (await privacyOf(reopened)).epoch?.id;
      } finally {
        await reopened.close();
      }
    })();
    const laptopEpoch = (await privacyOf(laptop)).epoch?.id;
    expect(desktopEpoch).toBeDefined();
    expect(desktopEpoch).not.toBe(laptopEpoch);

    // Back together: the relay holds the laptop's epoch 1; the desktop's is registered beside it, and both take the smaller.
    await pointAt(desktopDir, APART, relay.url);
    const desktop = await Host.open({ dataDir: desktopDir, links: relayLinks });
    cleanups.push(() => desktop.close());
    const winner = [laptopEpoch!, desktopEpoch!].sort()[0];
    for (const [name, host] of [
      ["laptop", laptop],
      ["desktop", desktop],
    ] as const) {
      await until(`the ${name} to take the smaller first epoch and read both machines' entries`, async () => {
        const memos = await memosOf(host);
        return (await privacyOf(host)).epoch?.id === winner && memos.includes("on the laptop after its move") && memos.includes("on the desktop while apart");
      });
      await expectNothingLost(host, 300);
    }

    // Bo, offline across both moves, reads both first epochs in the chain the relay hands him, and everything written under each.
    const bo = await openMember(await copyOf("bo"), relay);
    await until("Bo to take the smaller first epoch and read both machines' entries", async () => {
      const memos = await memosOf(bo);
      return (await privacyOf(bo)).epoch?.id === winner && memos.includes("on the laptop after its move") && memos.includes("on the desktop while apart");
    });
    await expectNothingLost(bo, 300);
  });
});
