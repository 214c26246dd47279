import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";
import { portProblem } from "../shared/sync/port";
import { join } from "node:path";
import type { RelayOptions, RunningRelay } from "../relay/relay";
import type { EmbeddedRelayView } from "../shared/commands/views";
import { fail, ok, type Result } from "../shared/result";

export type StartRelay = (options: RelayOptions) => Promise<RunningRelay>;

/** Where the embedded relay listens: 127.0.0.1 for this machine only, 0.0.0.0 for the LAN, or any address the daemon was given. */
export interface RelayPlace {
  port: number;
  host: string;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
const ANY_ADDRESS = new Set(["0.0.0.0", "::"]);

async function loadRelay(): Promise<Result<StartRelay>> {
  try {
    const relay = await import("../relay/relay");
    return ok(relay.startRelay);
  } catch (error) {
    return fail("relay.unavailable", `This copy of Commune cannot run a relay (${reason(error)}).`);
  }
}

/** ws:// addresses of this machine's own IPv4 network interfaces: what another member on the LAN types. */
export function lanUrls(port: number, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  const urls: string[] = [];
  for (const addresses of Object.values(interfaces)) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) urls.push(`ws://${address.address}:${port}`);
    }
  }
  return urls;
}

/**
 * The relay a member's host may run beside itself, storing under
 * <dataDir>/relay: started by `commune host --relay-port` or by the
 * relay.host command, at most one at a time, stopped with the host.
 */
export class EmbeddedRelay {
  readonly #dataDir: string;
  readonly #start: StartRelay | undefined;
  #running: { relay: RunningRelay; view: EmbeddedRelayView } | undefined;
  #busy: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, start?: StartRelay) {
    this.#dataDir = dataDir;
    this.#start = start;
  }

  get running(): RunningRelay | undefined {
    return this.#running?.relay;
  }

  view(): EmbeddedRelayView | undefined {
    return this.#running?.view;
  }

  /** Starts the relay; asking again for what already runs answers with it, asking for something else first needs a stop. */
  start(place: RelayPlace): Promise<Result<EmbeddedRelayView>> {
    const problem = portProblem(place.port);
    if (problem) return Promise.resolve(fail("relay.badPort", problem, { field: "port", params: { port: place.port } }));
    return this.#exclusive(async () => {
      const current = this.#running;
      if (current) {
        const same = (place.port === 0 || place.port === current.view.port) && ANY_ADDRESS.has(place.host) === current.view.lan;
        if (same) return ok(current.view);
        return fail("relay.alreadyRunning", `A relay already runs here at ${current.view.url}. Stop it first to run it on another port or network.`);
      }
      const start = this.#start ? ok(this.#start) : await loadRelay();
      if (!start.ok) return start;
      let relay: RunningRelay;
      try {
        relay = await start.value({ port: place.port, host: place.host, dataDir: join(this.#dataDir, "relay") });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
          return fail(
            "relay.portInUse",
            `Could not start the relay: port ${place.port} is already in use on this machine. Choose another port, or 0 for any free one.`,
            { field: "port" },
          );
        }
        return fail("relay.cannotStart", `Could not start the relay on ${place.host}:${place.port}: ${reason(error)}`);
      }
      const lan = ANY_ADDRESS.has(place.host);
      const view: EmbeddedRelayView = { url: lan ? `ws://127.0.0.1:${relay.port}` : relay.url, port: relay.port, lan, lanUrls: lan ? lanUrls(relay.port) : [] };
      this.#running = { relay, view };
      return ok(view);
    });
  }

  /** Stops the relay; answers whether one was running. */
  stop(): Promise<boolean> {
    return this.#exclusive(async () => {
      const current = this.#running;
      if (!current) return false;
      this.#running = undefined;
      await current.relay.close();
      return true;
    });
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(work, work);
    this.#busy = run.catch(() => undefined);
    return run;
  }
}
