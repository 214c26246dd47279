import { ensureDataFolder } from "../relay/data-folder";
import type { RunningRelay } from "../relay/relay";
import { fail, ok, type Result } from "../shared/result";
import type { RelayLinkFactory } from "./commune/relay-link";
import { startControlServer, type RunningControl } from "./control/control-server";
import { acquireLock, type HeldLock } from "./store/data-lock";
import type { StartRelay } from "./embedded-relay";
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
  startRelay?: StartRelay;
}

export interface RunningDaemon {
  readonly host: Host;
  readonly control: { url: string; token: string };
  readonly relay?: RunningRelay;
  stop(): Promise<void>;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function startDaemon(options: DaemonOptions): Promise<Result<RunningDaemon>> {
  const { dataDir } = options;
  const folder = await ensureDataFolder(dataDir);
  if (!folder.ok) return fail("data.unusable", `Cannot use the data directory ${dataDir}: ${folder.reason}.`, { field: "data" });
  let held: HeldLock;
  try {
    const lock = await acquireLock(dataDir);
    if ("heldBy" in lock) {
      const { pid, control } = lock.heldBy;
      return fail(
        "data.locked",
        control
          ? `A Commune host (pid ${pid}) is already running for ${dataDir}.`
          : `Another Commune command (pid ${pid}) is using ${dataDir}. Start the host when it has finished.`,
      );
    }
    held = lock.held;
  } catch (error) {
    return fail("data.cannotLock", `Cannot lock the data directory ${dataDir}: ${reason(error)}`);
  }

  // Everything started so far, stopped in reverse on failure or at the end.
  const undo: (() => Promise<void>)[] = [() => held.release()];
  const unwind = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch(() => {});
  };

  let host: Host;
  try {
    host = await Host.open({
      dataDir,
      links: options.links,
      ...(options.now ? { now: options.now } : {}),
      ...(options.startRelay ? { startRelay: options.startRelay } : {}),
    });
  } catch (error) {
    await unwind();
    return fail("data.cannotOpen", `Cannot open the data directory ${dataDir}: ${reason(error)}`);
  }
  undo.push(() => host.close());

  // The same embedded relay the relay.host command starts; host.close() stops it.
  if (options.relay) {
    const started = await host.hostRelay(options.relay);
    if (!started.ok) {
      await unwind();
      return started;
    }
  }
  const relay = host.relay.running;

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
    return fail("host.controlServer", `Could not start the host's control server: ${reason(error)}`);
  }

  let stopping: Promise<void> | undefined;
  return ok({
    host,
    control: { url: control.url, token: control.token },
    ...(relay ? { relay } : {}),
    stop: () => (stopping ??= unwind()),
  });
}
