/**
 * One cold open in a fresh process, so time and memory are not flattered by
 * an earlier run: opens the data directory with the member's host until
 * commune.show answers with complete balances. Prints one JSON line. Its
 * baseline is raw-child.ts. Mode "stall" (bench/tampered-open.ts) also
 * says how long the main thread was busy at a stretch, and what the
 * history scans did.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
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
  const verifications = host.crypto.verifications();
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
}

if (mode === "stall") {
  // The largest delay of a 10 ms timer is the longest stretch the thread that answers was held.
  const delays = monitorEventLoopDelay({ resolution: 10 });
  delays.enable();
  const start = performance.now();
  const host = await openHost(dir!);
  await untilBalances(host, commune!, expected, 600_000);
  const complete = performance.now();
  delays.disable();
  const mainThreadScans = [...host.nodes.values()].reduce((sum, node) => sum + node.docs.history.mainThreadScans, 0);
  const { scanned, fromKept } = host.history;
  await host.close();
  console.log(JSON.stringify({ completeMs: complete - start, stallMs: delays.max / 1e6, scanned, fromKept, mainThreadScans }));
}
