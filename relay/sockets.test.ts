import { spawn, type ChildProcess } from "node:child_process";
import { connect, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { RelayLimits } from "./limits";
import { startRelay, type RunningRelay } from "./relay";
import { socketCapFor, softFileLimit } from "./sockets";
import { makeCommune, startMember, tempDir, waitFor } from "./testing/relay-harness";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

describe("the relay's file limit", () => {
  it("reads this process's soft limit and keeps headroom under it", () => {
    if (process.platform === "linux") expect(softFileLimit()).toBeGreaterThan(0);
    expect(socketCapFor(256)).toBe(192);
    expect(socketCapFor(20_000)).toBe(18_000);
    expect(socketCapFor(40)).toBe(16);
  });
});

describe("sockets counted from the TCP accept", () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function relayWith(limits: Partial<RelayLimits>): Promise<RunningRelay> {
    const data = await tempDir();
    cleanups.push(() => data.remove());
    const relay = await startRelay({ port: 0, dataDir: data.path, limits });
    cleanups.push(() => relay.close());
    return relay;
  }

  /** A TCP connection that says nothing, or what it is told to; resolves once connected. */
  async function tcp(port: number): Promise<Socket & { ended: Promise<void> }> {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    cleanups.push(() => void socket.destroy());
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("close", () => reject(new Error("closed before connecting")));
    });
    return Object.assign(socket, { ended });
  }

  async function health(port: number): Promise<Record<string, unknown>> {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  it("pushes out the oldest idle connections to keep /health answering and a member getting in", async () => {
    const relay = await relayWith({ maxSockets: 20 });
    const idle = [];
    for (let i = 0; i < 60; i++) idle.push(await tcp(relay.port));
    await waitFor("the relay to count its sockets", () => relay.stats().sockets <= 20);
    const report = await health(relay.port);
    expect(report).toMatchObject({ ok: true, maxSockets: 20 });
    expect(report.sockets as number).toBeLessThanOrEqual(20);

    const x = makeCommune(31);
    const member = startMember(relay.url, x, { register: true });
    cleanups.push(() => member.stop());
    await member.connected();
    // More idle sockets arrive: the member's admitted socket is never the one pushed out.
    for (let i = 0; i < 40; i++) idle.push(await tcp(relay.port));
    await health(relay.port);
    expect(member.adapter.status.state).toBe("connected");
    expect(relay.stats().admitted).toBe(1);
    expect(relay.stats().socketsEvicted).toBeGreaterThanOrEqual(60);
  });

  it("closes a connection that stays silent, and one that sends its headers a line at a time for ever", async () => {
    const relay = await relayWith({ handshakeTimeoutMs: 300 });
    const silent = await tcp(relay.port);
    const slow = await tcp(relay.port);
    slow.write("GET /health HTTP/1.1\r\nHost: relay\r\n");
    const drip = setInterval(() => slow.write("X-Slow: 1\r\n"), 100);
    cleanups.push(() => clearInterval(drip));
    await silent.ended;
    await slow.ended;
    await waitFor("the relay to forget both", () => relay.stats().sockets === 0);
  });
});

describe("under a low `ulimit -n`", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("holds 300 idle connections against a limit of 256 files and still answers /health", { timeout: 60_000 }, async () => {
    const data = await tempDir();
    const sockets: Socket[] = [];
    try {
      const child = spawn("bash", ["-c", 'ulimit -n 256 && exec "$0" --import tsx relay/main.ts --port 0 --data "$1"', process.execPath, data.path], {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      const firstLine = new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`the relay exited with ${code}`)));
      });
      const started = JSON.parse(await firstLine) as { port: number; maxSockets: number; fileLimit?: number };
      expect(started).toMatchObject({ fileLimit: 256, maxSockets: 192 });

      for (let i = 0; i < 300; i++) {
        const socket = connect(started.port, "127.0.0.1");
        socket.on("error", () => {});
        sockets.push(socket);
      }
      await Promise.all(sockets.map((socket) => new Promise((resolve) => (socket.once("connect", resolve), socket.once("close", resolve)))));
      const response = await fetch(`http://127.0.0.1:${started.port}/health`);
      expect(response.status).toBe(200);
      const report = (await response.json()) as { sockets: number; maxSockets: number };
      expect(report.maxSockets).toBe(192);
      expect(report.sockets).toBeLessThanOrEqual(192);
      expect(child.exitCode).toBeNull();
    } finally {
      for (const socket of sockets) socket.destroy();
      await data.remove();
    }
  });
});
