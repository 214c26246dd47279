import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bo, entry } from "../../shared/testing/sample-docs";
import { cryptoOf, type Crypto } from "../../shared/identity/crypto";
import type { SignedEntry } from "../../shared/purse/entry";
import { entrySignatureCheck, type SignatureCheck } from "../../shared/purse/entry-checks";
import { SignatureWorkers, type SignatureWorkerOptions } from "./signature-workers";
import { nodeVerifier } from "./verification";

/** The host's verifier with verdicts of its own: each pool and each main-thread reference run starts from none. */
const nodeCrypto = (): Crypto => cryptoOf({ verify: nodeVerifier() });

type PoolOptions = Omit<SignatureWorkerOptions, "verifier">;

/** Small chunks, and nothing taken by the main thread while a worker can take it: the workers' answers are what is tested. */
const inWorkers: PoolOptions = { workers: 1, minBatch: 1, chunk: 8, mainThreadHelps: false };

let made = 0;
/** A fresh, validly signed entry: no verdict for it is held yet. */
const fresh = (fields: Partial<SignedEntry> = {}): SignedEntry => entry({ id: `entry-${made++}`, ...fields });

/** One entry of every kind a worker must answer as the main thread does. */
function hostileBatch(): { name: string; entry: SignedEntry }[] {
  const valid = fresh();
  const signature = fresh();
  const twice = fresh();
  return [
    { name: "valid", entry: valid },
    { name: "valid, signed by another member", entry: entry({ id: `entry-${made++}` }, bo) },
    { name: "tampered amount", entry: { ...fresh(), amount: 999_999 } },
    { name: "tampered memo", entry: { ...fresh(), memo: "Seeds for the autumn beds" } },
    { name: "wrong key", entry: { ...fresh(), by: bo.publicKey } },
    { name: "signature of another entry", entry: { ...fresh(), sig: signature.sig } },
    { name: "signature not hex", entry: { ...fresh(), sig: "zz".repeat(64) } },
    { name: "signature too short", entry: { ...fresh(), sig: fresh().sig.slice(0, 126) } },
    { name: "signature with S >= L", entry: { ...fresh(), sig: fresh().sig.slice(0, 64) + "ff".repeat(32) } },
    { name: "key not hex", entry: { ...fresh(), by: "not a key" } },
    { name: "unsigned", entry: { ...fresh(), sig: "" } },
    { name: "no signature field", entry: (({ sig: _sig, ...rest }) => rest as SignedEntry)(fresh()) },
    { name: "unencodable amount", entry: { ...fresh(), amount: 1.5 } },
    { name: "extra field the author signed", entry: withExtraField({ note: "extra" }) },
    { name: "extra field holding a date", entry: { ...fresh(), note: new Date(0) } as unknown as SignedEntry },
    { name: "extra field holding a class instance, signed as plain data", entry: withClassInstance() },
    { name: "own __proto__ field", entry: withOwnProto(fresh()) },
    { name: "the same valid entry twice (first)", entry: twice },
    { name: "the same valid entry twice (second)", entry: { ...twice } },
    { name: "a valid entry again, as another object", entry: { ...valid } },
  ];
}

/** A valid entry carrying a field Commune does not know (a newer version may add one). */
function withExtraField(extra: Record<string, unknown>): SignedEntry {
  return entry({ id: `entry-${made++}`, ...extra } as Partial<SignedEntry>);
}

/**
 * Signed over `note: {text}`, then holding an instance of a class with that
 * field: the main thread refuses to encode it, and a structured clone would
 * turn it back into the plain object that was signed.
 */
function withClassInstance(): SignedEntry {
  class Note {
    text = "hello";
  }
  const signed = withExtraField({ note: { text: "hello" } });
  return { ...signed, note: new Note() } as SignedEntry;
}

function withOwnProto(signed: SignedEntry): SignedEntry {
  const copy = { ...signed };
  Object.defineProperty(copy, "__proto__", { value: "hello", enumerable: true, configurable: true, writable: true });
  return copy;
}

/**
 * What the main thread answers, and how many verifications it makes, with a
 * verifier of its own (so nothing a pool remembered answers for it).
 */
function onMainThread(entries: readonly SignedEntry[]): { answers: ReturnType<SignatureCheck>[]; verifications: number } {
  const crypto = nodeCrypto();
  const check = entrySignatureCheck(crypto);
  const answers = entries.map((one) => check(one));
  return { answers, verifications: crypto.verifications() };
}

