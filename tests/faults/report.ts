import { appendFile } from "node:fs/promises";

/**
 * What one fault or hostile-input scenario did, for the summary table that
 * `npm run test:faults` prints. Each scenario records its own counts; the
 * runner adds them up, so a scenario never needs to know about the others.
 */
export interface FaultReport {
  /** Short name shown in the table, e.g. "relay killed during sync". */
  scenario: string;
  faultsInjected: number;
  entriesWritten: number;
  /** Acknowledged entries missing after recovery: must be 0. */
  entriesLost: number;
  /** Processes that died on their own (not the ones the scenario killed): must be 0. */
  processCrashes: number;
  hostileTried: number;
  /** Hostile inputs that changed something or were taken as valid: must be 0. */
  hostileAccepted: number;
  /** Peak resident set size seen under attack, in bytes, with the bound the scenario asserted. */
  peakRss?: { relay?: number; host?: number };
  rssBound?: { relay?: number; host?: number };
}

/** "short" inside `npm test`; "full" under `npm run test:faults` (COMMUNE_FAULTS=full). */
export type FaultScale = "short" | "full";

export function faultScale(): FaultScale {
  return process.env.COMMUNE_FAULTS === "full" ? "full" : "short";
}

/** Picks the count for the scale this run is at. */
export function scaled(counts: { short: number; full: number }): number {
  return counts[faultScale()];
}

/**
 * Appends the report as one JSON line to the file the runner named
 * (COMMUNE_FAULTS_REPORT). Outside the runner (a plain `vitest run`) there
 * is no table to feed, and the scenario's own assertions are what count.
 */
export async function recordFaultReport(report: FaultReport): Promise<void> {
  const file = process.env.COMMUNE_FAULTS_REPORT;
  if (!file) return;
  await appendFile(file, `${JSON.stringify(report)}\n`);
}
