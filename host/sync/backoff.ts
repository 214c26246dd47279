/** How long a relay client waits between connection attempts. */
export interface Backoff {
  /** The wait after the first failure. */
  initialDelayMs: number;
  /** The longest wait; also the wait after a relay refused us. */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: Readonly<Backoff> = Object.freeze({ initialDelayMs: 500, maxDelayMs: 30_000 });

/**
 * The wait before attempt `failures + 1`: exponential, capped at the maximum,
 * with "equal jitter" (a random point in the upper half of the step), so the
 * members of a commune do not all reconnect in the same instant after a
 * relay restarts.
 */
export function retryDelay(failures: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.min(Math.max(failures, 0), 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
