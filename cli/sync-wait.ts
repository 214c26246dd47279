import type { SyncStatusView } from "../shared/commands/views";
import { plural } from "./text";
import { sleep, type Runner } from "./session";

/**
 * After a change, a one-shot CLI waits (up to a bound) until a relay has
 * confirmed every document, so the change leaves the machine before the
 * process does. Not reaching a relay is normal for a local-first app: the
 * change is saved and goes out the next time this member is online.
 */
export type SyncOutcome =
  | { kind: "sent"; status: SyncStatusView }
  | { kind: "no-relays" }
  | { kind: "refused"; status: SyncStatusView }
  | { kind: "offline"; status: SyncStatusView }
  | { kind: "timeout"; status: SyncStatusView }
  | { kind: "stopped" }
  | { kind: "unknown"; message: string };

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
  /** Called with the status whenever waiting has lasted longer than `quietMs`. */
  progress(status: SyncStatusView): void;
  quietMs: number;
  /** Relays that are all offline after this long are taken to be unreachable now, rather than waited for until the timeout. */
  offlineAfterMs: number;
}

const confirmed = (status: SyncStatusView) => status.waiting === 0 && status.relays.some((relay) => relay.state === "connected");

export async function waitForRelay(runner: Runner, commune: string, options: WaitOptions): Promise<SyncOutcome> {
  const started = Date.now();
  for (;;) {
    const answer = await runner.run("sync.status", { commune });
    if (!answer.ok) return { kind: "unknown", message: answer.error.message };
    const status = answer.value as SyncStatusView;
    if (status.relays.length === 0) return { kind: "no-relays" };
    if (confirmed(status)) return { kind: "sent", status };
    if (status.relays.every((relay) => relay.state === "refused")) return { kind: "refused", status };
    const elapsed = Date.now() - started;
    if (elapsed >= options.offlineAfterMs && status.relays.every((relay) => relay.state === "offline" || relay.state === "refused"))
      return { kind: "offline", status };
    if (options.signal?.aborted) return { kind: "stopped" };
    if (elapsed >= options.timeoutMs) return { kind: "timeout", status };
    if (elapsed >= options.quietMs) options.progress(status);
    await sleep(Math.min(options.pollMs, options.timeoutMs - elapsed), options.signal);
  }
}

export const relayStates = (status: SyncStatusView) =>
  status.relays.map((relay) => `${relay.url}: ${relay.state}${relay.reason ? ` (${relay.reason})` : ""}`).join("; ");

export function progressLine(status: SyncStatusView): string {
  const connected = status.relays.some((relay) => relay.state === "connected");
  const what = status.waiting > 0 ? `${plural(status.waiting, "document")} to send` : "checking what it holds";
  return `Waiting for relay ${status.relays.map((relay) => relay.url).join(", ")} (${connected ? what : `connecting; ${what}`})…`;
}

const later = "it will go out the next time your host or the CLI is online with a relay.";

/** What the member is told on stderr, or nothing when it simply worked. */
export function outcomeMessage(outcome: SyncOutcome, timeoutMs: number, waitedVisibly: boolean): string | undefined {
  switch (outcome.kind) {
    case "sent":
      return waitedVisibly
        ? `Sent to ${outcome.status.relays
            .filter((r) => r.state === "connected")
            .map((r) => r.url)
            .join(", ")}.`
        : undefined;
    case "no-relays":
      return "Saved on this machine only: this commune has no relay, so nothing was sent. Add one with: commune relays --add ws://HOST:PORT";
    case "refused":
      return `Saved on this machine. The relay refused the connection (${relayStates(outcome.status)}); ${later}`;
    case "offline":
      return `Saved on this machine. No relay is reachable now (${relayStates(outcome.status)}); ${later}`;
    case "timeout":
      return timeoutMs === 0
        ? `Saved on this machine; not waiting for a relay (--sync-timeout 0): ${later}`
        : `Saved on this machine. No relay confirmed it within ${Math.round(timeoutMs / 100) / 10} s (${relayStates(outcome.status)}); ${later}`;
    case "stopped":
      return `Saved on this machine; stopped waiting for the relay: ${later}`;
    case "unknown":
      return `Saved on this machine, but its sync status is unknown (${outcome.message}).`;
  }
}

