import * as A from "@automerge/automerge";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { everyRecord, everyRecordFrom, PLACES, type PlacesName } from "../../shared/history/every-record";
import { SIGHTINGS_PER_MESSAGE } from "./history-scan-protocol";
import { HistoryScans, type HistoryScanOptions } from "./history-scans";

const S = (text: string) => new A.ImmutableString(text);
const entry = (n: number, amount: number) => ({ id: S(`e${n}`), by: S("a".repeat(64)), amount, sig: S(`sig${n}-${amount}`) });
type Shard = { type: A.ImmutableString; entries: ReturnType<typeof entry>[] };

function shard(...amounts: number[]): A.Doc<Shard> {
  let doc = A.from<Shard>({ type: S("purse-shard"), entries: [] });
  amounts.forEach((amount, n) => (doc = A.change(doc, (d) => void d.entries.push(entry(n, amount)))));
  return doc;
}

/** Documents someone tampered with, as an attacker holding them would. */
function tampered(): { name: string; places: PlacesName; doc: A.Doc<unknown> }[] {
  const deleted = A.change(shard(1000, 30, 5), (d) => void d.entries.splice(0, 2));
  const overwritten = A.change(shard(1000, 30), (d) => void (d.entries[1]!.amount = 90_000));
  let proposals = A.from<Record<string, Record<string, unknown>>>({ proposals: {}, votes: {} });
  proposals = A.change(proposals, (d) => void (d.proposals!.p1 = { id: S("p1"), by: S("b".repeat(64)), amount: 100, sig: S("first") }));
  proposals = A.change(proposals, (d) => void (d.proposals!.p1 = { id: S("p1"), by: S("b".repeat(64)), amount: 900, sig: S("second") }));
  let commune = A.from<Record<string, Record<string, unknown>>>({ shards: {}, docs: {} });
  commune = A.change(commune, (d) => void (d.shards!["k/2026"] = S("automerge:full")));
  commune = A.change(commune, (d) => void (d.shards!["k/2026"] = S("automerge:empty")));
  return [
    { name: "entries deleted", places: "purse-shard", doc: deleted },
    { name: "an entry overwritten", places: "purse-shard", doc: overwritten },
    { name: "a proposal re-signed under its id", places: "proposals", doc: proposals },
    { name: "a shard index key re-pointed", places: "commune", doc: commune },
  ];
}

const pools: HistoryScans[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function pool(options: HistoryScanOptions = {}): HistoryScans {
  const made = new HistoryScans({ onWorkerLost: () => {}, ...options });
  pools.push(made);
  return made;
}

const faulty = (fault: string) => new URL(`./testing/faulty-scan-worker.fixture.ts?fault=${fault}`, import.meta.url);

async function keptDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-scans-"));
  dirs.push(dir);
  return dir;
}

