import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { access, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { sendCommand } from "../host/control/control-server";
import { lockPath } from "../host/store/data-lock";
import { Captured, cli, noRelays, ok, TempDirs } from "./testing/cli-harness";
import { runCli } from "./run-cli";

/**
 * One process owns a data directory at a time: a one-shot CLI goes through a
 * running host's control server, waits briefly for another one-shot CLI,
 * and takes over a lock whose process is gone.
 */
const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const dirs = new TempDirs();
const children: ChildProcess[] = [];
const stops: (() => void)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
  }
  await dirs.cleanup();
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid;
}

interface LockFile {
  pid: number;
  control?: { url: string; token: string };
}

const readLockFile = async (dir: string) => JSON.parse(await readFile(lockPath(dir), "utf8")) as LockFile;

/** Starts `commune host` in this process; resolves once it runs (or has exited). */
async function hostInProcess(dir: string, argv: string[] = []) {
  const controller = new AbortController();
  const stdout = new Captured();
  const stderr = new Captured();
  let up = () => {};
  const running = new Promise<void>((resolve) => (up = resolve));
  const exited = runCli(["--data", dir, "host", ...argv], { env: {}, stdout, stderr, links: noRelays, signal: controller.signal, onHostRunning: up });
  stops.push(() => controller.abort());
  await Promise.race([running, exited]);
  return { controller, stdout, stderr, exited };
}

