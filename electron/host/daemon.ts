import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { RelayOptions, RunningRelay } from "../../relay/relay";
import { fail, ok, type Result } from "../../shared/result";
import type { RelayLinkFactory } from "./commune/relay-link";
import { startControlServer, type RunningControl } from "./control/control-server";
import { acquireLock, type HeldLock } from "./data-lock";
import { Host } from "./host";

/**
 * The member's host as a long-running process (`commune host`): it owns the
 * data directory (the lock), keeps every commune syncing with its relays,
 * serves other front ends through the control server (whose address and
 * token go into the lock file, mode 0600), and may run a relay beside it.
 * stop() undoes it all in reverse order and releases the lock.
 */
export interface DaemonOptions {
  dataDir: string;
  links: RelayLinkFactory;
  /** Also run a relay, storing under <dataDir>/relay. */
  relay?: { port: number; host: string };
  now?: () => number;
  /** Defaults to relay/'s startRelay, loaded only when a relay is asked for. */
  startRelay?: (options: RelayOptions) => Promise<RunningRelay>;
}

export interface RunningDaemon {
  readonly host: Host;
  readonly control: { url: string; token: string };
  readonly relay?: RunningRelay;
  stop(): Promise<void>;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function loadRelay(): Promise<Result<(options: RelayOptions) => Promise<RunningRelay>>> {
  try {
    const relay = await import("../../relay/relay");
    return ok(relay.startRelay);
  } catch (error) {
    return fail(`This copy of Commune cannot run a relay (${reason(error)}). Start the host without --relay-port.`);
  }
}

export async function startDaemon(options: DaemonOptions): Promise<Result<RunningDaemon>> {
  const { dataDir } = options;
  let held: HeldLock;
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const lock = await acquireLock(dataDir);
    if ("heldBy" in lock) {
      const { pid, control } = lock.heldBy;
      return fail(
        control
          ? `A Commune host (pid ${pid}) is already running for ${dataDir}.`
          : `Another Commune command (pid ${pid}) is using ${dataDir}. Start the host when it has finished.`,
      );
    }
    held = lock.held;
  } catch (error) {
    return fail(`Cannot lock the data directory ${dataDir}: ${reason(error)}`);
  }

  // Everything started so far, stopped in reverse on failure or at the end.
  const undo: (() => Promise<void>)[] = [() => held.release()];
  const unwind = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch(() => {});
  };

  let host: Host;
  try {
    host = await Host.open({ dataDir, links: options.links, ...(options.now ? { now: options.now } : {}) });
  } catch (error) {
    await unwind();
    return fail(`Cannot open the data directory ${dataDir}: ${reason(error)}`);
  }
  undo.push(() => host.close());

  let relay: RunningRelay | undefined;
  if (options.relay) {
    const start = options.startRelay ? ok(options.startRelay) : await loadRelay();
    if (!start.ok) {
      await unwind();
      return start;
    }
    try {
      const running = await start.value({ port: options.relay.port, host: options.relay.host, dataDir: join(dataDir, "relay") });
      relay = running;
      undo.push(() => running.close());
    } catch (error) {
      await unwind();
      return fail(`Could not start the relay on ${options.relay.host}:${options.relay.port}: ${reason(error)}`);
    }
  }

  let control: RunningControl;
  try {
    control = await startControlServer(host);
    undo.push(() => control.close());
    await held.update({ url: control.url, token: control.token });
    // First thing on the way out: take the address out of the lock, so a CLI
    // arriving now waits for the lock instead of knocking on a closing door.
    undo.push(() => held.update(undefined));
  } catch (error) {
    await unwind();
    return fail(`Could not start the host's control server: ${reason(error)}`);
  }

  let stopping: Promise<void> | undefined;
  return ok({
    host,
    control: { url: control.url, token: control.token },
    ...(relay ? { relay } : {}),
    stop: () => (stopping ??= unwind()),
  });
}
