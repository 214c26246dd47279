import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { defaultDataDir, readCli } from "./cli-options";
import { tempDir } from "./testing/relay-harness";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** Runs relay/main.ts the way `npm run relay` does (tsx), collecting its stdout lines as they come. */
function runRelay(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "relay", "main.ts"), ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  void exited.then(() => {
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    async line(index: number): Promise<string> {
      while (lines.length <= index && child.exitCode === null) await new Promise<void>((resolve) => waiters.push(resolve));
      const line = lines[index];
      if (line === undefined) throw new Error(`the relay exited before line ${index}; stderr: ${stderr}`);
      return line;
    },
  };
}

describe("relay/main.ts", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("starts, reports its URL on the first line, answers /health and shuts down on SIGTERM with exit 0", { timeout: 60_000 }, async () => {
    const data = await tempDir();
    try {
      const relay = runRelay(["--port", "0", "--data", data.path]);
      children.push(relay.child);
      const started = JSON.parse(await relay.line(0)) as { event: string; url: string; port: number; host: string; dataDir: string };
      expect(started).toMatchObject({ event: "listening", host: "127.0.0.1", dataDir: data.path });
      expect(started.url).toBe(`ws://127.0.0.1:${started.port}`);

      const health = await fetch(`http://127.0.0.1:${started.port}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, communes: 0, connections: 0 });

      relay.child.kill("SIGTERM");
      expect(await relay.exited).toBe(0);
      const events = relay.lines.map((line) => (JSON.parse(line) as { event: string }).event);
      expect(events.at(-1)).toBe("shutdown");
    } finally {
      await data.remove();
    }
  });

  it("exits with code 2 and one clear line on bad arguments", { timeout: 60_000 }, async () => {
    const relay = runRelay(["--port", "seventy"]);
    children.push(relay.child);
    expect(await relay.exited).toBe(2);
    expect(relay.stderr().trim().split("\n")).toEqual([
      'relay: --port "seventy": A port is a whole number from 1024 to 65535, or 0 to pick a free one (see --help)',
    ]);
  });
});

describe("relay command line", () => {
  it("reads the port, host and data folder, with defaults", () => {
    expect(readCli(["--port", "4000", "--host", "0.0.0.0", "--data", "/srv/relay"], {})).toEqual({
      kind: "run",
      options: { port: 4000, host: "0.0.0.0", dataDir: "/srv/relay" },
    });
    expect(readCli([], { COMMUNE_RELAY_DATA: "/var/lib/relay" })).toEqual({
      kind: "run",
      options: { port: 3030, host: "127.0.0.1", dataDir: "/var/lib/relay" },
    });
    expect(readCli(["--help"], {})).toEqual({ kind: "help" });
  });

  it("explains what is wrong with bad arguments", () => {
    expect(readCli(["--port", "70000"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/--port/) });
    expect(readCli(["--port", "-1"], {})).toMatchObject({ kind: "error" });
    expect(readCli(["--port", "1e3"], {})).toMatchObject({ kind: "error" });
    expect(readCli(["--port", "80"], {})).toEqual({
      kind: "error",
      message: expect.stringMatching(/^--port "80": Port 80 is reserved for the system's own services/),
    });
    expect(readCli(["--colour"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/colour/) });
    expect(readCli(["serve"], {})).toMatchObject({ kind: "error" });
    expect(readCli(["--data", ""], {})).toMatchObject({ kind: "error" });
    expect(readCli(["--max-documents", "0"], {})).toEqual({ kind: "error", message: '--max-documents must be a whole number from 1 to 9999999, not "0"' });
    expect(readCli(["--max-mb", "1e3"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/^--max-mb must be a whole number/) });
    // More than a member's machine accepts would let the relay keep what no member can load.
    expect(readCli(["--max-operations", "9000000"], {})).toEqual({
      kind: "error",
      message: '--max-operations must be a whole number from 1 to 8000000, not "9000000"',
    });
    expect(readCli(["--max-operations", "6000000"], {})).toMatchObject({ kind: "run", options: { quota: { maxOperationsPerCommune: 6_000_000 } } });
  });

  it("reads the operator's quota per commune", () => {
    expect(readCli(["--max-documents", "500", "--max-mb", "64", "--data", "/srv/relay"], {})).toEqual({
      kind: "run",
      options: { port: 3030, host: "127.0.0.1", dataDir: "/srv/relay", quota: { maxDocumentsPerCommune: 500, maxBytesPerCommune: 64 * 1024 * 1024 } },
    });
  });

  it("puts data in the platform's data folder by default", () => {
    expect(defaultDataDir({}, "linux", "/home/ada")).toBe("/home/ada/.local/share/commune-relay");
    expect(defaultDataDir({ XDG_DATA_HOME: "/data" }, "linux", "/home/ada")).toBe("/data/commune-relay");
    expect(defaultDataDir({}, "darwin", "/Users/ada")).toBe("/Users/ada/Library/Application Support/commune-relay");
    expect(defaultDataDir({ APPDATA: "C:\\Users\\ada\\AppData\\Roaming" }, "win32", "C:\\Users\\ada")).toMatch(/commune-relay$/);
  });
});
