/**
 * `npm run commune -- <verb> ...`: the CLI process. Everything it does is in
 * runCli; this wires it to the real process: argv, streams, and Ctrl-C (the first one stops cleanly, closing the documents and
 * releasing the data directory; a second one, or a clean stop still not done
 * after a few seconds, ends the process at once, which the lock survives,
 * because a lock whose process is gone is taken over).
 * The real relay links are loaded with the host (deps.ts), so commands that
 * open no documents never load automerge-repo. `commune` runs this bundled
 * (scripts/build-cli.ts).
 */
import { stopOnSignals } from "../relay/process-stop";
import { EXIT, runCli } from "./run-cli";

const controller = new AbortController();
// A second Ctrl-C, or a clean stop that takes more than a few seconds, ends the process whatever it waits on (relay/process-stop.ts).
stopOnSignals(() => controller.abort(), { onForce: () => process.stderr.write("Stopping without waiting.\n") });
// `commune ledger | head` closes the pipe early: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

let code: number;
try {
  code = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
} catch (error) {
  process.stderr.write(`commune: something went wrong: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  code = EXIT.refused;
}
process.exitCode = code;
// Everything is closed by now; should a library keep a handle open, do not hang on it.
setTimeout(() => process.exit(code), 2_000).unref();
