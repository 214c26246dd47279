import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import type { Verifier } from "../../shared/identity/crypto";
import type { SignatureProblem } from "../../shared/identity/signed";
import type { SignedEntry } from "../../shared/purse/entry";
import { entrySignatureCheck, type SignatureCheck } from "../../shared/purse/entry-checks";
import { fromSignatureWorker, travelsIntact, type FromSignatureWorker, type ToSignatureWorker } from "./signature-worker-protocol";
import { defaultWorkerEntry, startSignatureWorker } from "./signature-worker-start";

/**
 * Purse-entry signatures checked on every core: worker threads (one per
 * spare core) and the main thread between its other work, each taking the
 * next chunk of entries. A first open of 100,000 entries is mostly Ed25519
 * verification; one thread did it all before.
 *
 * The answers are exactly what the pool's verifier answers, entry by entry:
 * workers run the same shared/ code with the same OpenSSL verifier, verdicts
 * already held are looked up before anything is verified, and every
 * verification made in a worker is counted and remembered by the verifier
 * on the main thread as if made there. A worker that fails hands its chunks back to the main thread, and
 * no worker is started again (until close()): a verdict is never guessed.
 *
 * Workers start with the first large batch, hold the process open only while
 * they have work, and stop after a while without any.
 */

/** Entries per message to a worker (~50 ms of verification). */
const CHUNK = 512;
/** Smaller batches are checked on the main thread: a worker's round trip (or its start) costs more than they do. */
const MIN_BATCH = 256;
/** Chunks a worker holds at once: it starts the next while the main thread answers for the last. */
const IN_FLIGHT = 2;
/** How long the main thread checks before letting the event loop run. */
const SLICE_MS = 8;
/** Workers stop after this long without work; the next large batch starts them again. */
const IDLE_MS = 10_000;

export interface SignatureWorkerOptions {
  /** Whose verdicts are looked up and recorded, and what the main thread checks with. */
  verifier: Verifier;
  /** Worker threads to run; 0 checks everything on the main thread. */
  workers?: number;
  chunk?: number;
  minBatch?: number;
  /** Whether the main thread takes chunks too while workers are busy (else only what no worker can take). */
  mainThreadHelps?: boolean;
  /** The worker's entry module. */
  entry?: URL;
  /** Told when a worker fails and its work moves to the main thread; by default a process warning, once. */
  onWorkerLost?: (error: Error) => void;
}

type Answer = SignatureProblem | undefined;

interface Job {
  answers: Answer[];
  chunksLeft: number;
  resolve(answers: Answer[]): void;
}

/** Entries of one job, and where each one's answer goes. */
interface Chunk {
  job: Job;
  entries: SignedEntry[];
  positions: number[];
}

/** A chunk a worker holds; `verifying` once its claims are in and the rest was asked for. */
interface Flight {
  chunk: Chunk;
  verifying?: { at: number[]; keys: string[]; copies: [from: number, to: number][] };
}

interface Slot {
  worker: Worker;
  flights: Map<number, Flight>;
}

const settle = (chunk: Chunk, index: number, answer: Answer) => {
  chunk.job.answers[chunk.positions[index]!] = answer;
};

export class SignatureWorkers {
  readonly #size: number;
  readonly #chunk: number;
  readonly #minBatch: number;
  readonly #mainThreadHelps: boolean;
  readonly #entry: URL;
  readonly #onWorkerLost: (error: Error) => void;
  readonly #verifier: Verifier;
  readonly #checkEntry: SignatureCheck;
  /** Chunks any thread may take. */
  #queue: Chunk[] = [];
  /** Chunks only the main thread takes: small batches, entries that would not travel intact, work left at close(). */
  #mainOnly: Chunk[] = [];
  #slots: Slot[] = [];
  /** A worker failed: the main thread checks everything until close(). */
  #lost = false;
  #nextBatch = 0;
  #onMainThread: { chunk: Chunk; next: number } | undefined;
  #mainThreadScheduled = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #verifiedInWorkers = 0;

  constructor(options: SignatureWorkerOptions) {
    this.#verifier = options.verifier;
    this.#checkEntry = entrySignatureCheck(options.verifier);
    this.#size = options.workers ?? Math.max(1, availableParallelism() - 1);
    this.#chunk = Math.max(1, options.chunk ?? CHUNK);
    this.#minBatch = options.minBatch ?? MIN_BATCH;
    this.#mainThreadHelps = options.mainThreadHelps ?? true;
    this.#entry = options.entry ?? defaultWorkerEntry;
    let warned = false;
    this.#onWorkerLost =
      options.onWorkerLost ??
      ((error) => {
        if (warned) return;
        warned = true;
        process.emitWarning(`A signature worker failed (${error.message}); signatures are checked on the main thread.`);
      });
  }

