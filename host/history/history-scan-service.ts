import * as A from "@automerge/automerge";
import { readFile, stat } from "node:fs/promises";
import { deserialize, serialize } from "node:v8";
import type { MessagePort } from "node:worker_threads";
import { PLACES } from "../../shared/history/every-record";
import { scanHistory, type Sighting } from "../../shared/history/scan";
import { writeFileAtomic } from "../store/atomic-file";
import { keptScanFile, MAX_KEPT_SCAN_BYTES, SIGHTINGS_PER_MESSAGE, toScanWorker, type FromScanWorker, type ToScanWorker } from "./history-scan-protocol";

type ScanJob = Extract<ToScanWorker, { type: "scan" }>;

/**
 * A history-scan worker's side of the protocol (./history-scan-protocol):
 * the same shared/ scanner the main thread would run, over the same
 * changes. A kept scan is read only when it names this very version (the
 * document's URL and heads, which hash its changes) and parses; anything
 * else about it (missing, damaged, too large, another version) is a scan.
 * A document that cannot be loaded or scanned is answered as `failed`, in
 * words; a message it cannot parse is a bug in the host: it throws, the
 * worker dies, and the pool reports the job failed.
 */
export function serveHistoryScans(port: MessagePort): void {
  const waiting = new Map<number, ScanJob>();
  const answer = (message: FromScanWorker) => port.postMessage(message);
  const sendSightings = (job: number, sightings: Sighting[], kept: boolean) => {
    for (let start = 0; start === 0 || start < sightings.length; start += SIGHTINGS_PER_MESSAGE) {
      const part = sightings.slice(start, start + SIGHTINGS_PER_MESSAGE);
      answer({ type: "sightings", job, sightings: part, kept, last: start + SIGHTINGS_PER_MESSAGE >= sightings.length });
    }
  };
  port.on("message", (raw: unknown) => {
    const message = toScanWorker.parse(raw);
    if (message.type === "scan") {
      void keptSightings(message).then((kept) => {
        if (kept) return sendSightings(message.job, kept, true);
        waiting.set(message.job, message);
        answer({ type: "need-document", job: message.job });
      });
      return;
    }
    if (message.type === "forget") return void waiting.delete(message.job);
    const asked = waiting.get(message.job);
    if (!asked) throw new Error(`history-scan worker: job ${message.job} was never asked for`);
    waiting.delete(message.job);
    let sightings: Sighting[];
    try {
      const doc = A.load(message.saved);
      sightings = scanHistory(A.getAllChanges(doc), PLACES[asked.places]);
    } catch (error) {
      return answer({ type: "failed", job: message.job, message: error instanceof Error ? error.message : String(error) });
    }
    void keep(asked, sightings).finally(() => sendSightings(message.job, sightings, false));
  });
}

async function keptSightings(job: ScanJob): Promise<Sighting[] | undefined> {
  const kept = job.kept;
  if (!kept) return undefined;
  try {
    const { size } = await stat(kept.file);
    if (size > MAX_KEPT_SCAN_BYTES) return undefined;
    const parsed = keptScanFile.safeParse(deserialize(await readFile(kept.file)));
    if (!parsed.success) return undefined;
    const file = parsed.data;
    const same = file.url === kept.url && file.places === job.places && sameHeads(file.heads, kept.heads);
    return same ? file.sightings : undefined;
  } catch {
    // Missing or damaged: a kept scan is only a shortcut, and this version is scanned again.
    return undefined;
  }
}

async function keep(job: ScanJob, sightings: Sighting[]): Promise<void> {
  const kept = job.kept;
  if (!kept) return;
  try {
    const bytes = serialize({ format: "commune/history-scan/v2", url: kept.url, heads: kept.heads, places: job.places, sightings });
    if (bytes.length <= MAX_KEPT_SCAN_BYTES) await writeFileAtomic(kept.file, bytes, 0o600);
  } catch {
    // Not kept (a full disk, a value the serializer refuses): the next open scans again.
  }
}

const sameHeads = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");
