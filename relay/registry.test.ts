import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TOO_MANY_FROM_ADDRESS, TOO_MANY_REGISTRATIONS } from "./communes";
import { RegistrationWindow, type RelayLimits } from "./limits";
import { Registry } from "./registry";
import { startRelay, type RunningRelay } from "./relay";
import { makeCommune, randomPeerId, RawClient, tempDir } from "./testing/relay-harness";

const HOUR = 60 * 60 * 1000;

describe("registrations per hour", () => {
  it("allows each address its share and the relay its total within an hour, and forgets them after", () => {
    const window = new RegistrationWindow(2, 3);
    expect([window.take("a", 0), window.take("a", 1), window.take("a", 2)]).toEqual(["ok", "ok", "address"]);
    expect([window.take("b", 3), window.take("c", 4)]).toEqual(["ok", "relay"]);
    expect(window.take("a", HOUR + 2)).toBe("ok"); // both of a's have passed the hour
    window.giveBack("a", HOUR + 2);
    expect([window.take("c", HOUR + 5), window.take("c", HOUR + 6)]).toEqual(["ok", "ok"]);
  });
});

describe("the registry file", () => {
  it("writes a burst of 50 registrations in two files, all of them on disk", async () => {
    const data = await tempDir();
    try {
      const file = join(data.path, "registry.json");
      const registry = await Registry.open(file);
      const communes = Array.from({ length: 50 }, (_, i) => makeCommune(100 + i));
      const results = await Promise.all(communes.map((commune) => registry.register(commune.id, commune.relayKey)));
      expect(results.every((result) => result === "registered")).toBe(true);
      expect(registry.writes).toBeLessThanOrEqual(2);
      const saved = JSON.parse(await readFile(file, "utf8")) as { communes: Record<string, unknown> };
      expect(Object.keys(saved.communes).sort()).toEqual(communes.map((commune) => commune.id).sort());
      expect((await Registry.open(file)).size).toBe(50);
    } finally {
      await data.remove();
    }
  });
});

describe("a relay flooded with made-up communes", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function relayWith(limits: Partial<RelayLimits>): Promise<{ relay: RunningRelay; dataDir: string }> {
    const data = await tempDir();
    cleanups.push(() => data.remove());
    const relay = await startRelay({ port: 0, dataDir: data.path, limits });
    cleanups.push(() => relay.close());
    return { relay, dataDir: data.path };
  }

  /** What the relay answers one attempt to register a freshly founded commune. */
  async function register(relay: RunningRelay, n: number): Promise<Record<string, unknown> | undefined> {
    const commune = makeCommune(n);
    const client = new RawClient(relay.url);
    cleanups.push(() => client.close());
    const { answer } = await client.handshake({
      commune: commune.id,
      peerId: randomPeerId("founder"),
      register: { genesis: commune.genesis, relayKey: commune.relayKey },
      macKey: commune.relayKey,
    });
    await client.close();
    return answer;
  }

  it("registers the first few from one address and refuses the rest with the reason; the registry keeps only those", async () => {
    const { relay, dataDir } = await relayWith({ registrationsPerAddressPerHour: 3 });
    const answers = [];
    for (let n = 200; n < 206; n++) answers.push(await register(relay, n));
    expect(answers.slice(0, 3).map((answer) => answer?.type)).toEqual(["welcome", "welcome", "welcome"]);
    expect(answers.slice(3)).toEqual(Array(3).fill({ type: "refused", reason: TOO_MANY_FROM_ADDRESS }));
    expect(relay.stats().communes).toBe(3);
    const saved = JSON.parse(await readFile(join(dataDir, "registry.json"), "utf8")) as { communes: Record<string, unknown> };
    expect(Object.keys(saved.communes)).toHaveLength(3);
  });

  it("stops taking new communes from anyone once the hour's total is reached", async () => {
    const { relay } = await relayWith({ registrationsPerHour: 2 });
    expect((await register(relay, 210))?.type).toBe("welcome");
    expect((await register(relay, 211))?.type).toBe("welcome");
    expect(await register(relay, 212)).toEqual({ type: "refused", reason: TOO_MANY_REGISTRATIONS });
  });
});