  /** Worker threads running now. */
  get running(): number {
    return this.#slots.length;
  }

  /** Verifications made in worker threads so far (each also counted by the verifier). */
  get verifiedInWorkers(): number {
    return this.#verifiedInWorkers;
  }

  /** What the verifier's entry check answers for each entry, in order. Never rejects. */
  check(entries: readonly SignedEntry[]): Promise<Answer[]> {
    if (entries.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const job: Job = { answers: new Array<Answer>(entries.length), chunksLeft: 0, resolve };
      const shared: number[] = [];
      const mainOnly: number[] = [];
      const toWorkers = this.#size > 0 && !this.#lost && entries.length >= this.#minBatch;
      entries.forEach((entry, position) => (toWorkers && travelsIntact(entry) ? shared : mainOnly).push(position));
      const chunked = (positions: number[], into: Chunk[]) => {
        for (let start = 0; start < positions.length; start += this.#chunk) {
          const slice = positions.slice(start, start + this.#chunk);
          into.push({ job, positions: slice, entries: slice.map((position) => entries[position]!) });
          job.chunksLeft++;
        }
      };
      chunked(shared, this.#queue);
      chunked(mainOnly, this.#mainOnly);
      this.#pump();
    });
  }

  /** Stops every worker now; what they held is finished on the main thread. A later check() starts workers again. */
  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const slots = this.#slots;
    this.#slots = [];
    this.#lost = false;
    for (const slot of slots) for (const flight of slot.flights.values()) this.#mainOnly.push(flight.chunk);
    this.#mainOnly.push(...this.#queue);
    this.#queue = [];
    this.#pump();
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #pump(): void {
    clearTimeout(this.#idleTimer);
    if (this.#queue.length > 0) this.#startWorkers();
    for (const slot of this.#slots) {
      while (slot.flights.size < IN_FLIGHT && this.#queue.length > 0) this.#send(slot, this.#queue.shift()!);
    }
    if (this.#mainOnly.length > 0 || (this.#queue.length > 0 && (this.#mainThreadHelps || this.#slots.length === 0))) this.#scheduleMainThread();
    else if (this.#onMainThread === undefined && this.#slots.every((slot) => slot.flights.size === 0)) this.#idleSoon();
  }

  #startWorkers(): void {
    if (this.#slots.length > 0 || this.#lost) return;
    for (let i = 0; i < this.#size; i++) {
      let worker: Worker;
      try {
        worker = startSignatureWorker(this.#entry);
      } catch (error) {
        this.#workerLost(error);
        return;
      }
      const slot: Slot = { worker, flights: new Map() };
      this.#slots.push(slot);
      worker.on("message", (raw: unknown) => this.#answered(slot, raw));
      worker.on("error", (error) => this.#fail(slot, error));
      worker.on("messageerror", (error) => this.#fail(slot, error));
      worker.on("exit", (code) => this.#fail(slot, new Error(`the worker exited with code ${code}`)));
      worker.unref();
    }
  }

  #send(slot: Slot, chunk: Chunk): void {
    const batch = this.#nextBatch++;
    slot.flights.set(batch, { chunk });
    slot.worker.ref();
    this.#post(slot, { type: "claims", batch, entries: chunk.entries as unknown as Record<string, unknown>[] });
  }

  #post(slot: Slot, message: ToSignatureWorker): void {
    try {
      slot.worker.postMessage(message);
    } catch (error) {
      this.#fail(slot, error);
    }
  }

  #answered(slot: Slot, raw: unknown): void {
    if (!this.#slots.includes(slot)) return;
    const parsed = fromSignatureWorker.safeParse(raw);
    if (!parsed.success) return this.#fail(slot, new Error(`the worker sent an unreadable message: ${parsed.error.message}`));
    const message = parsed.data;
    const flight = slot.flights.get(message.batch);
    if (!flight) return this.#fail(slot, new Error(`the worker answered for batch ${message.batch}, which it does not hold`));
    const problem = message.type === "claims" ? this.#claimed(slot, message.batch, flight, message) : this.#verified(flight, message);
    if (problem !== undefined) return this.#fail(slot, new Error(problem));
    if (message.type === "verdicts" || flight.verifying === undefined) this.#landed(slot, message.batch);
  }

  /** Settles what needs no verification and asks the worker to verify the rest. Says what was wrong with the answer, if anything. */
  #claimed(slot: Slot, batch: number, flight: Flight, message: Extract<FromSignatureWorker, { type: "claims" }>): string | undefined {
    const { chunk } = flight;
    if (message.claims.length !== chunk.entries.length) return `the worker answered ${message.claims.length} claims for ${chunk.entries.length} entries`;
    const at: number[] = [];
    const keys: string[] = [];
    const copies: [number, number][] = [];
    const first = new Map<string, number>();
    message.claims.forEach((claim, index) => {
      if (claim === "unsigned" || claim === "bad signature") return settle(chunk, index, claim);
      const known = this.#verifier.knownVerdict(claim);
      if (known !== undefined) return settle(chunk, index, known ? undefined : "bad signature");
      // The same entry twice in a batch is verified once, as on the main thread.
      const earlier = first.get(claim);
      if (earlier !== undefined) return void copies.push([earlier, index]);
      first.set(claim, index);
      at.push(index);
      keys.push(claim);
    });
    if (at.length === 0) return undefined;
    flight.verifying = { at, keys, copies };
    this.#post(slot, { type: "verify", batch, positions: at });
    return undefined;
  }

  #verified(flight: Flight, message: Extract<FromSignatureWorker, { type: "verdicts" }>): string | undefined {
    const asked = flight.verifying;
    if (!asked) return "the worker sent verdicts before it was asked";
    if (message.valid.length !== asked.at.length) return `the worker sent ${message.valid.length} verdicts for ${asked.at.length} entries`;
    const { chunk } = flight;
    message.valid.forEach((valid, i) => {
      this.#verifier.recordVerification(asked.keys[i]!, valid);
      settle(chunk, asked.at[i]!, valid ? undefined : "bad signature");
    });
    this.#verifiedInWorkers += message.valid.length;
    for (const [from, to] of asked.copies) settle(chunk, to, chunk.job.answers[chunk.positions[from]!]);
    return undefined;
  }

  #landed(slot: Slot, batch: number): void {
    const flight = slot.flights.get(batch)!;
    slot.flights.delete(batch);
    if (slot.flights.size === 0) slot.worker.unref();
    this.#finished(flight.chunk);
    this.#pump();
  }

  #finished(chunk: Chunk): void {
    chunk.job.chunksLeft--;
    if (chunk.job.chunksLeft === 0) chunk.job.resolve(chunk.job.answers);
  }

  /** A worker that errs, exits or answers wrongly is dropped; its chunks go to the main thread. */
  #fail(slot: Slot, error: unknown): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1) return;
    this.#slots.splice(index, 1);
    slot.worker.removeAllListeners("message");
    // A worker may still err while it stops; that is no news.
    slot.worker.on("error", () => {});
    void slot.worker.terminate();
    for (const flight of slot.flights.values()) this.#mainOnly.push(flight.chunk);
    slot.flights.clear();
    this.#workerLost(error);
    this.#pump();
  }

  #workerLost(error: unknown): void {
    this.#lost = true;
    // Whatever is queued no worker will take.
    this.#mainOnly.push(...this.#queue);
    this.#queue = [];
    this.#onWorkerLost(error instanceof Error ? error : new Error(String(error)));
  }

  #scheduleMainThread(): void {
    if (this.#mainThreadScheduled) return;
    this.#mainThreadScheduled = true;
    setImmediate(() => this.#mainThreadSlice());
  }

  #takeForMainThread(): Chunk | undefined {
    if (this.#mainOnly.length > 0) return this.#mainOnly.shift();
    if (this.#queue.length > 0 && (this.#mainThreadHelps || this.#slots.length === 0)) return this.#queue.shift();
    return undefined;
  }

  #mainThreadSlice(): void {
    this.#mainThreadScheduled = false;
    const started = performance.now();
    do {
      if (this.#onMainThread === undefined) {
        const chunk = this.#takeForMainThread();
        if (chunk === undefined) return this.#pump();
        this.#onMainThread = { chunk, next: 0 };
      }
      const current = this.#onMainThread;
      settle(current.chunk, current.next, this.#checkEntry(current.chunk.entries[current.next]!));
      current.next++;
      if (current.next === current.chunk.entries.length) {
        this.#onMainThread = undefined;
        this.#finished(current.chunk);
      }
    } while (performance.now() - started < SLICE_MS);
    this.#scheduleMainThread();
  }

  #idleSoon(): void {
    if (this.#slots.length === 0) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      const slots = this.#slots;
      this.#slots = [];
      for (const slot of slots) void slot.worker.terminate();
    }, IDLE_MS);
    this.#idleTimer.unref();
  }
}
