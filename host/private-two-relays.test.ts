import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { decodeItem } from "../shared/privacy/headers";
import { startRelay, type RunningRelay } from "../relay/relay";
import { PrivateClient } from "../relay/testing/private-client";
import type { RelayLinkFactory } from "./commune/relay-link";
import { Host } from "./host";
import { PrivateRelayLink } from "./sync/private-link";
import { relayLinks } from "./sync/relay-links";
import { must, tempDataDir, until } from "./testing/host-harness";

/**
 * Issue 13: a private commune that syncs through two relays, where two
 * members rotate at once while out of touch with each other and each relay
 * stores a different child first (docs/relay.md, "The lead rule across
 * relays"). Every member and every relay must end on the same epoch, with
 * nothing written under the losing child lost.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const dataDir = () => tempDataDir("commune-two-relays-", cleanups);

/** A member's own way to a relay, which the test can cut and mend: a host whose network to one relay is down, while the rest of it works. */
interface Wire {
  url: string;
  cut(): void;
  mend(): void;
}

async function wireTo(relayUrl: string): Promise<Wire> {
  let up = true;
  const open = new Set<{ member: WebSocket; upstream: WebSocket }>();
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const dropAll = () => {
    for (const { member, upstream } of open) {
      member.terminate();
      upstream.terminate();
    }
    open.clear();
  };
  cleanups.push(async () => dropAll());
  server.on("connection", (member) => {
    if (!up) return member.terminate();
    const upstream = new WebSocket(relayUrl);
    const pair = { member, upstream };
    open.add(pair);
    const early: Array<{ data: WebSocket.RawData; binary: boolean }> = [];
    upstream.on("open", () => {
      for (const { data, binary } of early.splice(0)) upstream.send(data, { binary });
    });
    member.on("message", (data, binary) => (upstream.readyState === WebSocket.OPEN ? upstream.send(data, { binary }) : early.push({ data, binary })));
    upstream.on("message", (data, binary) => member.send(data, { binary }));
    // A close frame passes on as sent (the relay's reason tells the member why); an abrupt end as an abrupt end.
    const pass = (to: WebSocket) => (code: number, reason: Buffer) => {
      open.delete(pair);
      if (code === 1000 || (code >= 3000 && code <= 4999) || [1001, 1008, 1011].includes(code)) to.close(code, reason);
      else to.terminate();
    };
    member.on("close", pass(upstream));
    upstream.on("close", pass(member));
    member.on("error", () => {});
    upstream.on("error", () => {});
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () => {
      up = false;
      dropAll();
    },
    mend: () => {
      up = true;
    },
  };
}

/** Each host reaches each relay through its own wire; private links retry within half a second, so a mended wire is used at once. */
async function wiresFor(relays: readonly RunningRelay[]): Promise<{ wires: Map<string, Wire>; links: RelayLinkFactory }> {
  const wires = new Map<string, Wire>();
  // The commune keeps relay addresses as parseRelayUrl writes them (with a trailing slash).
  for (const relay of relays) wires.set(new URL(relay.url).href, await wireTo(relay.url));
  const links: RelayLinkFactory = (options) => {
    const url = wires.get(new URL(options.url).href)?.url;
    if (!url) throw new Error(`no wire to ${options.url} among ${[...wires.keys()].join(", ")}`);
    if (!options.private) return relayLinks({ ...options, url });
    const { url: _url, private: privately, ...rest } = options;
    return new PrivateRelayLink({ ...rest, ...privately, url, reconnect: { initialDelayMs: 50, maxDelayMs: 500 } });
  };
  return { wires, links };
}

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

/** A private commune on two relays, founded by Ada with 10.00 in its purse, joined by `names`; every host reaches both relays, each by its own wires. */
async function communeOnTwoRelays(names: readonly string[]) {
  const relays = [
    await startRelay({ port: 0, dataDir: await dataDir(), log: () => {} }),
    await startRelay({ port: 0, dataDir: await dataDir(), log: () => {} }),
  ];
  for (const relay of relays) cleanups.push(() => relay.close().catch(() => {}));
  const [one, two] = relays.map((relay) => new URL(relay.url).href) as [string, string];
  const open = async () => {
    const { wires, links } = await wiresFor(relays);
    const host = await Host.open({ dataDir: await dataDir(), links, joinTimeoutMs: 20_000 });
    cleanups.push(() => host.close());
    return { host, wires };
  };
  const founder = await open();
  await must(founder.host, "identity.rename", { name: "Ada" });
  const { commune } = await must(founder.host, "commune.create", { name: "Riverside", currencies: [EUR], relays: [one, two], private: true });
  await must(founder.host, "purse.contribute", { commune, amount: "10.00", currency: "EUR" });
  await until("Ada's documents to reach the relays", async () => (await must(founder.host, "sync.status", { commune })).waiting === 0);
  const members = [founder];
  for (const name of names) {
    const member = await open();
    await must(member.host, "commune.join", { invite: (await must(founder.host, "commune.invite", { commune, days: 1 })).invite, name });
    members.push(member);
  }
  const hosts = members.map((member) => member.host);
  const membersAt = async (host: Host) => (await must(host, "commune.show", { commune })).balances.members.length;
  for (const host of hosts) await until("every host to see every member", async () => (await membersAt(host)) === hosts.length);
  for (const host of hosts) await until("every host's writes to reach the relays", async () => (await must(host, "sync.status", { commune })).waiting === 0);
  return {
    commune,
    one,
    two,
    members,
    balanceOf: async (host: Host) => (await must(host, "commune.show", { commune })).balances.purse.EUR,
    keyringOf: (host: Host) => host.privateCommunes.linkContext(commune)!.keyring,
    /** Resolves once every document of the host's is on the relays it reaches. */
    sent: (host: Host) => until("the host's writes to reach the relays it reaches", async () => (await must(host, "sync.status", { commune })).waiting === 0),
  };
}

describe("a private commune on two relays", () => {
  it("ends, after two members rotate at once and each relay stores a different child first, on the smallest child everywhere, with what was written under both read by every member", async () => {
    const { commune, one, two, members, balanceOf, keyringOf } = await communeOnTwoRelays(["Bo", "Cy"]);
    const [{ host: ada, wires: adaWires }, { host: bo, wires: boWires }, { host: cy }] = members as [
      (typeof members)[0],
      (typeof members)[0],
      (typeof members)[0],
    ];

    // Ada's host loses its way to the second relay and Bo's to the first; Cy still reaches both, and leaves.
    adaWires.get(two)!.cut();
    boWires.get(one)!.cut();
    await must(cy, "commune.leave", { commune });
    // Each sees the leave through the relay it still reaches, and starts epoch 2 there: two children of epoch 1, one on each relay.
    await until("Ada's host to start epoch 2 on the first relay", () => keyringOf(ada).current()?.epoch === 2);
    await until("Bo's host to start epoch 2 on the second relay", () => keyringOf(bo).current()?.epoch === 2);
    const adaChild = keyringOf(ada).current()!;
    const boChild = keyringOf(bo).current()!;
    expect(adaChild.id).not.toBe(boChild.id);
    const winner = adaChild.id < boChild.id ? adaChild : boChild;

    // Each writes under its own child before learning of the other's.
    await must(ada, "purse.contribute", { commune, amount: "5.00", currency: "EUR", memo: "Ada, while apart" });
    await must(bo, "purse.contribute", { commune, amount: "2.00", currency: "EUR", memo: "Bo, while apart" });
    await until("Ada's entry to reach the first relay", async () => (await must(ada, "sync.status", { commune })).waiting === 0);
    await until("Bo's entry to reach the second relay", async () => (await must(bo, "sync.status", { commune })).waiting === 0);

    adaWires.get(two)!.mend();
    boWires.get(one)!.mend();
    for (const host of [ada, bo]) {
      await until("each member's host to hold both children and judge the smallest current", () => keyringOf(host).current()?.id === winner.id);
      await until("each member's host to read what was written under both children", async () => (await balanceOf(host)) === 1700);
    }
    // After: both write under the winner, and each reads the other's.
    const converged = Date.now();
    await must(ada, "purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "Ada, together again" });
    await must(bo, "purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "Bo, together again" });
    for (const host of [ada, bo]) await until("both entries written after at both members", async () => (await balanceOf(host)) === 1900);
    for (const host of [ada, bo])
      await until("both members' writes to reach the relays", async () => (await must(host, "sync.status", { commune })).waiting === 0);
    for (const host of [ada, bo])
      await until("each member's host to be connected to both relays", async () =>
        (await must(host, "sync.status", { commune })).relays.every((relay) => relay.state === "connected"),
      );

    // Both relays admit the winner, and hold the members' batches written after under it alone.
    for (const url of [one, two]) {
      const socket = await PrivateClient.connect(url);
      cleanups.push(async () => socket.close());
      expect(await socket.join(commune, winner.id, winner.keys.admission)).toMatchObject({ type: "welcome" });
      const { items } = await socket.fetch(0);
      const after = items.flatMap(({ bytes }) => {
        const decoded = decodeItem(bytes);
        if (!decoded.ok || decoded.item.signed.header.kind === "epoch") return [];
        const header = decoded.item.signed.header;
        return header.at >= converged ? [header.epoch] : [];
      });
      expect(after.length, url).toBeGreaterThan(0);
      expect(new Set(after), url).toEqual(new Set([winner.id]));
    }

    // Cy, on his full data folder, is refused by both relays and reads nothing written after he left.
    await until("both relays to refuse Cy's host", async () => (await must(cy, "sync.status", { commune })).relays.every((relay) => relay.state === "refused"));
    expect(await balanceOf(cy)).toBe(1000);
    expect(JSON.stringify(await must(cy, "purse.ledger", { commune }))).not.toMatch(/while apart|together again/);
    expect(keyringOf(cy).newest()?.epoch).toBe(1);
  }, 120_000);

  it("brings a member who was offline across a rotation, and came back through the relay that missed it, into the new epoch, with what he wrote meanwhile read by the others", async () => {
    const { commune, one, two, members, balanceOf, keyringOf, sent } = await communeOnTwoRelays(["Bo", "Cy", "Dee"]);
    const [ada, bo, cy, dee] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0], (typeof members)[0]];
    const wire = (member: (typeof members)[0], url: string) => member.wires.get(url)!;

    // Bo's laptop is shut; the second relay is out of everyone's reach (its network is down). Cy leaves through the first.
    for (const url of [one, two]) wire(bo, url).cut();
    for (const member of [ada, cy, dee]) wire(member, two).cut();
    await must(cy.host, "commune.leave", { commune });
    for (const member of [ada, dee]) await until("Ada's and Dee's hosts to be in epoch 2", () => keyringOf(member.host).current()?.epoch === 2);
    const rotation = keyringOf(ada.host).current()!;
    expect(keyringOf(dee.host).current()?.id).toBe(rotation.id);

    // Bo opens his laptop where only the second relay is in reach: it never saw the leave or the rotation, and lets him in under epoch 1.
    wire(bo, two).mend();
    await until("Bo's host to connect to the second relay", async () => (await must(bo.host, "sync.status", { commune })).relays[1]!.state === "connected");
    // He writes one entry at a time, each its own batch under epoch 1 there, so that relay's log runs past where the first relay logged the rotation.
    for (let entry = 0; entry < 6; entry++) {
      await must(bo.host, "purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "Bo, offline across the rotation" });
      await sent(bo.host);
    }
    expect(keyringOf(bo.host).current()?.epoch).toBe(1);

    // Dee's host reaches the second relay again: it brings the relay to epoch 2, which moves Bo's host there, and reads what Bo wrote under epoch 1.
    wire(dee, two).mend();
    await until("Bo's host to follow into epoch 2", () => keyringOf(bo.host).current()?.id === rotation.id);
    await until("Dee to read Bo's entries", async () => (await balanceOf(dee.host)) === 1600);
    expect((await must(dee.host, "commune.show", { commune })).problems.filter((problem) => problem.subject === "batch")).toEqual([]);

    // Everyone back in reach: the members agree, and Bo writes under epoch 2.
    for (const url of [one, two]) for (const member of [ada, bo, cy, dee]) wire(member, url).mend();
    await must(bo.host, "purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "Bo, back" });
    for (const member of [ada, bo, dee]) {
      await until("every remaining member to read everything", async () => (await balanceOf(member.host)) === 1700);
      expect(keyringOf(member.host).current()?.id).toBe(rotation.id);
    }
    // Cy, who left before Bo wrote, was out of the second relay's reach while it missed the rotation: both relays refuse him, and he read none of it.
    await until("both relays to refuse Cy's host", async () =>
      (await must(cy.host, "sync.status", { commune })).relays.every((relay) => relay.state === "refused"),
    );
    expect(await balanceOf(cy.host)).toBe(1000);
  }, 120_000);
});
