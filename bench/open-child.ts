/**
 * One cold open in a fresh process, so time and memory are not flattered by
 * an earlier run: `host` opens the data directory with the member's host
 * until commune.show answers with complete balances; `raw` loads the same
 * documents' bytes with Automerge.load and sums the entries in a plain loop.
 * Prints one JSON line.
 */
import * as A from "@automerge/automerge";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { signatureVerifications } from "../shared/identity/signed";
import { openHost, shownPurse, untilBalances } from "./host-probe";

const [mode, dir, commune, expectedJson] = process.argv.slice(2);
const expected = JSON.parse(expectedJson ?? "{}") as Record<string, number>;

if (mode === "host") {
  const start = performance.now();
  const host = await openHost(dir!);
  const opened = performance.now();
  const first = await shownPurse(host, commune!);
  const firstView = performance.now();
  await untilBalances(host, commune!, expected, 600_000);
  const complete = performance.now();
  const rss = process.memoryUsage().rss;
  const verifications = signatureVerifications();
  await host.close();
  console.log(
    JSON.stringify({
      openMs: opened - start,
      firstViewMs: firstView - start,
      firstProvisional: first?.provisional ?? false,
      completeMs: complete - start,
      rss,
      maxRss: process.resourceUsage().maxRSS * 1024,
      verifications,
    }),
  );
} else if (mode === "raw") {
  const files = (await readdir(dir!)).filter((name) => name.endsWith(".am"));
  const bytes = await Promise.all(files.map((name) => readFile(join(dir!, name))));
  const start = performance.now();
  const sums: Record<string, number> = {};
  let count = 0;
  for (const binary of bytes) {
    const doc = A.load<{ entries?: { kind: { val: string }; amount: number; currency: { val: string }; direction?: { val: string } }[] }>(new Uint8Array(binary));
    for (const entry of doc.entries ?? []) {
      const kind = entry.kind.val;
      const sign = kind === "disbursement" || (kind === "exchange" && entry.direction?.val === "out") ? -1 : kind === "transfer" ? 0 : 1;
      const code = entry.currency.val;
      sums[code] = (sums[code] ?? 0) + sign * entry.amount;
      count++;
    }
  }
  const loadMs = performance.now() - start;
  console.log(JSON.stringify({ loadMs, rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024, count, sums }));
}
