import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("a commune document a peer spoiled on one field", () => {
  it("opens and writes as before, with what was done named, and the same after a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-damaged-"));
    dirs.push(dataDir);
    const host = await Host.open({ dataDir, links: noRelays });
    hosts.push(host);
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
    await must(host, "purse.contribute", { commune, amount: "10", currency: "EUR" });
    const sound = await must(host, "commune.show", { commune });

    // A change no Commune host would write, as a broken or hostile peer could send it: unsigned fields any peer can spoil.
    host.nodes.get(commune)!.docs.commune.change((doc) => {
      (doc as { relays: unknown }).relays = 42;
      (doc as { schema: unknown }).schema = "one";
    });

    const view = await must(host, "commune.show", { commune });
    expect(view.readOnly).toBeUndefined();
    expect(view.balances).toEqual(sound.balances);
    expect(view.problems.map((problem) => problem.reason)).toEqual(
      expect.arrayContaining([
        "The commune's relay addresses are a number, not a list; read as none",
        "This commune has no valid schema number (someone changed it); it is read as this version's, each record on its own.",
      ]),
    );
    await must(host, "purse.contribute", { commune, amount: "5", currency: "EUR" });

    hosts.splice(hosts.indexOf(host), 1);
    await host.close();
    const again = await Host.open({ dataDir, links: noRelays });
    hosts.push(again);
    await again.nodes.get(commune)!.whenLoaded();
    const reopened = await must(again, "commune.show", { commune });
    expect(reopened.readOnly).toBeUndefined();
    expect(reopened.balances.purse).toEqual({ EUR: (sound.balances.purse.EUR ?? 0) + 500 });
  });
});
