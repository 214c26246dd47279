import * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { everyRecordFrom, PLACES, wholeHistory, type EveryRecord, type PlacesName } from "../../shared/history/every-record";
import { scanHistory, type Sighting } from "../../shared/history/scan";
import { isWholeHistory } from "../../shared/history/whole-history";
import { failWith, ok, type Result } from "../../shared/result";
import { headsOf } from "../commune/heads";
import type { HistoryScans } from "./history-scans";

export interface HistoryItem {
  handle: DocHandle<unknown>;
  places: PlacesName;
}

interface Version {
  heads: string;
  whole: boolean;
  /** The worker's answer for this version, until everyRecordOf puts it together with the document. */
  scan?: Result<Sighting[]>;
  scanning?: Promise<void>;
  seen?: Result<EveryRecord>;
}

/**
 * One commune's documents as the signed-history rule reads them
 * (shared/history/every-record.ts), worked out once per version of each
 * document, with the expensive part off the main thread: `settle` has the
 * worker pool scan every document that is not its whole history (or read
 * its scan kept on disk from an earlier run), and `everyRecordOf` then
 * puts the sightings together with the current state, which is cheap.
 *
 * A version asked for before it was settled (a change that landed between
 * a caller's settle and its read) is scanned on the main thread, as before
 * the workers, and counted in `mainThreadScans`. A scan that failed in a
 * worker is a failure of that version (the reader says why), never a
 * main-thread scan: what killed or hung a worker would do the same here.
 *
 * What a kept scan can do: it lists sightings, which put records back into
 * a document; each record still passes its judge's signature check, so a
 * forged file cannot make a forged record count. It is read only for the
 * exact version it names (URL and heads), and a damaged one is ignored.
 */
export class HistoryReader {
  #scans: HistoryScans | undefined;
  #keptDir: string | undefined;
  readonly #versions = new Map<string, Version>();
  #mainThreadScans = 0;

  /** Has `scans` do the scans from now on, keeping each under `keptDir`; without it, every scan runs on the main thread. */
  useWorkers(scans: HistoryScans, keptDir: string): void {
    this.#scans = scans;
    this.#keptDir = keptDir;
  }

  /** Scans made on the main thread (no workers, or a version read before it was settled). */
  get mainThreadScans(): number {
    return this.#mainThreadScans;
  }

  /** Resolves when every item's current version can be read without a scan here. Never rejects. */
  async settle(items: readonly HistoryItem[]): Promise<void> {
    const scans = this.#scans;
    if (!scans) return;
    // A document that moved on while its scan waited is settled again at its new version; a few rounds, so a stream of changes cannot hold a caller forever.
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      const waiting: Promise<void>[] = [];
      for (const { handle, places } of items) {
        if (!handle.isReady()) continue;
        const version = this.#version(handle);
        if (version.whole || version.scan || version.seen) continue;
        version.scanning ??= this.#scan(scans, handle, places, version);
        waiting.push(version.scanning);
      }
      if (waiting.length === 0) return;
      await Promise.all(waiting);
    }
  }

  async #scan(scans: HistoryScans, handle: DocHandle<unknown>, places: PlacesName, version: Version): Promise<void> {
    const heads = [...headsOf(handle)];
    const doc = handle.doc();
    const result = await scans.scan({
      places,
      // Asked for only when no kept scan of this version exists: by then the document may have moved on, and this version is gone.
      saved: () => (handle.doc() === doc ? A.save(doc as A.Doc<unknown>) : undefined),
      ...(this.#keptDir ? { kept: { file: join(this.#keptDir, `${digest(handle.url)}.bin`), url: handle.url, heads } } : {}),
    });
    version.scanning = undefined;
    // A version that moved on before its bytes were asked for is simply not settled: the next settle scans the new one.
    // So is one the host stopped before it was scanned: nothing was learnt of it.
    if (!result.ok && (result.error.code === "history.moved" || result.error.code === "history.closed")) return;
    version.scan = result;
  }

  /** The document as the rule reads it at its current version; a failure when its history could not be scanned. */
  everyRecordOf(handle: DocHandle<unknown>, places: PlacesName): Result<EveryRecord> {
    const doc = handle.doc() as A.Doc<unknown>;
    const version = this.#version(handle);
    if (version.seen) return version.seen;
    let seen: Result<EveryRecord>;
    if (version.whole) seen = ok(wholeHistory(doc));
    else if (version.scan) seen = version.scan.ok ? ok(everyRecordFrom(doc, PLACES[places], version.scan.value)) : failWith(version.scan.error);
    else {
      this.#mainThreadScans++;
      seen = ok(everyRecordFrom(doc, PLACES[places], scanHistory(A.getAllChanges(doc), PLACES[places])));
    }
    // The sightings are not kept once put together: the restored document holds what counts.
    version.scan = undefined;
    version.seen = seen;
    return seen;
  }

  /** This document's current version, its whole-history check made once. */
  #version(handle: DocHandle<unknown>): Version {
    const heads = headsOf(handle).join(",");
    const known = this.#versions.get(handle.url);
    if (known?.heads === heads) return known;
    const version: Version = { heads, whole: isWholeHistory(handle.doc() as A.Doc<unknown>) };
    this.#versions.set(handle.url, version);
    return version;
  }
}

const SETTLE_ROUNDS = 3;

/** A kept scan's file name: the document URL's digest, so one file per document, replaced as the document moves on. */
const digest = (url: string) => createHash("sha256").update(url).digest("hex").slice(0, 32);
