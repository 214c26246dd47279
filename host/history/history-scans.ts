import type { Worker } from "node:worker_threads";
import type { PlacesName } from "../../shared/history/every-record";
import type { Sighting } from "../../shared/history/scan";
import { fail, ok, type Result } from "../../shared/result";
import { startSignatureWorker } from "../signatures/signature-worker-start";
import { fromScanWorker, type ToScanWorker } from "./history-scan-protocol";

/**
 * The full history scans (shared/history/scan.ts) of documents that are not
 * their whole history, run in worker threads so that the thread answering
 * the app, the CLI and the relays is not held while a tampered shard's
 * 20,000 changes are decoded and replayed (seconds; more at 100,000).
 *
 * Bounded: at most `workers` threads (one by default: the scan is one
 * document's replay, and the signature checks of a first open want the
 * other cores), each scanning one document at a time; jobs wait in order.
 * A worker that crashes, exits, answers what cannot be read or takes longer
 * than `timeoutMs` is stopped and its job fails with a Problem, never the
 * host: a scan is not run on the main thread instead, since the document
 * that killed or hung a worker would do the same there. The next job starts
 * a fresh worker. Workers hold the process open only while they have work,
 * stop after a while without any, and all stop at close().
 */

/** Where a history-scan worker's code is: the source from tsx and vitest, else the bundle beside the host's. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
export const defaultScanWorkerEntry = new URL(FROM_SOURCE ? "./history-scan-worker.ts" : "./history-scan-worker.js", import.meta.url);

/** A large purse's scan takes seconds to tens of seconds on a busy machine; far beyond that, the worker is taken to hang. */
const TIMEOUT_MS = 10 * 60_000;
const IDLE_MS = 10_000;

export interface HistoryScanOptions {
  workers?: number;
  timeoutMs?: number;
  /** The worker's entry module. */
  entry?: URL;
  /** Told when a worker fails; by default a process warning. */
  onWorkerLost?: (error: Error) => void;
}

export interface ScanRequest {
  places: PlacesName;
  /**
   * The document at the version to scan, as `A.save` writes it: asked for
   * only when no kept scan of this version is found. Undefined when that
   * version is gone (the document moved on): the job then fails with
   * "history.moved".
   */
  saved: () => Uint8Array | undefined;
  /** Where this version's scan is kept (a file in the commune's folder) and which version it is. */
  kept?: { file: string; url: string; heads: string[] };
}

