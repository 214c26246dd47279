import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { noRelays } from "../../host/testing/host-harness";
import { runCli, type CliDeps } from "../run-cli";

/** For the CLI's tests: temporary data directories and runCli with its output captured. */

export { noRelays };

export class Captured {
  text = "";
  #waiters: { pattern: RegExp; resolve: () => void }[] = [];

  write(chunk: string): boolean {
    this.text += chunk;
    for (const waiter of [...this.#waiters]) {
      if (waiter.pattern.test(this.text)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    return true;
  }

  /** Resolves once the output matches (no clock involved: it is the output that decides). */
  until(pattern: RegExp): Promise<void> {
    if (pattern.test(this.text)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ pattern, resolve }));
  }
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process against `dataDir`, without relays. */
export async function cli(dataDir: string, argv: string[], deps: Partial<CliDeps> = {}): Promise<Run> {
  const stdout = new Captured();
  const stderr = new Captured();
  const code = await runCli(["--data", dataDir, ...argv], { env: {}, stdout, stderr, links: noRelays, pollMs: 10, ...deps });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Like cli(), but fails the test unless the command succeeds; returns stdout. */
export async function ok(dataDir: string, ...argv: string[]): Promise<string> {
  const run = await cli(dataDir, argv);
  if (run.code !== 0) throw new Error(`commune ${argv.join(" ")} exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

/** Temporary directories, removed by cleanup(). */
export class TempDirs {
  #dirs: string[] = [];

  async make(prefix = "commune-cli-"): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.#dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    // Retries: a relay or repo that has just closed may still be finishing a write (reported upstream).
    for (const dir of this.#dirs.splice(0)) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}
