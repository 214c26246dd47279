import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { startRelay } from "../relay/relay";
import { EUR, HOUR } from "../shared/money/currency";
import { openHost } from "./host-probe";
import { bytesUnder, progress, until } from "./measure";
import type { Row } from "./relay-load";

/**
 * What a private commune's relay keeps when every entry is written on its
 * own, as members write them day to day (the synthetic communes arrive in
 * bulk, as one snapshot): a new commune on an empty relay, `entries`
 * contributions one at a time, each on the relay before the next. Members
 * compact (host/sync/compaction.ts) and the relay drops what a snapshot
 * covers, so the store should stay near the size of the documents. Sampled
 * every `every` entries: the highest ratio is where a compaction was due.
 */
export async function oneAtATimeFigures(options: { scratch: string; entries: number; every?: number }): Promise<Row[]> {
  const { entries, scratch } = options;
  const every = options.every ?? 100;
  const relayDir = join(scratch, "relay-one-at-a-time");
  const relay = await startRelay({ port: 0, dataDir: relayDir, log: () => {} });
  const host = await openHost(join(scratch, "one-at-a-time"));
  try {
    const named = await host.run("identity.rename", { name: "Ada" });
    if (!named.ok) throw new Error(named.error.message);
    const created = await host.run("commune.create", { name: "One at a time", currencies: [EUR, HOUR], relays: [relay.url] });
    if (!created.ok) throw new Error(created.error.message);
    const commune = (created.value as { commune: string }).commune;
    const node = host.nodes.get(commune)!;
    const onRelay = () => until(() => node.syncStatus().waiting === 0, 60_000, "the entry to reach the relay", 1);
    await onRelay();
    const store = join(relayDir, "private");
    const written: unknown[] = [];
    const samples: Array<{ at: number; bytes: number }> = [];
    for (let i = 1; i <= entries; i++) {
      const outcome = await host.run("purse.contribute", { commune, amount: "1.00", currency: i % 3 === 0 ? "EUR" : "HOUR", memo: `day ${i} in the garden` });
      if (!outcome.ok) throw new Error(outcome.error.message);
      await onRelay();
      if (i % every === 0 || i === entries) {
        samples.push({ at: i, bytes: await bytesUnder(store) });
        progress(`one at a time: ${i}/${entries}, the relay holds ${samples.at(-1)!.bytes} B`);
      }
    }
    const model = node.model();
    if (model.ok) for (const row of model.value.entries) written.push(row.entry);
    const gzipped = gzipSync(Buffer.from(JSON.stringify(written))).length / Math.max(1, written.length);
    const final = samples.at(-1)!;
    const worst = samples.reduce((high, sample) => (sample.bytes / sample.at > high.bytes / high.at ? sample : high));
    const perEntry = (sample: { at: number; bytes: number }) => sample.bytes / sample.at;
    return [
      {
        n: entries,
        figure: "bytes the relay stores per entry, a private commune written one entry at a time",
        unit: "B",
        commune: `${perEntry(final).toFixed(0)} B/entry at the end; highest ${perEntry(worst).toFixed(0)} B/entry (after ${worst.at})`,
        baseline: "gzipped JSON of an entry",
        baselineValue: `${gzipped.toFixed(0)} B/entry`,
        note: `${(perEntry(final) / gzipped).toFixed(2)}x at the end, ${(perEntry(worst) / gzipped).toFixed(2)}x at most`,
      },
    ];
  } finally {
    await host.close().catch(() => {});
    await relay.close();
  }
}
