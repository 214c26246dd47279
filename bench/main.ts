/**
 * `npm run bench` (add `-- --quick` for 1,000 and 10,000 entries only,
 * `-- --sizes 100000` for chosen sizes, `-- --runs 7` for more runs per
 * figure, `-- --only new-entry`, `-- --only tampered-open`, `-- --only relay`, `-- --only relay-latency`, `-- --only relay-joins`,
 * `-- --only relay-load` or `-- --only one-at-a-time` for those figures alone, `-- --joins 3` for fewer newcomers). Builds (or reuses)
 * synthetic communes, measures each figure
 * against its baseline from the same run, prints a table on stdout and
 * writes bench/results/<date>.json.
 * Progress goes to stderr. What each figure means: docs/performance.md.
 * With BENCH_KEEP=DIR the scratch data folders (hosts', relays') are made in
 * DIR and kept, to look into after the run.
 */
import * as A from "@automerge/automerge";
import { ed25519 } from "@noble/curves/ed25519.js";
import { build } from "esbuild";
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { cpus, freemem, platform, release, tmpdir, totalmem, arch } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { WebSocket, WebSocketServer } from "ws";
import { startRelay } from "../relay/relay";
import type { Host } from "../host/host";
import { fromStored } from "../shared/docs/automerge-form";
import { canonicalJson } from "../shared/identity/canonical";
import { bytesUnder, progress, removeDir, stats, until, type Stats } from "./measure";
import { inventorySearchFigures } from "./inventory-search";
import { exportFormatFigures } from "./export-formats";
import { openHost, samePurse, shownPurse, untilBalances } from "./host-probe";
import { relayLoadFigures } from "./relay-load";
import { oneAtATimeFigures } from "./one-at-a-time";
import { tamperedOpenFigures } from "./tampered-open";
import { rendererFigures } from "./renderer";
import { CHROMIUM } from "../tests/e2e/browser";
import { becomeMember, copyDataDir, fixture, fixtureName, makePrivate, type Fixture } from "./synthetic";

const run = promisify(execFile);
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runsArg = args.indexOf("--runs");
const RUNS = runsArg >= 0 ? Math.max(5, Number(args[runsArg + 1])) : 5;
const sizesArg = args.indexOf("--sizes");
const SIZES =
  sizesArg >= 0
    ? (args[sizesArg + 1] ?? "")
        .split(",")
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0)
    : quick
      ? [1_000, 10_000]
      : [1_000, 10_000, 100_000];
if (SIZES.length === 0) throw new Error("--sizes takes a comma-separated list of entry counts, e.g. --sizes 100000");
// `--only new-entry`: that figure alone, in about a minute (a full run takes ~16 minutes, most of it at 100,000 entries).
// `--only relay`: the upload to an empty relay, A -> relay -> B and the newcomer's joins (~5 minutes at 100,000).
// `--only relay-latency`: the upload and A -> relay -> B alone (no newcomers, no entries one at a time), plaintext and private.
// `--only relay-joins`: the upload, A -> relay -> B and the newcomers' joins, without the 2,000 entries one at a time.
// `--only relay-load`: the relay under load (50 communes x 10 members), ~3 minutes.
// `--only inventory-search`: the combined inventory's search over 10,010 items, seconds.
// `--only one-at-a-time`: a private commune's relay store after entries written one at a time (2,000; 500 with --quick), ~2 minutes.
const onlyArg = args.indexOf("--only");
const ONLY = onlyArg >= 0 ? args[onlyArg + 1] : undefined;
const ALONE = ["new-entry", "tampered-open", "relay", "relay-latency", "relay-joins", "relay-load", "inventory-search", "one-at-a-time"];
if (ONLY !== undefined && !ALONE.includes(ONLY)) throw new Error(`--only takes ${ALONE.join(", ")} (the figures that can be measured alone)`);
const RELAY_ALONE = ["relay", "relay-latency", "relay-joins"];
// How many fresh members join through the relay, per commune and protocol: each join of 100,000 entries takes tens of seconds.
const joinsArg = args.indexOf("--joins");
const JOINS = ONLY === "relay-latency" ? 0 : joinsArg >= 0 ? Number(args[joinsArg + 1]) : RUNS;
if (!Number.isInteger(JOINS) || JOINS < 0) throw new Error("--joins takes a whole number of fresh joins, e.g. --joins 3 (0 for none)");
const MEMBERS = 10;
const SEED = 1;
const RESULTS = join(import.meta.dirname, "results");
const FIXTURES = join(RESULTS, "fixtures");
const LATENCY_ENTRIES = 100;