export const OFFLINE_AFTER_MS = 1_000;
const CATCH_UP_MS = 5_000;

interface Waiting {
  pollMs: number;
  signal?: AbortSignal;
  /** One line on stderr. */
  say(line: string): void;
}

/**
 * Before a command, a one-shot CLI that has just opened the documents gives
 * its relays a moment to bring them up to date, so it reads and checks what
 * the commune knows (a proposal made an hour ago by someone else). A read
 * says when it could not; a write says so after it (`quiet`).
 */
export async function catchUp(runner: Runner, commune: string, options: Waiting & { timeoutMs: number; quiet: boolean }): Promise<SyncOutcome["kind"]> {
  const outcome = await waitForRelay(runner, commune, {
    timeoutMs: Math.min(CATCH_UP_MS, options.timeoutMs),
    pollMs: options.pollMs,
    quietMs: Number.POSITIVE_INFINITY,
    offlineAfterMs: OFFLINE_AFTER_MS,
    ...(options.signal ? { signal: options.signal } : {}),
    progress: () => {},
  });
  if (!options.quiet && (outcome.kind === "offline" || outcome.kind === "refused" || outcome.kind === "timeout")) {
    options.say(`Showing what this machine has: no relay brought it up to date (${relayStates(outcome.status)}).`);
  }
  return outcome.kind;
}

/** After a write: waits for a relay, showing progress after a second, and says where the change is. */
export async function reportSync(runner: Runner, commune: string, options: Waiting & { timeoutMs: number; offlineAfterMs: number }): Promise<void> {
  let shown = "";
  const outcome = await waitForRelay(runner, commune, {
    timeoutMs: options.timeoutMs,
    pollMs: options.pollMs,
    quietMs: 1_000,
    offlineAfterMs: options.offlineAfterMs,
    ...(options.signal ? { signal: options.signal } : {}),
    progress(status) {
      const line = progressLine(status);
      if (line !== shown) options.say(line);
      shown = line;
    },
  });
  const message = outcomeMessage(outcome, options.timeoutMs, shown !== "");
  if (message) options.say(message);
}

/**
 * After a change the disk refused, in a one-shot CLI: the host in this
 * process made it and holds it, but ends with the command and will not
 * save it later, so only a relay can be counted on to keep it. Waits for one as after any write, and says which it is: a
 * relay has it (this computer gets it back from there: not to be made
 * again), or none confirmed it (look before making it again).
 */
export async function keptByRelays(runner: Runner, commune: string, options: Waiting & { timeoutMs: number; offlineAfterMs: number }): Promise<string> {
  const outcome = await waitForRelay(runner, commune, {
    timeoutMs: options.timeoutMs,
    pollMs: options.pollMs,
    quietMs: 1_000,
    offlineAfterMs: options.offlineAfterMs,
    ...(options.signal ? { signal: options.signal } : {}),
    progress: () => {},
  });
  const ends = "This command ends now and will not save the change later";
  if (outcome.kind === "sent") {
    const relays = outcome.status.relays.filter((relay) => relay.state === "connected").map((relay) => relay.url);
    return `${ends}, but ${relays.join(", ")} has it: this computer gets it back from there. Do not make it again.`;
  }
  const why =
    outcome.kind === "no-relays"
      ? "this commune has no relay"
      : outcome.kind === "unknown"
        ? `its sync status is unknown (${outcome.message})`
        : outcome.kind === "stopped"
          ? "you stopped waiting for a relay"
          : `no relay confirmed it (${relayStates(outcome.status)})`;
  return `${ends}, and ${why}. Once the disk takes writes, check whether it shows before making it again.`;
}
