/**
 * How a Commune process (the CLI, `commune host`, browser mode, the relay)
 * stops on SIGINT or SIGTERM, whatever it is waiting on. The first signal
 * asks for a clean stop (documents flushed, the data directory's lock
 * released). A second signal, or the first one's grace period running out,
 * ends the process at once by the signal's own default action: unlike
 * process.exit, which waits for libuv's thread pool, it cannot be held by
 * a filesystem call that never returns (Node's mkdir -p under /proc span
 * for ever inside the pool, and "Stopping without waiting." never stopped).
 * The shell sees the usual status for the signal (130 for Ctrl-C, 143 for
 * SIGTERM); the data-directory lock of a process that is gone is taken over
 * by the next one.
 *
 * In relay/ because the relay, the host's processes and the CLI all use it,
 * and the relay imports nothing of theirs.
 */

/** How long a clean stop may take before the process ends anyway. */
export const STOP_GRACE_MS = 5_000;

export interface StopOptions {
  graceMs?: number;
  /** Told just before the process ends without waiting, e.g. to say so on stderr. */
  onForce?(signal: NodeJS.Signals): void;
}

/** Calls `stop` on the first SIGINT or SIGTERM and ends the process on a second, or when the grace period is over; returns a function that stops listening. */
export function stopOnSignals(stop: (signal: NodeJS.Signals) => void, options: StopOptions = {}): () => void {
  let stopping = false;
  const force = (signal: NodeJS.Signals) => {
    options.onForce?.(signal);
    endBy(signal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return force(signal);
    stopping = true;
    // Unref'd: a clean stop that finishes first ends the process without waiting for it.
    setTimeout(() => force(signal), options.graceMs ?? STOP_GRACE_MS).unref();
    stop(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

/** Ends this process now by `signal`'s default action: with no listener left, Node restores it, and the kernel ends the process without running exit hooks. */
export function endBy(signal: NodeJS.Signals): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}