interface Row {
  n: number;
  figure: string;
  unit: string;
  commune: Stats | string;
  baseline: string;
  baselineValue?: Stats | string;
  note?: string;
}
const rows: Row[] = [];
const scratch = process.env.BENCH_KEEP ?? (await mkdtemp(join(tmpdir(), "commune-bench-")));

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value >= 10 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`);
const mb = (value: number) => `${(value / 1e6).toFixed(0)} MB`;
const fmt = (s: Stats | string, unit: string) =>
  typeof s === "string"
    ? s
    : unit === "ms"
      ? `${ms(s.median)} [${ms(s.min)}–${ms(s.max)}]`
      : unit === "MB"
        ? `${mb(s.median)} [${mb(s.min)}–${mb(s.max)}]`
        : `${s.median.toFixed(0)} [${s.min.toFixed(0)}–${s.max.toFixed(0)}]`;

function add(row: Row): void {
  rows.push(row);
  progress(`  ${row.figure}: ${fmt(row.commune, row.unit)}  |  ${row.baseline}: ${row.baselineValue === undefined ? "" : fmt(row.baselineValue, row.unit)}`);
}

/**
 * open-child.ts bundled once per run into plain JavaScript: each cold open is
 * a new process, and compiling the host's TypeScript with tsx in every one of
 * them cost about a second of CPU per process (no part of the figures, but
 * most of the bench's wall time). Written under bench/results/ so its
 * packages resolve from this checkout's node_modules.
 */
const childScript = (async () => {
  const outfile = join(RESULTS, "open-child.mjs");
  const options = { bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "warning" } as const;
  await build({ ...options, entryPoints: [join(import.meta.dirname, "open-child.ts")], outfile });
  await build({ ...options, entryPoints: [join(import.meta.dirname, "raw-child.ts")], outfile: join(RESULTS, "raw-child.mjs") });
  // The host's signature workers look for their code next to the bundle that runs them.
  await build({
    ...options,
    entryPoints: [join(import.meta.dirname, "..", "host", "signatures", "signature-worker.ts")],
    outfile: join(RESULTS, "signature-worker.js"),
  });
  await build({
    ...options,
    entryPoints: [join(import.meta.dirname, "..", "host", "history", "history-scan-worker.ts")],
    outfile: join(RESULTS, "history-scan-worker.js"),
  });
  return outfile;
})();

async function child(mode: string, dir: string, f: Fixture): Promise<Record<string, number | boolean>> {
  const script = await childScript;
  const { stdout } = await run(process.execPath, [mode === "raw" ? join(RESULTS, "raw-child.mjs") : script, mode, dir, f.communeId, JSON.stringify(f.purse)], {
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, number | boolean>;
}

/**
 * Every document of the commune saved with A.save into <fixture>/raw/*.am
 * (for the raw baselines), and the entries as plain data; cached with the
 * fixture (entries.json is written last, so a half-written folder is rebuilt).
 */
async function rawDocs(f: Fixture): Promise<{ dir: string; entries: unknown[] }> {
  const dir = join(FIXTURES, fixtureName(f.spec), "raw");
  const cached = await readFile(join(dir, "entries.json"), "utf8").catch(() => undefined);
  if (cached !== undefined) return { dir, entries: JSON.parse(cached) as unknown[] };
  await removeDir(dir);
  await mkdir(dir, { recursive: true });
  const copy = await copyDataDir(f.template, join(scratch, `raw-${f.spec.entries}`));
  const host = await openHost(copy);
  await untilBalances(host, f.communeId, f.purse, 600_000);
  const docs = host.nodes.get(f.communeId)!.docs;
  const entries: unknown[] = [];
  let i = 0;
  for (const handle of docs.allHandles()) {
    const doc = handle.doc() as A.Doc<{ entries?: unknown[] }>;
    await writeFile(join(dir, `${i++}.am`), A.save(doc));
    for (const entry of doc.entries ?? []) entries.push(fromStored(entry));
  }
  await host.close();
  await writeFile(join(dir, "entries.json"), JSON.stringify(entries));
  return { dir, entries };
}

async function openFigures(f: Fixture, raw: string): Promise<void> {
  const n = f.spec.entries;
  const cold: Record<string, number | boolean>[] = [];
  const warm: Record<string, number | boolean>[] = [];
  const rawRuns: Record<string, number | boolean>[] = [];
  for (let r = 0; r < RUNS; r++) {
    progress(`N=${n}: open run ${r + 1}/${RUNS}`);
    const dir = await copyDataDir(f.template, join(scratch, `open-${n}-${r}`));
    cold.push(await child("host", dir, f));
    warm.push(await child("host", dir, f));
    rawRuns.push(await child("raw", raw, f));
    await removeDir(dir);
  }
  const pick = (list: Record<string, number | boolean>[], key: string) => stats(list.map((x) => Number(x[key])));
  const rawLoad = pick(rawRuns, "loadMs");
  add({
    n,
    figure: "open to balances (verdicts cached)",
    unit: "ms",
    commune: pick(warm, "completeMs"),
    baseline: "A.load + sum loop",
    baselineValue: rawLoad,
  });
  add({
    n,
    figure: "open to first view shown (warm)",
    unit: "ms",
    commune: pick(warm, "firstViewMs"),
    baseline: "A.load + sum loop",
    baselineValue: rawLoad,
    note: `first view provisional in ${warm.filter((x) => x.firstProvisional).length}/${warm.length} runs`,
  });
  add({
    n,
    figure: "open to balances (first open, verifies all)",
    unit: "ms",
    commune: pick(cold, "completeMs"),
    baseline: "A.load + sum loop",
    baselineValue: rawLoad,
  });
  add({ n, figure: "RSS after open (warm)", unit: "MB", commune: pick(warm, "rss"), baseline: "RSS after A.load", baselineValue: pick(rawRuns, "rss") });
  add({
    n,
    figure: "signature verifications, first open",
    unit: "count",
    commune: pick(cold, "verifications"),
    baseline: "signed records (entries, genesis, joins, invites)",
    baselineValue: String(n + 1 + 2 * (f.members.length - 1)),
  });
  add({
    n,
    figure: "signature verifications, second open",
    unit: "count",
    commune: pick(warm, "verifications"),
    baseline: "cached: want 0",
    baselineValue: "0",
  });
}

/** The same number of bare Ed25519 verifies, with OpenSSL (node:crypto) and noble. Large N is extrapolated from a sample. */
function verifyBaseline(n: number, entries: unknown[]): void {
  const messages = entries.map((value) => {
    const { sig, ...fields } = value as { sig: string; by: string };
    return { sig: Buffer.from(sig, "hex"), by: fields.by, message: Buffer.from(`commune/entry/v1\n${canonicalJson(fields)}`, "utf8") };
  });
  const keys = new Map<string, KeyObject>();
  const keyOf = (hex: string) => {
    let key = keys.get(hex);
    if (!key)
      keys.set(
        hex,
        (key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(hex, "hex")]), format: "der", type: "spki" })),
      );
    return key;
  };
  const opensslSample = messages.slice(0, Math.min(messages.length, 2_000));
  // noble is the slow baseline (about 1 ms a verify): --quick samples fewer, the full run more.
  const nobleSample = messages.slice(0, Math.min(messages.length, quick ? 100 : 300));
  const openssl: number[] = [];
  const noble: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    for (const m of opensslSample) if (!verify(null, m.message, keyOf(m.by), m.sig)) throw new Error("bad fixture signature");
    openssl.push(((performance.now() - t) / opensslSample.length) * n);
    t = performance.now();
    for (const m of nobleSample) if (!ed25519.verify(m.sig, m.message, Buffer.from(m.by, "hex"), { zip215: false })) throw new Error("bad fixture signature");
    noble.push(((performance.now() - t) / nobleSample.length) * n);
  }
  const from = (k: number) => (k < n ? ` (extrapolated from ${k})` : "");
  add({
    n,
    figure: "bare Ed25519 verify x N, node:crypto",
    unit: "ms",
    commune: stats(openssl),
    baseline: "noble x N" + from(nobleSample.length),
    baselineValue: stats(noble),
    note: from(opensslSample.length).trim(),
  });
}

function storageFigures(n: number, hostBytes: number, relayBytes: number | undefined, entries: unknown[], privateRelayBytes?: number): void {
  const json = Buffer.from(JSON.stringify(entries));
  const gz = gzipSync(json).length;
  const per = (bytes: number) => `${(bytes / n).toFixed(0)} B/entry`;
  add({
    n,
    figure: "bytes on disk per entry, host",
    unit: "B",
    commune: per(hostBytes),
    baseline: "JSON / gzipped JSON",
    baselineValue: `${per(json.length)} / ${per(gz)}`,
    note: `${(hostBytes / gz).toFixed(2)}x gzipped JSON`,
  });
  if (relayBytes !== undefined)
    add({
      n,
      figure: "bytes on disk per entry, relay",
      unit: "B",
      commune: per(relayBytes),
      baseline: "JSON / gzipped JSON",
      baselineValue: `${per(json.length)} / ${per(gz)}`,
      note: `${(relayBytes / gz).toFixed(2)}x gzipped JSON`,
    });
  if (privateRelayBytes !== undefined)
    add({
      n,
      figure: "bytes on disk per entry, relay (private)",
      unit: "B",
      commune: per(privateRelayBytes),
      baseline: "JSON / gzipped JSON",
      baselineValue: `${per(json.length)} / ${per(gz)}`,
      note: `${(privateRelayBytes / gz).toFixed(2)}x gzipped JSON`,
    });
}

/** Whether a list holds a matching item, looked for from the end: a new entry is almost always last, and a scan from the start would cost the bench O(N) per check. */
function holds<T>(list: readonly T[], match: (item: T) => boolean): boolean {
  for (let i = list.length - 1; i >= 0; i--) if (match(list[i]!)) return true;
  return false;
}

async function newEntryFigures(f: Fixture): Promise<void> {
  const n = f.spec.entries;
  const dir = await copyDataDir(f.template, join(scratch, `append-${n}`));
  const host = await openHost(dir);
  await untilBalances(host, f.communeId, f.purse, 600_000);
  const node = host.nodes.get(f.communeId)!;
  const balanced: number[] = [];
  const answered: number[] = [];
  for (let r = 0; r < RUNS + 2; r++) {
    progress(`N=${n}: new entry ${r + 1}/${RUNS + 2}`);
    // The balances are updated once the member's node tells its views and
    // the model it recomputes counts the entry: before the command's flush to
    // disk returns, which is when the command answers. The check reads the
    // balance, not the entry list, which a model copies only when it is read.
    const memo = `bench ${r}`;
    const current = node.model();
    if (!current.ok) throw new Error("no model to measure a new entry against");
    const balance = current.value.purse.purse.EUR ?? 0;
    let balancedAt = 0;
    const unsubscribe = node.subscribe(() => {
      if (balancedAt) return;
      const model = node.model();
      if (model.ok && model.value.purse.purse.EUR === balance + 100) balancedAt = performance.now();
    });
    const start = performance.now();
    const outcome = await host.run("purse.contribute", { commune: f.communeId, amount: "1.00", currency: "EUR", memo });
    const end = performance.now();
    unsubscribe();
    if (!outcome.ok) throw new Error(outcome.error.message);
    if (!balancedAt) throw new Error("the balances did not update before the command answered");
    balanced.push(balancedAt - start);
    answered.push(end - start);
  }
  // The floor: one entry pushed onto the largest shard with Automerge itself, saved incrementally and written to a file.
  const shards = [...node.docs.shards.values()].map((handle) => handle.doc() as A.Doc<{ entries: unknown[] }>);
  let doc = A.clone(shards.reduce((largest, shard) => (shard.entries.length > largest.entries.length ? shard : largest)));
  const sample = doc.entries[0];
  const raw: number[] = [];
  for (let r = 0; r < RUNS + 2; r++) {
    const start = performance.now();
    const heads = A.getHeads(doc);
    doc = A.change(doc, (d) => {
      d.entries.push(sample);
    });
    await writeFile(join(dir, `raw-append-${r}.bin`), A.saveSince(doc, heads));
    raw.push(performance.now() - start);
  }
  await host.close();
  await removeDir(dir);
  const floor = stats(raw);
  add({
    n,
    figure: "new entry: balances updated (signed, judged, model recomputed)",
    unit: "ms",
    commune: stats(balanced),
    baseline: "A.change + saveSince + write",
    baselineValue: floor,
  });
  add({
    n,
    figure: "new entry: command answered (and on disk)",
    unit: "ms",
    commune: stats(answered),
    baseline: "A.change + saveSince + write",
    baselineValue: floor,
  });
}

/**
 * The upload, A -> relay -> B and the newcomer's joins, for the commune as it
 * is (plaintext: automerge-repo's sync through the relay) or made private
 * (issue 13: sealed batches and snapshots through the private protocol), the
 * figures of each named so. Returns the bytes the relay stored.
 */
async function relayFigures(f: Fixture, entries: unknown[], privately = false): Promise<number> {
  const n = f.spec.entries;
  const kind = privately ? " (private)" : "";
  const relayDir = join(scratch, `relay-${n}${privately ? "-private" : ""}`);
  const relay = await startRelay({ port: 0, dataDir: relayDir });
  const hosts: Host[] = [];
  try {
    const aDir = await copyDataDir(f.template, join(scratch, `a-${n}${privately ? "-private" : ""}`));
    await becomeMember(aDir, f, 0, [relay.url], privately);
    const bDir = await copyDataDir(f.template, join(scratch, `b-${n}${privately ? "-private" : ""}`));
    await becomeMember(bDir, f, 1, [relay.url], privately);
    if (privately) await makePrivate([aDir, bDir], f);

    progress(`N=${n}: A uploads the commune to an empty relay${kind}`);
    const t = performance.now();
    const a = await openHost(aDir);
    hosts.push(a);
    const aNode = a.nodes.get(f.communeId)!;
    await until(
      () => {
        const status = aNode.syncStatus();
        return status.waiting === 0 && status.relays.every((relayStatus) => relayStatus.state === "connected");
      },
      900_000,
      "A to upload to the relay",
      20,
    );
    const upload = performance.now() - t;
    add({ n, figure: `first upload of the commune to an empty relay${kind}`, unit: "ms", commune: `${ms(upload)} (1 run)`, baseline: "-" });

    const b = await openHost(bDir);
    hosts.push(b);
    await untilBalances(b, f.communeId, f.purse, 600_000);
    const bNode = b.nodes.get(f.communeId)!;
    await until(() => bNode.syncStatus().relays.every((relayStatus) => relayStatus.state === "connected"), 60_000, "B to connect");

    // Baseline: a bare ws round trip of an entry-sized message on loopback.
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    wss.on("connection", (socket) => socket.on("message", (data) => socket.send(data)));
    await new Promise((resolve) => wss.once("listening", resolve));
    const port = (wss.address() as { port: number }).port;
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => socket.once("open", resolve));
    const payload = Buffer.from(JSON.stringify(entries[0]));
    const rtt: number[] = [];
    for (let i = 0; i < LATENCY_ENTRIES; i++) {
      const start = performance.now();
      await new Promise<void>((resolve) => {
        socket.once("message", () => resolve());
        socket.send(payload);
      });
      rtt.push(performance.now() - start);
    }
    socket.close();
    await new Promise((resolve) => wss.close(resolve));

    const count = LATENCY_ENTRIES;
    const store = join(relayDir, privately ? "private" : "communes");
    const storedBefore = await bytesUnder(store);
    const fromReturn: number[] = [];
    const fromStart: number[] = [];
    for (let i = 0; i < count; i++) {
      if (i % 10 === 0) progress(`N=${n}: A → relay → B${kind} ${i}/${count}`);
      let seenAt = 0;
      let wanted = "";
      const check = () => {
        if (seenAt || !wanted) return;
        const model = bNode.model();
        if (model.ok && holds(model.value.entries, (item) => item.entry.id === wanted)) seenAt = performance.now();
      };
      const unsubscribe = bNode.subscribe(check);
      const start = performance.now();
      const outcome = await a.run("purse.contribute", { commune: f.communeId, amount: "1.00", currency: "HOUR", memo: `latency ${i}` });
      const returned = performance.now();
      if (!outcome.ok) throw new Error(outcome.error.message);
      wanted = (outcome.value as { id: string }).id;
      check();
      await until(() => seenAt > 0, 60_000, "B to see A's entry", 1);
      unsubscribe();
      fromReturn.push(Math.max(0, seenAt - returned));
      fromStart.push(seenAt - start);
    }
    const s = stats(fromReturn);
    const e2e = stats(fromStart);
    // What the relay keeps for an entry written on its own, as members write them day to day (the fixture's entries arrived in bulk).
    const oneByOne = ((await bytesUnder(store)) - storedBefore) / count;
    const gzippedEntry = gzipSync(Buffer.from(JSON.stringify(entries))).length / entries.length;
    add({
      n,
      figure: `bytes the relay stores per entry written one at a time${kind}`,
      unit: "B",
      commune: `${oneByOne.toFixed(0)} B/entry (${count} entries)`,
      baseline: "gzipped JSON of an entry",
      baselineValue: `${gzippedEntry.toFixed(0)} B/entry`,
      note: `${(oneByOne / gzippedEntry).toFixed(2)}x gzipped JSON`,
    });
    add({
      n,
      figure: `A → relay → B${kind}, from A's return (${count} entries)`,
      unit: "ms",
      commune: `median ${ms(s.median)}, p95 ${ms(s.p95)} [${ms(s.min)}–${ms(s.max)}]`,
      baseline: "bare ws round trip",
      baselineValue: `median ${ms(stats(rtt).median)}, p95 ${ms(stats(rtt).p95)}`,
    });
    add({
      n,
      figure: `A → relay → B${kind}, from A's command start`,
      unit: "ms",
      commune: `median ${ms(e2e.median)}, p95 ${ms(e2e.p95)} [${ms(e2e.min)}–${ms(e2e.max)}]`,
      baseline: "bare ws round trip",
      baselineValue: `median ${ms(stats(rtt).median)}, p95 ${ms(stats(rtt).p95)}`,
    });
    await b.close();
    hosts.splice(hosts.indexOf(b), 1);

    // A fresh member joining through the relay, until their balances match A's.
    const target = (await shownPurse(a, f.communeId))!.purse;
    const shownAt: number[] = [];
    const joins: number[] = [];
    for (let r = 0; r < JOINS; r++) {
      progress(`N=${n}: fresh join${kind} ${r + 1}/${JOINS}`);
      const invite = await a.run("commune.invite", { commune: f.communeId, days: 1 });
      if (!invite.ok) throw new Error(invite.error.message);
      const cDir = await mkdtemp(join(scratch, "fresh-"));
      const c = await openHost(cDir);
      hosts.push(c);
      const start = performance.now();
      const joined = await c.run("commune.join", { invite: (invite.value as { invite: string }).invite, name: `Newcomer ${r}` });
      if (!joined.ok) throw new Error(`join: ${joined.error.message}`);
      // First the inviter's signed count (provisional), then the newcomer's own count of the full history.
      await until(
        async () => {
          const shown = await shownPurse(c, f.communeId);
          return shown !== undefined && samePurse(shown.purse, target);
        },
        600_000,
        "the newcomer's first balances",
        5,
      );
      shownAt.push(performance.now() - start);
      await untilBalances(c, f.communeId, target, 600_000);
      joins.push(performance.now() - start);
      await c.close();
      hosts.splice(hosts.indexOf(c), 1);
      await removeDir(cDir);
    }
    const saveLoad: number[] = [];
    const aHandles = aNode.docs.allHandles();
    for (let r = 0; r < JOINS; r++) {
      const start = performance.now();
      for (const handle of aHandles) A.load(A.save(handle.doc() as A.Doc<unknown>));
      saveLoad.push(performance.now() - start);
    }
    if (JOINS > 0) {
      add({
        n,
        figure: `fresh member joins${kind}: balances shown (inviter's signed count)`,
        unit: "ms",
        commune: stats(shownAt),
        baseline: "A.save + A.load of the same docs",
        baselineValue: stats(saveLoad),
      });
      add({
        n,
        figure: `fresh member joins${kind}: full history received and counted`,
        unit: "ms",
        commune: stats(joins),
        baseline: "A.save + A.load of the same docs",
        baselineValue: stats(saveLoad),
      });
    }
    await a.close();
    hosts.splice(hosts.indexOf(a), 1);
  } finally {
    for (const host of hosts) await host.close().catch(() => {});
    await relay.close();
  }
  return bytesUnder(join(relayDir, privately ? "private" : "communes"));
}

