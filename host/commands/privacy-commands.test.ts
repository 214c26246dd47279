import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PLAINTEXT_COMMUNE, PLAINTEXT_REASONS, PRIVATE_COMMUNE } from "../../shared/privacy/what-relays-see";
import { Host } from "../host";
import { epochKeyringPath } from "../sync/epoch-keyring";
import { must, noRelays } from "../testing/host-harness";

/** Issue 13: "The app and CLI show the epoch and who holds it; Settings says plainly what a relay operator can and cannot see." */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

async function ada(): Promise<Host> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-privacy-"));
  const host = await Host.open({ dataDir, links: noRelays });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name: "Ada" });
  return host;
}

describe("what a commune's privacy view says", () => {
  it("names a private commune's epoch, who began it, who holds its key, and what a relay operator can and cannot see", async () => {
    const host = await ada();
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR], private: true });
    const view = await must(host, "commune.privacy", { commune });
    expect(view).toMatchObject({
      private: true,
      epoch: { number: 1, startedBy: "Ada", holders: [{ name: "Ada" }] },
      operatorSees: PRIVATE_COMMUNE.sees,
      operatorCannotSee: PRIVATE_COMMUNE.cannotSee,
    });
    expect(view.operatorCannotSee.join(" ")).toContain("any name, memo, amount, vote, proposal or knowledge item");
  });

  it("says plainly that a relay reads everything of a commune that is not private", async () => {
    const host = await ada();
    const { commune } = await must(host, "commune.create", { name: "Open Field", currencies: [EUR], private: false });
    const view = await must(host, "commune.privacy", { commune });
    expect(view).toEqual({
      private: false,
      plaintextWhy: PLAINTEXT_REASONS.chosen,
      operatorSees: PLAINTEXT_COMMUNE.sees,
      operatorCannotSee: PLAINTEXT_COMMUNE.cannotSee,
    });
    expect(view.operatorSees[0]).toMatch(/^everything/);
  });

  it("says a commune made before private communes whose founder has gone becomes private when an active member opens it, and the host of one who is not active does not move it", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-privacy-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
    const first = await Host.open({ dataDir, links: noRelays });
    await must(first, "identity.rename", { name: "Ada" });
    const { commune } = await must(first, "commune.create", { name: "Old Field", currencies: [EUR], private: false });
    await must(first, "commune.leave", { commune });
    await first.close();
    // As a commune made before issue 13 would be: no mark of a plaintext founding by choice.
    const index = join(dataDir, "communes.json");
    await writeFile(index, (await readFile(index, "utf8")).replace(/,\s*"plaintext": true/, ""));
    const host = await Host.open({ dataDir, links: noRelays });
    cleanups.push(() => host.close());
    const view = await must(host, "commune.privacy", { commune });
    expect(view.private).toBe(false);
    expect(view.plaintextWhy).toBe(PLAINTEXT_REASONS.founderGone);
    expect(view.plaintextWhy).toContain("it becomes private when an active member opens it");
    await host.nodes.get(commune)!.whenLoaded();
    await expect(access(epochKeyringPath(dataDir, commune))).rejects.toThrow();
  });
});
