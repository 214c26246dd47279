import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readFaultRows, REPORT_ENV, type FaultRow } from "./fault-report";

/**
 * `npm run test:faults`: every fault scenario at full strength (FULL in
 * ./scale.ts), then the summary table. Fails when a scenario fails, an
 * entry was lost, a process crashed, a hostile input was accepted or a
 * peak passed its bound, whatever the tests themselves said.
 */

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "commune-faults-"));
const report = join(dir, "rows.jsonl");
const started = Date.now();
const run = spawnSync(process.execPath, [join(root, "node_modules/vitest/vitest.mjs"), "run", "tests/faults", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, COMMUNE_FAULTS: "full", [REPORT_ENV]: report },
});
const rows = readFaultRows(report);
rmSync(dir, { recursive: true, force: true });

console.log(`\n${table(rows)}`);
const broken = overBounds(rows);
for (const line of broken) console.log(`over its bound: ${line}`);
const totals = sum(rows);
const clean = run.status === 0 && rows.length > 0 && totals.entriesLost === 0 && totals.crashes === 0 && totals.hostileAccepted === 0 && broken.length === 0;
console.log(`\nfaults: ${clean ? "passed" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(clean ? 0 : 1);

function sum(list: readonly FaultRow[]) {
  const total = { faults: 0, entriesWritten: 0, entriesLost: 0, crashes: 0, hostileTried: 0, hostileAccepted: 0 };
  for (const row of list) for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += row[key];
  return total;
}

function overBounds(list: readonly FaultRow[]): string[] {
  const over: string[] = [];
  for (const row of list)
    for (const [name, peak] of Object.entries(row.peakRssMiB)) {
      const bound = row.boundMiB[name];
      if (bound !== undefined && peak > bound) over.push(`${row.scenario}: ${name} peaked at ${peak} MiB, bound ${bound} MiB`);
    }
  return over;
}

function table(list: readonly FaultRow[]): string {
  const header = ["scenario", "faults", "entries written", "entries lost", "crashes", "hostile tried", "hostile accepted", "peak RSS (bound), MiB", "s"];
  const peaks = (row: FaultRow) =>
    Object.entries(row.peakRssMiB)
      .map(([name, peak]) => `${name} ${peak}${row.boundMiB[name] === undefined ? "" : ` (${row.boundMiB[name]})`}`)
      .join(", ") || "-";
  const body = list.map((row) => [
    row.scenario,
    String(row.faults),
    String(row.entriesWritten),
    String(row.entriesLost),
    String(row.crashes),
    String(row.hostileTried),
    String(row.hostileAccepted),
    peaks(row),
    String(Math.round(row.seconds)),
  ]);
  const total = sum(list);
  body.push([
    "total",
    String(total.faults),
    String(total.entriesWritten),
    String(total.entriesLost),
    String(total.crashes),
    String(total.hostileTried),
    String(total.hostileAccepted),
    "",
    String(Math.round(list.reduce((s, row) => s + row.seconds, 0))),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