/**
 * How soon a `commune` command is done: `whoami` on an idle data folder (the
 * identity exists, no host runs), as a person starts it (bin/commune.js and
 * its bundle), against starting Node with nothing to do, alternately in the
 * same run. The first call makes the identity, and the bundle if stale.
 */
async function cliStartFigures(): Promise<void> {
  const bin = join(import.meta.dirname, "..", "bin", "commune.js");
  const dir = await mkdtemp(join(scratch, "whoami-"));
  await run(process.execPath, [bin, "--data", dir, "whoami"]);
  const timed = async (args: string[]) => {
    const start = performance.now();
    await run(process.execPath, args);
    return performance.now() - start;
  };
  const whoami: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < 2 * RUNS + 1; r++) {
    progress(`commune whoami ${r + 1}/${2 * RUNS + 1}`);
    bare.push(await timed(["-e", ""]));
    whoami.push(await timed([bin, "--data", dir, "whoami"]));
  }
  const cli = stats(whoami);
  const node = stats(bare);
  add({
    n: 0,
    figure: "commune whoami, idle data folder (wall time)",
    unit: "ms",
    commune: cli,
    baseline: 'node -e ""',
    baselineValue: node,
    note: `${(cli.median / node.median).toFixed(2)}x node's start (medians)`,
  });
}