describe("signature workers", () => {
  const pools: SignatureWorkers[] = [];
  /** A pool with a fresh verifier, which counts and remembers what the pool verifies. */
  const pool = (options: PoolOptions) => {
    const verifier = nodeCrypto();
    const workers = new SignatureWorkers({ ...options, verifier });
    pools.push(workers);
    return { workers, verifier };
  };
  afterAll(async () => {
    for (const each of pools) await each.close();
  });

  it("answers every entry exactly as the main thread's check does", async () => {
    const cases = hostileBatch();
    const expected = onMainThread(cases.map((c) => c.entry));
    const { workers, verifier } = pool(inWorkers);
    const before = verifier.verifications();
    const answers = await workers.check(cases.map((c) => c.entry));
    const byName = (list: readonly unknown[]) => Object.fromEntries(cases.map((c, i) => [c.name, list[i]]));
    expect(byName(answers)).toEqual(byName(expected.answers));
    expect(answers[0]).toBeUndefined();
    expect(answers[2]).toBe("bad signature");
    expect(answers[10]).toBe("unsigned");
    // Counted as the main thread counts: once per entry really verified.
    expect(verifier.verifications() - before).toBe(expected.verifications);
    expect(workers.verifiedInWorkers).toBeGreaterThan(0);
  });

  it("counts each verification made in a worker once, and verifies nothing it already has a verdict for", async () => {
    const entries = Array.from({ length: 40 }, () => fresh());
    entries.push({ ...entries[0]! }, { ...fresh(), amount: 1 });
    const { workers, verifier } = pool(inWorkers);
    const before = verifier.verifications();
    const first = await workers.check(entries);
    expect(verifier.verifications() - before).toBe(41);
    expect(workers.verifiedInWorkers).toBe(41);
    expect(first.filter((answer) => answer === undefined)).toHaveLength(41);

    const again = await workers.check(entries.map((one) => ({ ...one })));
    expect(again).toEqual(first);
    expect(verifier.verifications() - before).toBe(41);
    expect(workers.verifiedInWorkers).toBe(41);
  });

  it("shares a large batch between the workers and the main thread, with the same answers", async () => {
    const entries = Array.from({ length: 600 }, (_, i) => (i % 50 === 7 ? { ...fresh(), amount: 1 } : fresh()));
    const { workers, verifier } = pool({ workers: 1, chunk: 32 });
    const expected = onMainThread(entries);
    const before = verifier.verifications();
    const answers = await workers.check(entries);
    expect(answers).toEqual(expected.answers);
    expect(answers.filter((answer) => answer === "bad signature")).toHaveLength(12);
    expect(verifier.verifications() - before).toBe(600);
  });

  it("checks a small batch on the main thread without starting a worker", async () => {
    const { workers } = pool({ workers: 1, minBatch: 256 });
    const entries = [fresh(), { ...fresh(), amount: 3 }];
    expect(await workers.check(entries)).toEqual([undefined, "bad signature"]);
    expect(workers.running).toBe(0);
    expect(workers.verifiedInWorkers).toBe(0);
  });

  describe("when a worker fails, the main thread answers in its place", () => {
    const faulty = (fault: string) => new URL(`./testing/faulty-signature-worker.fixture.ts?fault=${fault}`, import.meta.url);

    for (const [fault, how] of [
      ["exit-on-verify", "dies mid-batch"],
      ["wrong-count", "answers for the wrong number of entries"],
      ["throws", "throws"],
    ] as const) {
      it(`a worker that ${how}`, async () => {
        const lost: Error[] = [];
        const { workers, verifier } = pool({ ...inWorkers, entry: faulty(fault), onWorkerLost: (error) => lost.push(error) });
        const cases = hostileBatch();
        const expected = onMainThread(cases.map((c) => c.entry));
        const before = verifier.verifications();
        const answers = await workers.check(cases.map((c) => c.entry));
        expect(answers).toEqual(expected.answers);
        expect(lost).toHaveLength(1);
        expect(workers.running).toBe(0);
        expect(workers.verifiedInWorkers).toBe(0);
        // Counted once each, on the main thread: the worker's half-done batch counts nothing.
        expect(verifier.verifications() - before).toBe(expected.verifications);

        // No worker is started again: the next batch is checked on the main thread too.
        const next = [fresh(), { ...fresh(), amount: 2 }];
        expect(await workers.check(next)).toEqual([undefined, "bad signature"]);
        expect(lost).toHaveLength(1);
        expect(workers.running).toBe(0);
      });
    }

    it("a worker whose entry module is missing", async () => {
      const lost: Error[] = [];
      const { workers } = pool({ ...inWorkers, entry: new URL("./no-such-signature-worker.js", import.meta.url), onWorkerLost: (error) => lost.push(error) });
      const entries = [fresh(), { ...fresh(), by: bo.publicKey }, fresh()];
      expect(await workers.check(entries)).toEqual([undefined, "bad signature", undefined]);
      expect(lost).toHaveLength(1);
    });
  });

  it("close() stops the workers; a later batch starts them again", async () => {
    const { workers } = pool(inWorkers);
    await workers.check([fresh(), fresh()]);
    expect(workers.running).toBe(1);
    await workers.close();
    expect(workers.running).toBe(0);
    const answers = await workers.check([fresh(), { ...fresh(), by: bo.publicKey }]);
    expect(answers).toEqual([undefined, "bad signature"]);
    expect(workers.running).toBe(1);
  });

  for (const close of [false, true]) {
    it(`lets a process that checked signatures exit by itself${close ? " after close()" : ", with its workers idle"}`, () => {
      const script = fileURLToPath(new URL("./testing/signature-workers-exit.fixture.ts", import.meta.url));
      // The timeout only stops a process that hangs, which fails the test.
      const run = spawnSync(process.execPath, ["--import", "tsx", script, ...(close ? ["--close"] : [])], { encoding: "utf8", timeout: 50_000 });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as { valid: number; inWorkers: number; running: number; holding: string[] };
      // The child's stdout and stderr are pipes to this process; nothing else may be left.
      expect({ ...report, holding: report.holding.filter((resource) => resource !== "PipeWrap") }).toEqual({
        valid: 64,
        inWorkers: 64,
        running: close ? 0 : 1,
        holding: [],
      });
    });
  }
});
