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

describe("a commune whose document fails its schema on one field", () => {
  it("opens read-only with the problem named, instead of dead, and refuses writes until it is repaired", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-damaged-"));
    dirs.push(dataDir);
    const host = await Host.open({ dataDir, links: noRelays });
    hosts.push(host);
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
    await must(host, "purse.contribute", { commune, amount: "10", currency: "EUR" });
    const sound = await must(host, "commune.show", { commune });

    // A change no Commune host would write, as a broken or hostile peer could send it.
    host.nodes.get(commune)!.docs.commune.change((doc) => {
      (doc as { relays: unknown }).relays = 42;
    });

    const view = await must(host, "commune.show", { commune });
    expect(view).toMatchObject({ provisional: true, readOnly: expect.stringMatching(/^This commune's document is damaged: relays is a number, not a list/) });
    expect(view.problems[0]).toMatchObject({ subject: "document", reason: expect.stringContaining("nothing can be written until the document is repaired") });
    expect(view.balances).toEqual(sound.balances);
    expect(await host.run("purse.contribute", { commune, amount: "5", currency: "EUR" })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^This commune's document is damaged/) },
    });

    // and so it opens again after a restart
    hosts.splice(hosts.indexOf(host), 1);
    await host.close();
    const again = await Host.open({ dataDir, links: noRelays });
    hosts.push(again);
    await again.nodes.get(commune)!.whenLoaded();
    expect(await must(again, "commune.show", { commune })).toMatchObject({
      readOnly: expect.stringMatching(/^This commune's document is damaged/),
      balances: sound.balances,
    });

    again.nodes.get(commune)!.docs.commune.change((doc) => {
      (doc as { relays: unknown }).relays = [];
    });
    expect(await must(again, "commune.show", { commune })).not.toHaveProperty("readOnly");
    await must(again, "purse.contribute", { commune, amount: "5", currency: "EUR" });
  });
});
