import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { CommandName, CommandOutcome, CommandResults } from "../../shared/commands/commands";
import { sendCommand } from "../../host/control/control-server";

/**
 * Real processes for integration tests: a relay and members' hosts, each a
 * separate Node process on 127.0.0.1, talked to the way the CLI talks to
 * them. Every process started here is stopped by `stopAll`.
 */
const root = resolve(import.meta.dirname, "../..");
const running = new Set<ChildProcess>();

function start(script: string, args: string[], nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", join(root, script), ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const log: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  (child as ChildProcess & { log: string[] }).log = log;
  return child;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `commune-${prefix}-`));
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((done) => child.once("exit", () => done()));

export interface RelayProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Every line the relay wrote to stdout and stderr so far: its operator's log. */
  output(): string;
  /**
   * Writes a V8 heap snapshot of the relay process and returns its path
   * (only when started with `heapSnapshots`: Node's --heapsnapshot-signal).
   */
  heapSnapshot(): Promise<string>;
  /** SIGTERM and wait: the relay flushes and exits. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to flush. */
  kill(): Promise<void>;
}

export async function startRelayProcess(dataDir: string, port = 0, options: { heapSnapshots?: string } = {}): Promise<RelayProcess> {
  const snapshots = options.heapSnapshots;
  const nodeArgs = snapshots ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${snapshots}`] : [];
  const child = start("relay/main.ts", ["--port", String(port), "--data", dataDir], nodeArgs);
  const stdout: string[] = [];
  const lines = createInterface({ input: child.stdout! });
  lines.on("line", (line) => stdout.push(line));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start: ${(child as ChildProcess & { log: string[] }).log.join("")}`)), 30_000);
    lines.on("line", (line) => {
      try {
        const event = JSON.parse(line) as { url?: string };
        if (event.url) {
          clearTimeout(timer);
          resolveUrl(event.url);
        }
      } catch {
        // not a log line
      }
    });
    child.once("exit", (code) => reject(new Error(`relay exited with ${code}: ${(child as ChildProcess & { log: string[] }).log.join("")}`)));
  });
  const actualPort = Number(new URL(url.replace(/^ws/, "http")).port);
  return {
    url,
    port: actualPort,
    dataDir,
    child,
    output: () => [...stdout, (child as ChildProcess & { log: string[] }).log.join("")].join("\n"),
    async heapSnapshot() {
      if (!snapshots) throw new Error("the relay was started without heapSnapshots");
      const before = new Set(await readdir(snapshots));
      child.kill("SIGUSR2");
      // Node writes the snapshot synchronously once the signal is handled: it is whole when it parses.
      return waitFor(async () => {
        const made = (await readdir(snapshots)).find((name) => name.endsWith(".heapsnapshot") && !before.has(name));
        if (!made) return undefined;
        const path = join(snapshots, made);
        JSON.parse(await readFile(path, "utf8"));
        return path;
      }, "the relay's heap snapshot");
    },
    async stop() {
      child.kill("SIGTERM");
      await exited(child);
    },
    async kill() {
      child.kill("SIGKILL");
      await exited(child);
    },
  };
}

export interface MemberProcess {
  dataDir: string;
  child: ChildProcess;
  run(name: string, input: unknown): Promise<CommandOutcome<CommandName>>;
  must<K extends CommandName>(name: K, input: unknown): Promise<CommandResults[K]>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts `commune host` on a data directory and waits until its control server answers. */
export async function startMemberProcess(dataDir: string): Promise<MemberProcess> {
  const child = start("cli/main.ts", ["--data", dataDir, "host"]);
  const control = await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`host exited with ${child.exitCode}: ${(child as ChildProcess & { log: string[] }).log.join("")}`);
    try {
      const lock = JSON.parse(await readFile(join(dataDir, "host.lock"), "utf8")) as { pid: number; control?: { url: string; token: string } };
      return lock.pid === child.pid ? lock.control : undefined;
    } catch {
      return undefined;
    }
  }, "the member's host to start");
  const member: MemberProcess = {
    dataDir,
    child,
    run: (name, input) => sendCommand(control, name, input),
    async must(name, input) {
      const outcome = await sendCommand(control, name, input);
      if (!outcome.ok) throw new Error(`${name} failed: ${outcome.error.message}`);
      return outcome.value as never;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited(child);
    },
    async kill() {
      child.kill("SIGKILL");
      await exited(child);
    },
  };
  return member;
}

/** Polls until `probe` returns something, or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

export async function stopAll(dirs: string[] = []): Promise<void> {
  for (const child of running) child.kill("SIGKILL");
  await Promise.all([...running].map(exited));
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
