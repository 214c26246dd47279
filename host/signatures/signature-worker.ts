/**
 * Entry of a signature worker thread (see ./signature-workers). From source
 * it is loaded through tsx; scripts/build-electron.ts bundles it to
 * dist/electron/signature-worker.js, next to the host's own bundle.
 */
import { parentPort } from "node:worker_threads";
import { serveSignatureChecks } from "./signature-worker-service";

if (!parentPort) throw new Error("signature-worker runs only as a worker thread (see signature-workers.ts)");
serveSignatureChecks(parentPort);
