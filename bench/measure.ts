/** Small helpers every benchmark figure uses: timing statistics, progress, sizes on disk. */
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

export interface Stats {
  runs: number;
  median: number;
  min: number;
  max: number;
  p95: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { runs: sorted.length, median, min: sorted[0]!, max: sorted[sorted.length - 1]!, p95: at(0.95) };
}

/** Statistics of `runs` timings of synchronous `work`. */
export function timeRuns(runs: number, work: () => unknown): Stats {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

const started = performance.now();

/** Progress on stderr, so stdout keeps only the table. */
export function progress(message: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

/** Bytes of every file under `dir`. */
export async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Removes a directory a closed host or relay may still be writing into for a moment (automerge-repo saves sync states on a timer). */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
}