describe("the data directory's lock", () => {
  it("is taken over from a process that died, even one that was a host", async () => {
    const dir = await dirs.make();
    await writeFile(lockPath(dir), JSON.stringify({ pid: deadPid(), control: { url: "http://127.0.0.1:9", token: "gone" } }));
    expect(await cli(dir, ["name", "Ada"])).toMatchObject({ code: 0, stdout: "You are now called Ada.\n" });
    expect(await exists(lockPath(dir))).toBe(false);
  });

  it("held by another one-shot command is waited for, then given up on with a clear message (exit 3)", async () => {
    const dir = await dirs.make();
    const other = process.ppid; // alive, and not this process
    await writeFile(lockPath(dir), JSON.stringify({ pid: other }));
    const run = await cli(dir, ["whoami"], { lockWaitMs: 50 });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Waiting for another Commune command (pid ${other}) to finish with ${dir}…`);
    expect(run.stderr).toContain(`Another Commune command (pid ${other}) is using ${dir}. Try again when it has finished.`);
    expect(await readLockFile(dir)).toEqual({ pid: other });
  });

  it("held by another one-shot command is taken once that command lets go", async () => {
    const dir = await dirs.make();
    await writeFile(lockPath(dir), JSON.stringify({ pid: process.ppid }));
    const stderr = new Captured();
    const stdout = new Captured();
    const run = runCli(["--data", dir, "whoami", "--json"], { env: {}, stdout, stderr, links: noRelays, pollMs: 10, lockWaitMs: 60_000 });
    await stderr.until(/Waiting for another Commune command/);
    await rm(lockPath(dir));
    expect(await run).toBe(0);
    expect(JSON.parse(stdout.text)).toMatchObject({ publicKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("stops waiting for the lock on Ctrl-C (exit 130)", async () => {
    const dir = await dirs.make();
    await writeFile(lockPath(dir), JSON.stringify({ pid: process.ppid }));
    const controller = new AbortController();
    const stderr = new Captured();
    const run = runCli(["--data", dir, "whoami"], {
      env: {},
      stdout: new Captured(),
      stderr,
      links: noRelays,
      pollMs: 10,
      lockWaitMs: 60_000,
      signal: controller.signal,
    });
    await stderr.until(/Waiting for another Commune command/);
    controller.abort();
    expect(await run).toBe(130);
    expect(stderr.text).toMatch(/Interrupted\.\n$/);
  });

  it("names a host that holds the lock but does not answer (exit 3)", async () => {
    const dir = await dirs.make();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await writeFile(lockPath(dir), JSON.stringify({ pid: process.ppid, control: { url: `http://127.0.0.1:${port}`, token: "t" } }));
    const run = await cli(dir, ["whoami"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(
        `^Your Commune host \\(pid ${process.ppid}\\) holds ${dir} but does not answer at http://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\)\\. If it is stuck, stop it and try again\\.\\n$`,
      ),
    );
  });
});

describe("commune host", () => {
  it("runs in this process: writes its control address into the lock, answers commands, and shuts down on the signal", async () => {
    const dir = await dirs.make();
    await ok(dir, "name", "Ada");
    const host = await hostInProcess(dir);
    expect(host.stdout.text).toMatch(new RegExp(`^Commune host running for Ada \\(data ${dir}, pid ${process.pid}\\)\\. Stop it with Ctrl-C\\.\\n$`));
    const lock = await readLockFile(dir);
    expect(lock).toMatchObject({ pid: process.pid, control: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) } });
    expect(await sendCommand(lock.control!, "identity.show", {})).toMatchObject({ ok: true, value: { name: "Ada" } });
    expect(await sendCommand({ ...lock.control!, token: "wrong" }, "identity.show", {})).toMatchObject({ ok: false });

    host.controller.abort();
    expect(await host.exited).toBe(0);
    expect(host.stderr.text).toBe("Host stopped.\n");
    expect(await exists(lockPath(dir))).toBe(false);
  });

  it("refuses to start twice for one data directory", async () => {
    const dir = await dirs.make();
    await writeFile(lockPath(dir), JSON.stringify({ pid: process.ppid, control: { url: "http://127.0.0.1:9", token: "t" } }));
    const run = await cli(dir, ["host"]);
    expect(run).toEqual({ code: 3, stdout: "", stderr: `A Commune host (pid ${process.ppid}) is already running for ${dir}.\n` });
  });

  it("runs a relay beside it and stops it too", async () => {
    const dir = await dirs.make();
    const host = await hostInProcess(dir, ["--relay-port", "0", "--json"]);
    const line = JSON.parse(host.stdout.text) as { running: boolean; relay: string };
    expect(line).toMatchObject({ running: true, relay: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+/) });
    const health = await fetch(`${line.relay.replace(/^ws/, "http").replace(/\/$/, "")}/health`);
    expect(health.ok).toBe(true);
    host.controller.abort();
    expect(await host.exited).toBe(0);
    await expect(fetch(`${line.relay.replace(/^ws/, "http").replace(/\/$/, "")}/health`)).rejects.toThrow();
  });

  it("gives up cleanly when its relay cannot start (exit 3, lock released)", async () => {
    const dir = await dirs.make();
    const run = await cli(dir, ["host", "--relay-port", "4001"], {
      startRelay: async () => {
        throw new Error("EACCES: permission denied");
      },
    });
    expect(run).toEqual({ code: 3, stdout: "", stderr: "Could not start the relay on 127.0.0.1:4001: EACCES: permission denied\n" });
    expect(await exists(lockPath(dir))).toBe(false);
  });

  it("in another process serves this process's commands through its control server, then stops on SIGTERM", async () => {
    const dir = await dirs.make();
    await ok(dir, "name", "Ada");
    await ok(dir, "create", "Riverside");
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "--data", dir, "host"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    const out = new Captured();
    const err = new Captured();
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => out.write(chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => err.write(chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await Promise.race([out.until(/Commune host running/), exited]);
    expect(out.text).toContain(`Commune host running for Ada (data ${dir}, pid ${child.pid})`);

    // These go to the host in the other process: its documents and its identity in memory change.
    expect(await cli(dir, ["contribute", "12.50", "EUR"])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Recorded: contribution of 12\.50 EUR/),
      stderr: "",
    });
    expect(await ok(dir, "name", "Ada Lovelace")).toBe("You are now called Ada Lovelace.\n");
    const lock = await readLockFile(dir);
    expect(lock.pid).toBe(child.pid);
    expect(await sendCommand(lock.control!, "identity.show", {})).toMatchObject({ ok: true, value: { name: "Ada Lovelace" } });
    expect(JSON.parse(await ok(dir, "balances", "--json"))).toMatchObject({ purse: { EUR: 1250 } });
    expect(await cli(dir, ["contribute", "1e309", "EUR"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^commune: contribute: Write the amount as plain digits without an exponent, such as 1000 rather than 1e3\n/),
    });

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(err.text).toContain("Host stopped.");
    expect(await exists(lockPath(dir))).toBe(false);
    // And the documents it wrote are there for the next one-shot command.
    expect(JSON.parse(await ok(dir, "balances", "--json"))).toMatchObject({ purse: { EUR: 1250 } });
  });
});