/** The renderer figures drive the built app: build it first when this checkout has not. */
function ensureRendererBuilt(): void {
  if (existsSync(join(import.meta.dirname, "..", "dist", "renderer", "index.html"))) return;
  progress("building the renderer first (npx vite build)");
  const built = spawnSync("npx", ["vite", "build"], { cwd: join(import.meta.dirname, ".."), stdio: ["ignore", "ignore", "inherit"] });
  if (built.status !== 0) throw new Error("The renderer did not build (npx vite build); the renderer figures need it.");
}

async function main(): Promise<void> {
  await mkdir(FIXTURES, { recursive: true });
  if (ONLY === undefined) ensureRendererBuilt();
  progress(`commune bench: sizes ${SIZES.join(", ")}; ${RUNS} runs per figure; scratch ${scratch}`);
  await cliStartFigures();
  const builds: Record<number, unknown> = {};
  // Seconds, with no fixture: every run measures it.
  if (ONLY === undefined || ONLY === "inventory-search") for (const row of inventorySearchFigures(RUNS)) add(row);
  if (ONLY === undefined || ONLY === "one-at-a-time" || ONLY === "relay") rows.push(...(await oneAtATimeFigures({ scratch, entries: quick ? 500 : 2_000 })));
  for (const n of ONLY === "relay-load" || ONLY === "inventory-search" || ONLY === "one-at-a-time" ? [] : SIZES) {
    progress(`N=${n}: building or reusing the synthetic commune`);
    const start = performance.now();
    const f = await fixture({ entries: n, members: MEMBERS, seed: SEED }, FIXTURES);
    builds[n] = { reused: !f.built, signMs: f.signMs, writeMs: f.writeMs, wallMs: performance.now() - start, shards: f.shards };
    add({
      n,
      figure: "build synthetic commune (sign + write docs)",
      unit: "ms",
      commune: `${ms(f.signMs)} + ${ms(f.writeMs)}${f.built ? "" : " (cached; built earlier)"}`,
      baseline: "-",
    });
    if (ONLY === "new-entry") {
      await newEntryFigures(f);
      continue;
    }
    if (ONLY === "tampered-open") {
      for (const row of await tamperedOpenFigures(f, { runs: RUNS, scratch, child })) add(row);
      continue;
    }
    if (ONLY !== undefined && RELAY_ALONE.includes(ONLY)) {
      // The upload, A -> relay -> B and the newcomer's joins, without the opens, exports and renderer before them.
      const { entries } = await rawDocs(f);
      const relayBytes = await relayFigures(f, entries);
      const privateBytes = await relayFigures(f, entries, true);
      storageFigures(n, await bytesUnder(join(f.template, "communes", f.communeId, "repo")), relayBytes, entries, privateBytes);
      continue;
    }
    const raw = await rawDocs(f);
    await openFigures(f, raw.dir);
    for (const row of await tamperedOpenFigures(f, { runs: RUNS, scratch, child })) add(row);
    verifyBaseline(n, raw.entries);
    await newEntryFigures(f);
    // --quick keeps to two minutes by measuring export at its smallest size
    // and the renderer at its largest only; the full run measures both at every size.
    if (!quick || n === SIZES[0]) for (const row of await exportFormatFigures(f, { runs: RUNS, scratch })) add(row);
    if (!quick || n === SIZES[SIZES.length - 1]) {
      // Without a browser the other figures still mean something: say what is missing instead of stopping.
      if (existsSync(CHROMIUM)) for (const row of await rendererFigures(f, { runs: RUNS, scratch, restarts: !quick })) add(row);
      else
        rows.push({
          n,
          figure: "renderer figures",
          unit: "",
          commune: `not measured: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`,
          baseline: "-",
        });
    }
    const relayBytes = await relayFigures(f, raw.entries);
    const privateBytes = await relayFigures(f, raw.entries, true);
    storageFigures(n, await bytesUnder(join(f.template, "communes", f.communeId, "repo")), relayBytes, raw.entries, privateBytes);
  }
  // Minutes of load on its own: the full run measures it, --quick says so instead.
  if (ONLY === "relay-load") rows.push(...(await relayLoadFigures({ quick: false, runs: RUNS, scratch })));
  if (ONLY !== undefined) rows.push({ n: 0, figure: "every other figure", unit: "", commune: `not measured (--only ${ONLY})`, baseline: "-" });
  else if (quick) rows.push({ n: 0, figure: "relay under load (50 communes x 10 members)", unit: "", commune: "full run only (npm run bench)", baseline: "-" });
  else rows.push(...(await relayLoadFigures({ quick, runs: RUNS, scratch })));

  const table = printTable();
  const date = new Date().toISOString();
  const machine = {
    os: `${platform()} ${release()} ${arch()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
  };
  const file = join(RESULTS, `${date.replace(/[:.]/g, "-")}.json`);
  await writeFile(
    file,
    `${JSON.stringify({ date, node: process.version, machine, quick, runs: RUNS, members: MEMBERS, seed: SEED, builds, rows }, null, 2)}\n`,
  );
  process.stdout.write(table);
  progress(`wrote ${file}`);
}

function printTable(): string {
  const header = ["N", "figure", "Commune: median [min–max]", "baseline", "baseline value", "note"];
  const lines = rows.map((row) => [
    row.n ? row.n.toLocaleString("en") : "",
    row.figure,
    fmt(row.commune, row.unit),
    row.baseline,
    row.baselineValue === undefined ? "" : fmt(row.baselineValue, row.unit),
    row.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [format(header), format(widths.map((w) => "-".repeat(w))), ...lines.map(format)].join("\n") + "\n";
}

try {
  await main();
} finally {
  if (!process.env.BENCH_KEEP) await removeDir(scratch);
}
