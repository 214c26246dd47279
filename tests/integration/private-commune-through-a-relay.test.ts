import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startMemberProcess, startRelayProcess, stopAll, tempDir, waitFor, type MemberProcess } from "./processes";

/**
 * Issue 13, step 3, with real processes on 127.0.0.1: a relay and two
 * members' hosts. The commune is founded private, the newcomer joins with
 * the invite alone, both write, one goes offline and comes back, and the
 * relay's data folder holds none of what they wrote.
 */
const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const dirs: string[] = [];

async function dir(prefix: string) {
  const path = await tempDir(prefix);
  dirs.push(path);
  return path;
}

afterAll(() => stopAll(dirs));

async function filesUnder(root: string): Promise<Buffer> {
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  return Buffer.concat(await Promise.all(files.map((file) => readFile(join(file.parentPath, file.name)).catch(() => Buffer.alloc(0)))));
}

describe("a private commune, as separate processes", () => {
  it("founds, invites, joins, syncs both ways and catches up after being offline, while the relay stores only ciphertext", async () => {
    const relayDir = await dir("relay");
    const relay = await startRelayProcess(relayDir);
    const ada = await startMemberProcess(await dir("ada"));
    const boDir = await dir("bo");
    let bo: MemberProcess = await startMemberProcess(boDir);
    await ada.must("identity.rename", { name: "Ada" });
    const { commune } = await ada.must("commune.create", { name: "Riverside", currencies: [EUR], relays: [relay.url], private: true });
    await ada.must("purse.contribute", { commune, amount: "20.00", currency: "EUR", memo: "greenhouse glass" });
    await waitFor(async () => {
      const status = await ada.must("sync.status", { commune });
      return (status.waiting === 0 && status.relays.some((r) => r.state === "connected")) || undefined;
    }, "the relay to hold Ada's new commune");

    const { invite } = await ada.must("commune.invite", { commune });
    expect(await bo.must("commune.join", { invite, name: "Bo" })).toMatchObject({ commune, status: "active" });
    const purseOf = async (member: MemberProcess) => (await member.must("commune.show", { commune })).balances.purse.EUR;
    await waitFor(async () => (await purseOf(bo)) === 2000 || undefined, "Bo to see Ada's contribution");

    await bo.must("purse.contribute", { commune, amount: "5.00", currency: "EUR", memo: "compost bins" });
    await waitFor(async () => (await purseOf(ada)) === 2500 || undefined, "Ada to see Bo's contribution");

    // Bo goes offline; Ada writes; Bo comes back and catches up from where his host had read.
    await bo.stop();
    await ada.must("purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "seed trays" });
    bo = await startMemberProcess(boDir);
    await waitFor(async () => (await purseOf(bo)) === 2600 || undefined, "Bo to catch up after being offline");

    const held = await filesUnder(relayDir);
    for (const words of ["greenhouse glass", "compost bins", "seed trays", "Riverside"]) expect(held.includes(Buffer.from(words)), words).toBe(false);
  }, 180_000);
});
