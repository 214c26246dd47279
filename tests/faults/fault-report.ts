import { appendFileSync, readFileSync } from "node:fs";
import { z } from "zod";

/**
 * What each fault scenario found, for the summary table `npm run test:faults`
 * prints (tests/faults/run.ts). A scenario records one row when it has
 * checked what it injected; the table is the rows, the totals and the
 * bounds. In `npm test` (the short form) nothing asks for the table and
 * rows go nowhere.
 */

export const faultRow = z.strictObject({
  scenario: z.string(),
  faults: z.number().int().nonnegative(),
  entriesWritten: z.number().int().nonnegative(),
  entriesLost: z.number().int().nonnegative(),
  crashes: z.number().int().nonnegative(),
  hostileTried: z.number().int().nonnegative(),
  hostileAccepted: z.number().int().nonnegative(),
  /** Peak resident memory (VmHWM) of each process under attack, MiB. */
  peakRssMiB: z.record(z.string(), z.number().nonnegative()),
  /** The bound each peak must stay under, MiB, by the same names. */
  boundMiB: z.record(z.string(), z.number().positive()),
  seconds: z.number().nonnegative(),
});
export type FaultRow = z.infer<typeof faultRow>;

/** The file `run.ts` reads the rows from; unset in `npm test`. */
export const REPORT_ENV = "COMMUNE_FAULTS_REPORT";

export function recordFaults(row: FaultRow): void {
  const file = process.env[REPORT_ENV];
  if (!file) return;
  appendFileSync(file, `${JSON.stringify(faultRow.parse(row))}\n`);
}

export function readFaultRows(file: string): FaultRow[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => faultRow.parse(JSON.parse(line)));
}

/**
 * A process's peak resident memory so far, MiB, from Linux's VmHWM (the
 * kernel's own high-water mark, so no sampling can miss a spike). Undefined
 * where /proc does not say (another OS, or the process is gone).
 */
export function peakRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kib === undefined ? undefined : Math.round((Number(kib) / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

/** Keeps the highest peak seen per process name: a process restarted after a kill has a fresh high-water mark. */
export class PeakMemory {
  readonly #peaks: Record<string, number> = {};

  sample(name: string, pid: number | undefined): void {
    const peak = peakRssMiB(pid);
    if (peak !== undefined && peak > (this.#peaks[name] ?? 0)) this.#peaks[name] = peak;
  }

  get peaks(): Record<string, number> {
    return { ...this.#peaks };
  }
}
