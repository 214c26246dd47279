/**
 * The standalone relay: `npm run relay -- --port 3030 --data DIR [--host H]`.
 * Logs one JSON line per event to stdout; the first line ("listening") holds
 * the effective settings and the ws URL. SIGINT or SIGTERM shut it down
 * gracefully (exit 0); a second signal, or a shutdown still not done after
 * a few seconds, ends it at once (process-stop.ts); bad arguments exit 2.
 */
import { readCli, USAGE } from "./cli-options";
import { stopOnSignals } from "./process-stop";
import { startRelay, type RelayLogEvent } from "./relay";

const request = readCli(process.argv.slice(2));
if (request.kind === "help") {
  console.log(USAGE);
  process.exit(0);
}
if (request.kind === "error") {
  console.error(`relay: ${request.message} (see --help)`);
  process.exit(2);
}

const writeLine = (event: RelayLogEvent | Record<string, unknown>) => process.stdout.write(JSON.stringify(event) + "\n");

// The relay's own handlers never throw; this keeps a library's stray promise
// from taking every commune offline, and says so in the log.
process.on("unhandledRejection", (reason) => writeLine({ time: new Date().toISOString(), event: "error", message: `unhandled rejection: ${String(reason)}` }));

try {
  const { quota, ...options } = request.options;
  const relay = await startRelay({ ...options, ...(quota ? { limits: quota } : {}), log: writeLine });
  // A second signal, or a close still not done after a few seconds, ends the process whatever it waits on.
  const onForce = (signal: NodeJS.Signals) => writeLine({ time: new Date().toISOString(), event: "error", message: `${signal}: exiting without waiting` });
  const stop = () => {
    relay.close().then(
      () => process.exit(0),
      (error: unknown) => {
        writeLine({ time: new Date().toISOString(), event: "error", message: `shutdown failed: ${String(error)}` });
        process.exit(1);
      },
    );
  };
  stopOnSignals(stop, { onForce });
} catch (error) {
  console.error(`relay: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