describe("the full history scan in a worker thread", () => {
  it.each(tampered())("reads $name exactly as the main thread's everyRecord does", async ({ places, doc }) => {
    const scans = pool();
    const sightings = await scans.scan({ places, saved: () => A.save(doc) });
    expect(sightings.ok).toBe(true);
    if (!sightings.ok) return;
    expect(everyRecordFrom(doc, PLACES[places], sightings.value)).toEqual(everyRecord(doc, PLACES[places], () => A.getAllChanges(doc)));
    expect(scans.scanned).toBe(1);
  });

  it("reads a shard whose sightings take several messages, in order, exactly as the main thread does", async () => {
    const amounts = Array.from({ length: SIGHTINGS_PER_MESSAGE * 2 + 10 }, (_, n) => n + 1);
    const doc: A.Doc<unknown> = A.change(shard(...amounts), (d) => void d.entries.splice(5, 3));
    const dir = await keptDir();
    const kept = { file: join(dir, "shard.bin"), url: "automerge:shard", heads: A.getHeads(doc) };
    const expected = everyRecord(doc, PLACES["purse-shard"], () => A.getAllChanges(doc));
    for (const scans of [pool(), pool()]) {
      const sightings = await scans.scan({ places: "purse-shard", saved: () => A.save(doc), kept });
      expect(sightings.ok && everyRecordFrom(doc, PLACES["purse-shard"], sightings.value)).toEqual(expected);
    }
    expect(expected.tampered).toHaveLength(3);
  });

  it("keeps a version's scan on disk and answers it from there without scanning or asking for the document again", async () => {
    const dir = await keptDir();
    const doc = A.change(shard(1000, 30), (d) => void d.entries.splice(0, 1));
    const kept = { file: join(dir, "shard.bin"), url: "automerge:shard", heads: A.getHeads(doc) };
    const first = await pool().scan({ places: "purse-shard", saved: () => A.save(doc), kept });

    let asked = 0;
    const again = pool();
    const second = await again.scan({ places: "purse-shard", saved: () => (asked++, A.save(doc)), kept });
    expect(second).toEqual(first);
    expect({ scanned: again.scanned, fromKept: again.fromKept, asked }).toEqual({ scanned: 0, fromKept: 1, asked: 0 });
  });

  it("scans again when the kept file is of another version, or damaged", async () => {
    const dir = await keptDir();
    const doc = A.change(shard(1000, 30), (d) => void d.entries.splice(0, 1));
    const file = join(dir, "shard.bin");
    await pool().scan({ places: "purse-shard", saved: () => A.save(doc), kept: { file, url: "automerge:shard", heads: ["another-version"] } });
    const later = pool();
    const expected = await later.scan({ places: "purse-shard", saved: () => A.save(doc) });
    const otherVersion = await later.scan({ places: "purse-shard", saved: () => A.save(doc), kept: { file, url: "automerge:shard", heads: A.getHeads(doc) } });
    expect(otherVersion).toEqual(expected);
    expect(later.fromKept).toBe(0);

    for (const damage of [Buffer.from("not a scan at all"), Buffer.alloc(0), Buffer.from([0xff, 0x0f, 0x6f, 0x22, 0x06])]) {
      await writeFile(file, damage);
      const scans = pool();
      const read = await scans.scan({ places: "purse-shard", saved: () => A.save(doc), kept: { file, url: "automerge:shard", heads: A.getHeads(doc) } });
      expect(read).toEqual(expected);
      expect({ scanned: scans.scanned, fromKept: scans.fromKept }).toEqual({ scanned: 1, fromKept: 0 });
    }
    expect(await readdir(dir)).toEqual(["shard.bin"]);
  });

  it("answers a document that cannot be loaded with a problem, and goes on scanning", async () => {
    const scans = pool();
    expect(await scans.scan({ places: "purse-shard", saved: () => new Uint8Array([1, 2, 3]) })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: "history.unreadable" }),
    });
    const doc = A.change(shard(1), (d) => void d.entries.splice(0, 1));
    expect((await scans.scan({ places: "purse-shard", saved: () => A.save(doc) })).ok).toBe(true);
  });

  it.each(["exit", "throws", "garbage"])(
    "fails the job with a problem when the worker dies or answers nonsense (%s), and the next job gets a new worker",
    async (fault) => {
      const lost: Error[] = [];
      const scans = pool({ entry: faulty(fault), onWorkerLost: (error) => lost.push(error) });
      const doc = A.change(shard(1), (d) => void d.entries.splice(0, 1));
      const first = await scans.scan({ places: "purse-shard", saved: () => A.save(doc) });
      expect(first).toEqual({ ok: false, error: expect.objectContaining({ code: "history.scanFailed" }) });
      expect(lost).toHaveLength(1);
      const second = await scans.scan({ places: "purse-shard", saved: () => A.save(doc) });
      expect(second.ok).toBe(false);
      expect(lost).toHaveLength(2);
    },
  );

  it("stops a worker that never answers and fails its job, and stops a hung worker at close", async () => {
    const doc = A.change(shard(1), (d) => void d.entries.splice(0, 1));
    const timed = pool({ entry: faulty("hang"), timeoutMs: 50 });
    expect(await timed.scan({ places: "purse-shard", saved: () => A.save(doc) })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: "history.scanFailed", message: expect.stringContaining("longer than") }),
    });
    expect(timed.running).toBe(0);

    const hung = pool({ entry: faulty("hang") });
    const waiting = hung.scan({ places: "purse-shard", saved: () => A.save(doc) });
    await hung.close();
    expect(await waiting).toEqual({ ok: false, error: expect.objectContaining({ code: "history.closed" }) });
    expect(hung.running).toBe(0);
  });

  it("fails the job when the version is gone by the time its bytes are asked for", async () => {
    expect(await pool().scan({ places: "purse-shard", saved: () => undefined })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: "history.moved" }),
    });
  });
});
