import { afterAll } from "vitest";
import { stopAll, tempDir, type MemberProcess } from "../integration/processes";
import { recordFaults, type PeakMemory } from "./fault-report";

/** What every fault scenario shares: its folders (removed, with every process, after the file), the commune's currency, the ledger as rows. */

export const EUR = { code: "EUR", name: "Euro", decimals: 2 };

/** Peak resident memory a relay and a member's host may reach under any fault or attack, MiB: the bounds of the summary table. */
export const BOUND_MIB = { relay: 512, host: 1_024 } as const;

/** Temporary folders for one test file; every process the file started is stopped, and the folders removed, after it. */
export function scratchFolders(): (prefix: string) => Promise<string> {
  const dirs: string[] = [];
  afterAll(() => stopAll(dirs), 60_000);
  return async (prefix) => {
    const path = await tempDir(prefix);
    dirs.push(path);
    return path;
  };
}

/** A member's whole ledger as "id:amount:status" rows in the canonical order, paged through 1,000 at a time. */
export async function ledgerRows(member: MemberProcess, commune: string): Promise<string[]> {
  const rows: string[] = [];
  for (let offset = 0; ; offset += 1_000) {
    const page = await member.must("purse.ledger", { commune, offset, limit: 1_000, newestFirst: false });
    rows.push(...page.rows.map((row) => `${row.id}:${row.amount}:${row.status}`));
    if (page.rows.length < 1_000) return rows;
  }
}

/** The row of a scenario that injects no fault and writes nothing: hostile input tried against processes. */
export function recordHostile(scenario: string, found: { tried: number; accepted: number; crashes: number; started: number; peaks: PeakMemory }): void {
  recordFaults({
    scenario,
    faults: 0,
    entriesWritten: 0,
    entriesLost: 0,
    crashes: found.crashes,
    hostileTried: found.tried,
    hostileAccepted: found.accepted,
    peakRssMiB: found.peaks.peaks,
    boundMiB: { ...BOUND_MIB },
    seconds: (Date.now() - found.started) / 1000,
  });
}

/** The row of a scenario that injects faults while members write: what was written and lost, against the usual bounds. */
export function recordFault(
  scenario: string,
  found: { faults: number; written: number; lost: number; crashes: number; started: number; peaks: PeakMemory },
): void {
  recordFaults({
    scenario,
    faults: found.faults,
    entriesWritten: found.written,
    entriesLost: found.lost,
    crashes: found.crashes,
    hostileTried: 0,
    hostileAccepted: 0,
    peakRssMiB: found.peaks.peaks,
    boundMiB: { ...BOUND_MIB },
    seconds: (Date.now() - found.started) / 1000,
  });
}
