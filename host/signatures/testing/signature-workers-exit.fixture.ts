/**
 * Test-only, run as its own process (signature-workers.test.ts): checks a
 * batch through a pool, closing it first when given --close, and prints
 * what still keeps the process alive.
 */
import { entry } from "../../../shared/testing/sample-docs";
import { cryptoOf } from "../../../shared/identity/crypto";
import { SignatureWorkers } from "../signature-workers";
import { nodeVerifier } from "../verification";

const pool = new SignatureWorkers({ verifier: cryptoOf({ verify: nodeVerifier() }), workers: 1, minBatch: 1, chunk: 16, mainThreadHelps: false });
const answers = await pool.check(Array.from({ length: 64 }, (_, i) => entry({ id: `exit-${i}`, amount: i + 1 })));
if (process.argv.includes("--close")) await pool.close();
setImmediate(() => {
  process.stdout.write(
    `${JSON.stringify({ valid: answers.filter((answer) => answer === undefined).length, inWorkers: pool.verifiedInWorkers, running: pool.running, holding: process.getActiveResourcesInfo() })}\n`,
  );
});
