/**
 * Opening a commune one of whose purse shards someone rewrote (issue 12):
 * its largest shard had an entry deleted, so the host must scan that
 * shard's whole history to count the signed original. The scan runs in the
 * host's history-scan worker (host/history/), so the figures are the time
 * to complete balances, on a first open (the scan) and a reopen (the scan
 * kept on disk), and the longest stretch the main thread was busy
 * (`monitorEventLoopDelay`'s largest delay) during a first open; each
 * against the same commune untampered, opened the same way in the same
 * run. Called by bench/main.ts once per fixture size (or alone with
 * `--only tampered-open`); returns rows for its table.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { openHost, untilBalances } from "./host-probe";
import { progress, removeDir, stats, type Stats } from "./measure";
import { copyDataDir, type Fixture } from "./synthetic";

export interface TamperedOpenRow {
  n: number;
  figure: string;
  unit: "ms" | "count";
  commune: Stats;
  baseline: string;
  baselineValue: Stats | string;
  note?: string;
}

type Child = (mode: string, dir: string, f: Fixture) => Promise<Record<string, number | boolean>>;

/** A copy of the fixture opened once to complete balances (its verdicts kept), and a copy of that with its largest shard's first entry deleted. */
async function templates(f: Fixture, scratch: string): Promise<{ untouched: string; tampered: string; shardEntries: number }> {
  const n = f.spec.entries;
  const untouched = await copyDataDir(f.template, join(scratch, `tamper-base-${n}`));
  const host = await openHost(untouched);
  try {
    await untilBalances(host, f.communeId, f.purse, 600_000);
  } finally {
    await host.close();
  }
  const tampered = await copyDataDir(untouched, join(scratch, `tampered-${n}`));
  const attacker = await openHost(tampered);
  let shardEntries: number;
  try {
    await untilBalances(attacker, f.communeId, f.purse, 600_000);
    const node = attacker.nodes.get(f.communeId)!;
    const sizeOf = (handle: { doc(): unknown }) => (handle.doc() as { entries: unknown[] }).entries.length;
    const largest = [...node.docs.shards.values()].sort((a, b) => sizeOf(b) - sizeOf(a))[0]!;
    shardEntries = sizeOf(largest);
    largest.change((doc) => void (doc as unknown as { entries: unknown[] }).entries.splice(0, 1));
    // The deleted entry still counts: the balances stay those of the honest history.
    await untilBalances(attacker, f.communeId, f.purse, 600_000);
  } finally {
    await attacker.close();
  }
  // The attacker's host kept its scan; the members' first opens below have none.
  await rm(join(tampered, "communes", f.communeId, "history-scans"), { recursive: true, force: true });
  return { untouched, tampered, shardEntries };
}

export async function tamperedOpenFigures(f: Fixture, options: { runs: number; scratch: string; child: Child }): Promise<TamperedOpenRow[]> {
  const n = f.spec.entries;
  progress(`N=${n}: tampered open: preparing the communes`);
  const { untouched, tampered, shardEntries } = await templates(f, options.scratch);
  const baseline: Record<string, number | boolean>[] = [];
  const first: Record<string, number | boolean>[] = [];
  const again: Record<string, number | boolean>[] = [];
  for (let r = 0; r < options.runs; r++) {
    progress(`N=${n}: tampered open run ${r + 1}/${options.runs}`);
    const base = await copyDataDir(untouched, join(options.scratch, `tamper-base-${n}-${r}`));
    baseline.push(await options.child("stall", base, f));
    await removeDir(base);
    const dir = await copyDataDir(tampered, join(options.scratch, `tampered-${n}-${r}`));
    first.push(await options.child("stall", dir, f));
    again.push(await options.child("stall", dir, f));
    await removeDir(dir);
  }
  await removeDir(untouched);
  await removeDir(tampered);
  const pick = (list: Record<string, number | boolean>[], key: string) => stats(list.map((x) => Number(x[key])));
  const untouchedOpen = "same commune untampered, verdicts cached";
  const note = `one shard of ${shardEntries.toLocaleString("en")} entries, its first entry deleted`;
  return [
    {
      n,
      figure: "open to balances, a shard tampered (first open: scanned in a worker)",
      unit: "ms",
      commune: pick(first, "completeMs"),
      baseline: untouchedOpen,
      baselineValue: pick(baseline, "completeMs"),
      note,
    },
    {
      n,
      figure: "open to balances, a shard tampered (reopen: scan kept)",
      unit: "ms",
      commune: pick(again, "completeMs"),
      baseline: untouchedOpen,
      baselineValue: pick(baseline, "completeMs"),
      note: `scans read from disk: ${again.map((x) => Number(x.fromKept)).join(", ")}; scanned again: ${again.map((x) => Number(x.scanned)).join(", ")}`,
    },
    {
      n,
      figure: "longest main-thread stall, tampered first open",
      unit: "ms",
      commune: pick(first, "stallMs"),
      baseline: `${untouchedOpen}: its longest stall`,
      baselineValue: pick(baseline, "stallMs"),
      note: "largest event-loop delay (monitorEventLoopDelay) from start to complete balances",
    },
    {
      n,
      figure: "history scans on the main thread, tampered first open",
      unit: "count",
      commune: pick(first, "mainThreadScans"),
      baseline: "want 0",
      baselineValue: "0",
      note: `scans in the worker: ${first.map((x) => Number(x.scanned)).join(", ")}`,
    },
  ];
}
