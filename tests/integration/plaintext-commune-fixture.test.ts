import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../../host/host";
import { relayLinks } from "../../host/sync/relay-links";
import { must } from "../../host/testing/host-harness";
import { startRelay } from "../../relay/relay";

/**
 * tests/fixtures/plaintext-commune/ holds the data folders of a plaintext
 * commune written by the code before issue 13's move-over
 * (scripts/make-plaintext-commune-fixture.ts, commit in made.json). This pins
 * what the move must start from: today's code opens those folders with every
 * member, entry and memo in them.
 */
const FIXTURE = join(import.meta.dirname, "..", "fixtures", "plaintext-commune");
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The fixture is never opened in place: a host writes to its data folder.
async function copyOf(folder: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-fixture-copy-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  await cp(join(FIXTURE, folder), dir, { recursive: true });
  return dir;
}

describe("a plaintext commune's data folder from before the move to private", () => {
  it("opens for each member with both members, the purse, beside a relay serving the folder it synced to", async () => {
    const made = JSON.parse(await readFile(join(FIXTURE, "made.json"), "utf8")) as {
      commune: string;
      relayUrlWhenMade: string;
      members: string[];
      purseEUR: number;
    };
    const relay = await startRelay({ port: 0, dataDir: await copyOf("relay"), log: () => {} });
    cleanups.push(() => relay.close().catch(() => {}));
    // Bo first: Ada's host (the founder's) moves the commune to private as it opens (host/move-to-private.test.ts).
    for (const member of ["bo", "ada"]) {
      const host = await Host.open({ dataDir: await copyOf(member), links: relayLinks });
      cleanups.push(() => host.close());
      // The relay was on a port chosen when the fixture was made; this run's relay serves the same folder elsewhere.
      await must(host, "commune.relays", { commune: made.commune, add: [relay.url], remove: [made.relayUrlWhenMade] });
      const shown = await must(host, "commune.show", { commune: made.commune });
      expect(shown.balances.members.map((one) => one.name).sort()).toEqual(made.members);
      expect(shown.balances.purse.EUR).toBe(made.purseEUR);
      if (member === "bo") expect((await must(host, "commune.privacy", { commune: made.commune })).private).toBe(false);
    }
  });
});
