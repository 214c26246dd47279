import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host";
import { must } from "../testing/host-harness";
import { offlineDoubleSpend, unreachable, type DoubleSpend } from "../testing/offline-double-spend";

/**
 * Bo pays the garage 80 EUR while offline; Ada, online, has already paid
 * the roofer 80 of the purse's 100. When Bo's host syncs, his payment comes
 * out overdrawn. He must be told, in words, with what to do, until he says
 * he has read it; Ada, whose payment counts, is told nothing.
 */

let story: DoubleSpend | undefined;
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  await story?.cleanup();
  story = undefined;
});

describe("a payment that lost the race for the purse, told to the member who made it", () => {
  it("is a notice in words on his host until he marks it read, across a restart; the member whose payment counts gets none", async () => {
    story = await offlineDoubleSpend();
    const { ada, boDir, commune, garage } = story;
    let bo = await Host.open({ dataDir: boDir, links: unreachable });
    hosts.push(bo);
    await bo.nodes.get(commune)!.whenLoaded();
    const [notice] = (await must(bo, "sync.status", { commune })).notices;
    expect(notice).toMatchObject({
      entry: garage,
      status: "overdrawn",
      message: expect.stringMatching(
        /^Your payment of 80\.00 EUR to Garage on .* came out overdrawn after a sync: another payment reached the purse first, and this one would take the purse below zero \(balance 20\.00 EUR\)\. It does not count\.$/,
      ),
      advice: "If the money already left, contribute it back, or record the payment again once the purse holds enough.",
    });
    expect((await must(ada, "sync.status", { commune })).notices).toEqual([]);

    expect(await must(bo, "notices.read", { commune, ids: [notice!.id] })).toEqual({ read: 1 });
    expect((await must(bo, "sync.status", { commune })).notices).toEqual([]);
    await bo.close();
    bo = await Host.open({ dataDir: boDir, links: unreachable });
    hosts.push(bo);
    await bo.nodes.get(commune)!.whenLoaded();
    expect((await must(bo, "sync.status", { commune })).notices).toEqual([]);
    expect(await must(bo, "notices.read", { commune })).toEqual({ read: 0 });
  }, 90_000);
});