interface Job {
  id: number;
  request: ScanRequest;
  resolve(result: Result<Sighting[]>): void;
  /** The parts received so far. */
  received: Sighting[];
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class HistoryScans {
  readonly #size: number;
  readonly #timeoutMs: number;
  readonly #entry: URL;
  readonly #onWorkerLost: (error: Error) => void;
  #queue: Job[] = [];
  #slots: Slot[] = [];
  #nextJob = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #scanned = 0;
  #fromKept = 0;

  constructor(options: HistoryScanOptions = {}) {
    this.#size = Math.max(1, options.workers ?? 1);
    this.#timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
    this.#entry = options.entry ?? defaultScanWorkerEntry;
    this.#onWorkerLost = options.onWorkerLost ?? ((error) => process.emitWarning(`A history-scan worker failed: ${error.message}`));
  }

  /** Documents scanned in workers so far (not counting versions answered from a kept scan). */
  get scanned(): number {
    return this.#scanned;
  }

  /** Versions answered from a kept scan without scanning. */
  get fromKept(): number {
    return this.#fromKept;
  }

  /** Worker threads running now. */
  get running(): number {
    return this.#slots.length;
  }

  /** The sightings of the document's whole history, or why they could not be had. Never rejects. */
  scan(request: ScanRequest): Promise<Result<Sighting[]>> {
    if (this.#closed) return Promise.resolve(fail("history.closed", "The host is stopping: the document's history was not read."));
    return new Promise((resolve) => {
      this.#queue.push({ id: this.#nextJob++, request, resolve, received: [] });
      this.#pump();
    });
  }

  /** Stops every worker now; jobs not finished fail with a Problem. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    const slots = this.#slots;
    this.#slots = [];
    const stopped = fail<Sighting[]>("history.closed", "The host is stopping: the document's history was not read.");
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.job?.resolve(stopped);
    }
    for (const job of this.#queue.splice(0)) job.resolve(stopped);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #pump(): void {
    clearTimeout(this.#idleTimer);
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((candidate) => candidate.job === undefined) ?? this.#startWorker();
      if (!slot) return;
      this.#start(slot, this.#queue.shift()!);
    }
    if (this.#slots.every((slot) => slot.job === undefined)) this.#idleSoon();
  }

  #startWorker(): Slot | undefined {
    if (this.#slots.length >= this.#size) return undefined;
    let worker: Worker;
    try {
      worker = startSignatureWorker(this.#entry);
    } catch (error) {
      // No thread to be had: every waiting job fails now rather than waiting for one.
      const problem = this.#lost(error);
      for (const job of this.#queue.splice(0)) job.resolve(problem);
      return undefined;
    }
    const slot: Slot = { worker, job: undefined, timer: undefined };
    this.#slots.push(slot);
    worker.on("message", (raw: unknown) => this.#answered(slot, raw));
    worker.on("error", (error) => this.#fail(slot, error));
    worker.on("messageerror", (error) => this.#fail(slot, error));
    worker.on("exit", (code) => this.#fail(slot, new Error(`the worker exited with code ${code}`)));
    worker.unref();
    return slot;
  }

  #start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => this.#fail(slot, new Error(`the scan took longer than ${duration(this.#timeoutMs)}`)), this.#timeoutMs);
    slot.timer.unref();
    const { places, kept } = job.request;
    this.#post(slot, { type: "scan", job: job.id, places, ...(kept ? { kept } : {}) });
  }

  #post(slot: Slot, message: ToScanWorker, transfer: ArrayBuffer[] = []): void {
    try {
      slot.worker.postMessage(message, transfer);
    } catch (error) {
      this.#fail(slot, error);
    }
  }

  #answered(slot: Slot, raw: unknown): void {
    if (!this.#slots.includes(slot)) return;
    const parsed = fromScanWorker.safeParse(raw);
    if (!parsed.success) return this.#fail(slot, new Error(`the worker sent an unreadable message: ${parsed.error.message}`));
    const message = parsed.data;
    const job = slot.job;
    if (!job || job.id !== message.job) return this.#fail(slot, new Error(`the worker answered for job ${message.job}, which it does not hold`));
    if (message.type === "need-document") {
      let saved: Uint8Array | undefined;
      try {
        saved = job.request.saved();
      } catch (error) {
        return this.#done(slot, fail("history.unreadable", `The document could not be saved for its history scan: ${messageOf(error)}`));
      }
      if (saved === undefined) {
        // The worker waits for this job's document; a fresh job starts it over.
        this.#post(slot, { type: "forget", job: job.id });
        return this.#done(slot, fail("history.moved", "The document changed before its history was scanned."));
      }
      // A copy the worker owns: the document's own bytes stay with it here.
      const copy = saved.slice();
      return this.#post(slot, { type: "document", job: job.id, saved: copy }, [copy.buffer as ArrayBuffer]);
    }
    if (message.type === "failed") return this.#done(slot, fail("history.unreadable", `The document's history could not be read: ${message.message}`));
    // A loop, not push(...): a part's length is the worker's to choose.
    for (const sighting of message.sightings) job.received.push(sighting);
    if (!message.last) return;
    if (message.kept) this.#fromKept++;
    else this.#scanned++;
    this.#done(slot, ok(job.received));
  }

  #done(slot: Slot, result: Result<Sighting[]>): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    const job = slot.job!;
    slot.job = undefined;
    slot.worker.unref();
    job.resolve(result);
    this.#pump();
  }

  /** A worker that errs, exits, hangs or answers wrongly is stopped; its job fails, and the next job gets a fresh worker. */
  #fail(slot: Slot, error: unknown): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1) return;
    this.#slots.splice(index, 1);
    clearTimeout(slot.timer);
    slot.worker.removeAllListeners("message");
    // A worker may still err while it stops; that is no news.
    slot.worker.on("error", () => {});
    void slot.worker.terminate();
    const problem = this.#lost(error);
    slot.job?.resolve(problem);
    slot.job = undefined;
    this.#pump();
  }

  #lost(error: unknown): Result<Sighting[]> {
    const reason = messageOf(error);
    this.#onWorkerLost(error instanceof Error ? error : new Error(reason));
    return fail("history.scanFailed", `The document's history could not be checked here (${reason}); its records are not counted until it can be.`);
  }

  #idleSoon(): void {
    if (this.#slots.length === 0) return;
    this.#idleTimer = setTimeout(() => {
      const slots = this.#slots.filter((slot) => slot.job === undefined);
      this.#slots = this.#slots.filter((slot) => slot.job !== undefined);
      for (const slot of slots) {
        slot.worker.removeAllListeners();
        void slot.worker.terminate();
      }
    }, IDLE_MS);
    this.#idleTimer.unref();
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const duration = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);
