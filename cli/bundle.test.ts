import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFile, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { copyDataDir, fixture } from "../bench/synthetic";
import { Captured, TempDirs } from "./testing/cli-harness";

/**
 * `commune` as a person runs it: bin/commune.js and the bundle
 * scripts/build-cli.ts writes to dist/cli/, in processes of their own.
 */
const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const bin = join(repoRoot, "bin", "commune.js");
const dirs = new TempDirs();
const children: ChildProcess[] = [];

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function commune(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; out: Captured; err: Captured; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: options.env ?? process.env });
  children.push(child);
  const out = new Captured();
  const err = new Captured();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => out.write(chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => err.write(chunk));
  const exited = new Promise<Exit>((resolve) => child.once("close", (code) => resolve({ code, stdout: out.text, stderr: err.text })));
  return { child, out, err, exited };
}

const run = (...args: string[]) => commune(args).exited;

beforeAll(() => {
  // Builds the bundle when this checkout's is missing or stale, so the tests below time commands, not a build.
  const built = spawnSync(process.execPath, [bin, "help"], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });
  expect(built.status).toBe(0);
}, 130_000);

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
  }
});
afterAll(() => dirs.cleanup());

describe("the commune command", () => {
  it("runs the built bundle, not TypeScript through tsx, and prints JSON", async () => {
    const dir = await dirs.make();
    const { code, stdout, stderr } = await run("--data", dir, "whoami", "--json");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(stdout)).toMatchObject({ publicKey: expect.stringMatching(/^[0-9a-f]{64}$/), name: "", fingerprint: expect.any(String) });
    const inputs = JSON.parse(await readFile(join(repoRoot, "dist", "cli", "inputs.json"), "utf8")) as { inputs: string[] };
    expect(inputs.inputs).toEqual(expect.arrayContaining(["cli/main.ts", "host/host.ts", "package.json"]));
  });

  it("exits 2 on a usage error", async () => {
    const { code, stderr } = await run("frobnicate");
    expect(code).toBe(2);
    expect(stderr).toBe('commune: unknown verb "frobnicate"\nRun "commune help" to see every verb.\n');
  });

  it("rebuilds the bundle when a source file it was made from is newer, quietly", async () => {
    const main = join(repoRoot, "cli", "main.ts");
    const before = await stat(join(repoRoot, "dist", "cli", "inputs.json"));
    const { atime, mtime } = await stat(main);
    const later = new Date(Date.now() + 1000);
    await utimes(main, later, later);
    try {
      const { code, stdout, stderr } = await run("help");
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
      expect(stdout).toContain("Usage: commune <verb>");
      expect((await stat(join(repoRoot, "dist", "cli", "inputs.json"))).mtimeMs).toBeGreaterThan(before.mtimeMs);
    } finally {
      await utimes(main, atime, mtime);
    }
  }, 120_000);

  it("opens a commune of 1,000 signed entries, its signatures checked by worker threads started from dist/cli/ (a missing worker would warn on stderr)", async () => {
    const scratch = await dirs.make("commune-bundle-");
    // One member: shards of more than 256 entries, which go to the worker threads (a few hundred per member per year).
    const f = await fixture({ entries: 1_000, members: 1, seed: 11 }, join(scratch, "fixtures"));
    const dir = await copyDataDir(f.template, join(scratch, "member"));
    const { code, stdout, stderr } = await run("--data", dir, "balances", "--json", "--sync-timeout", "0");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect((JSON.parse(stdout) as { purse: Record<string, number> }).purse).toEqual(f.purse);
  }, 120_000);

  it("runs `commune host` from the bundle, and another `commune` writes through it", async () => {
    const dir = await dirs.make();
    expect((await run("--data", dir, "name", "Ada")).code).toBe(0);
    expect((await run("--data", dir, "create", "Riverside")).code).toBe(0);
    const host = commune(["--data", dir, "host"]);
    await Promise.race([host.out.until(/Commune host running/), host.exited]);
    expect(host.out.text).toContain(`(data ${dir}, pid ${host.child.pid})`);

    expect(await run("--data", dir, "contribute", "12.50", "EUR")).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Recorded: contribution of 12\.50 EUR/),
      stderr: "",
    });
    // Refused by the schema before the host is asked: wrong usage.
    expect(await run("--data", dir, "invite", "--days", "0")).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^commune: invite: --days must be more than 0\n/),
    });
    expect(JSON.parse((await run("--data", dir, "balances", "--json")).stdout)).toMatchObject({ purse: { EUR: 1250 } });

    host.child.kill("SIGTERM");
    expect((await host.exited).code).toBe(0);
  }, 60_000);
});
