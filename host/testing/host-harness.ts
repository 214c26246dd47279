import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandName, CommandResults } from "../../shared/commands/commands";
import type { RelayLinkFactory } from "../commune/relay-link";
import type { Host } from "../host";

/** For hosts in tests that never reach a relay: asking for a link is a bug in the test. */
export const noRelays: RelayLinkFactory = () => {
  throw new Error("no relays in these tests");
};

/** Runs a command that the test expects to succeed, and fails the test with the host's words when it does not. */
export async function must<K extends CommandName>(host: Host, name: K, input: unknown): Promise<CommandResults[K]> {
  const outcome = await host.run(name, input);
  if (!outcome.ok) throw new Error(`${name}: ${outcome.error.message}`);
  return outcome.value as CommandResults[K];
}

/** A fresh data folder for a host in a test, removed by the test file's `cleanups` once the test ends. */
export async function tempDataDir(prefix: string, cleanups: (() => Promise<unknown>)[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  return dir;
}

/**
 * Waits for what another host or a relay does to arrive: a wait for the sync, not a timing assertion. `seen`, when given, says
 * what the hosts last showed, so that a wait that runs out tells why.
 */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, seen?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${seen ? `; last seen: ${await seen().catch(String)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
