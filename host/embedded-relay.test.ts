import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lanUrls } from "./embedded-relay";
import { Host } from "./host";
import { must, noRelays } from "./testing/host-harness";

const dirs: string[] = [];
const hosts: Host[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function openHost() {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-relay-host-"));
  dirs.push(dataDir);
  const host = await Host.open({ dataDir, links: noRelays });
  hosts.push(host);
  return host;
}

const health = (wsUrl: string) => fetch(`${wsUrl.replace(/^ws/, "http")}/health`);

async function busyPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("the relay a member's host runs for its commune", () => {
  it("starts on this machine only, stores under the data directory, and shows in host.info", async () => {
    const host = await openHost();
    const started = await must(host, "relay.host", { port: 0 });
    expect(started).toMatchObject({ url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/), lan: false, lanUrls: [] });
    expect(started.port).toBeGreaterThan(0);
    expect((await health(started.url)).ok).toBe(true);
    expect((await stat(join(host.dataDir, "relay"))).isDirectory()).toBe(true);
    expect(await must(host, "host.info", {})).toMatchObject({ embeddedRelay: started });
  });

  it("answers with the running relay when asked again, and refuses another port until it is stopped", async () => {
    const host = await openHost();
    const started = await must(host, "relay.host", { port: 0 });
    expect(await must(host, "relay.host", { port: started.port })).toEqual(started);
    const other = await host.run("relay.host", { port: started.port === 65_535 ? 65_534 : started.port + 1 });
    expect(other).toMatchObject({ ok: false, error: { kind: "rejected", message: expect.stringContaining("Stop it first") } });

    expect(await must(host, "relay.stop", {})).toEqual({ stopped: true });
    await expect(health(started.url)).rejects.toThrow();
    expect(await must(host, "relay.stop", {})).toEqual({ stopped: false });
    expect(await must(host, "host.info", {})).not.toHaveProperty("embeddedRelay");
  });

  it("says so plainly when the port is taken, and runs nothing", async () => {
    const host = await openHost();
    const port = await busyPort();
    const outcome = await host.run("relay.host", { port });
    expect(outcome).toEqual({
      ok: false,
      error: {
        kind: "rejected",
        code: "relay.portInUse",
        field: "port",
        message: `Could not start the relay: port ${port} is already in use on this machine. Choose another port, or 0 for any free one.`,
      },
    });
    expect(await must(host, "host.info", {})).not.toHaveProperty("embeddedRelay");
  });

  it("refuses ports outside 0 and 1024-65535 and unknown options", async () => {
    const host = await openHost();
    for (const input of [{ port: 70_000 }, { port: -1 }, { port: 1.5 }, { port: "3030" }, { lan: "yes" }, { host: "0.0.0.0" }]) {
      expect(await host.run("relay.host", input)).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
    }
  });

  it("refuses the system's ports under 1024 with the reason, from the link and from `commune host --relay-port` alike", async () => {
    const host = await openHost();
    expect(await host.run("relay.host", { port: 80 })).toMatchObject({
      ok: false,
      error: { kind: "invalid-input", message: expect.stringContaining("Port 80 is reserved for the system's own services") },
    });
    expect(await host.hostRelay({ port: 1023, host: "127.0.0.1" })).toMatchObject({ ok: false, error: { code: "relay.badPort", field: "port" } });
    expect(await must(host, "host.info", {})).not.toHaveProperty("embeddedRelay");
  });

  it("listens on every interface for the LAN and lists this machine's addresses", async () => {
    const host = await openHost();
    const started = await must(host, "relay.host", { port: 0, lan: true });
    expect(started).toMatchObject({ url: `ws://127.0.0.1:${started.port}`, lan: true, lanUrls: lanUrls(started.port) });
    expect((await health(started.url)).ok).toBe(true);
  });

  it("stops with the host", async () => {
    const host = await openHost();
    const started = await must(host, "relay.host", { port: 0 });
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);
    await expect(health(started.url)).rejects.toThrow();
  });

  it("lists only external IPv4 addresses as LAN addresses", () => {
    const interfaces = {
      lo: [{ address: "127.0.0.1", family: "IPv4", internal: true, netmask: "255.0.0.0", mac: "00:00:00:00:00:00", cidr: "127.0.0.1/8" }],
      eth0: [
        { address: "192.168.1.20", family: "IPv4", internal: false, netmask: "255.255.255.0", mac: "aa:bb:cc:dd:ee:ff", cidr: "192.168.1.20/24" },
        { address: "fe80::1", family: "IPv6", internal: false, netmask: "ffff:ffff:ffff:ffff::", mac: "aa:bb:cc:dd:ee:ff", cidr: "fe80::1/64", scopeid: 2 },
      ],
    } as const;
    expect(lanUrls(3030, interfaces as unknown as Parameters<typeof lanUrls>[1])).toEqual(["ws://192.168.1.20:3030"]);
  });
});
