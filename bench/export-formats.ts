/**
 * Export of a purse of N entries in each format (issue 5): the time for
 * snapshot.export to write the file, as a member's host runs it, against a
 * baseline of the bare work underneath (JSON.stringify of the plain entries;
 * A.save of every document for the Automerge backup). Called by
 * bench/main.ts once per fixture size; returns rows for its table.
 */
import * as A from "@automerge/automerge";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { fromStored } from "../shared/docs/automerge-form";
import { openHost, untilBalances } from "./host-probe";
import { progress, stats, timeRuns, type Stats } from "./measure";
import { copyDataDir, type Fixture } from "./synthetic";

export interface ExportFormatRow {
  n: number;
  figure: string;
  unit: "ms";
  commune: Stats;
  baseline: string;
  baselineValue: Stats;
  note: string;
}

const FORMATS = ["json", "csv", "journal", "automerge"] as const;

/** Median, min and max of `runs` (at least 5) exports per format, each written to a file. */
export async function exportFormatFigures(f: Fixture, options: { runs: number; scratch: string }): Promise<ExportFormatRow[]> {
  const n = f.spec.entries;
  const runs = Math.max(5, options.runs);
  const dir = await copyDataDir(f.template, join(options.scratch, `export-${n}`));
  const outDir = join(options.scratch, `export-${n}-files`);
  await mkdir(outDir, { recursive: true });
  const host = await openHost(dir);
  const rows: ExportFormatRow[] = [];
  try {
    await untilBalances(host, f.communeId, f.purse, 600_000);
    const docs = host.nodes
      .get(f.communeId)!
      .docs.allHandles()
      .map((handle) => handle.doc() as A.Doc<{ entries?: unknown[] }>);
    const entries = docs.flatMap((doc) => (doc.entries ?? []).map((entry) => fromStored(entry)));
    const stringify = timeRuns(runs, () => JSON.stringify(entries));
    const save = timeRuns(runs, () => docs.forEach((doc) => A.save(doc)));
    for (const format of FORMATS) {
      const out = join(outDir, `purse.${format}`);
      const samples: number[] = [];
      for (let r = 0; r < runs; r++) {
        progress(`N=${n}: export ${format} ${r + 1}/${runs}`);
        const start = performance.now();
        const outcome = await host.run("snapshot.export", { commune: f.communeId, format, out });
        if (!outcome.ok) throw new Error(`export ${format}: ${outcome.error.message}`);
        samples.push(performance.now() - start);
      }
      const size = (await stat(out)).size;
      rows.push({
        n,
        figure: `export ${format} to a file (snapshot.export)`,
        unit: "ms",
        commune: stats(samples),
        baseline: format === "automerge" ? "A.save of every document" : "JSON.stringify of the plain entries",
        baselineValue: format === "automerge" ? save : stringify,
        note: `${(size / 1e6).toFixed(1)} MB file`,
      });
    }
  } finally {
    await host.close();
    await rm(dir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  }
  return rows;
}
