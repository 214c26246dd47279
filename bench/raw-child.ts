/**
 * The baseline of open-child.ts, in a fresh process of its own: loads the same
 * documents' bytes with Automerge.load and sums the entries in a plain loop.
 * Prints one JSON line. A file of its own so its processes start without the
 * host's code (a third of a second each).
 */
import * as A from "@automerge/automerge";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const [, dir] = process.argv.slice(2);
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
