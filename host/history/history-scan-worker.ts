/**
 * Entry of a history-scan worker thread (see ./history-scans). From source
 * it is loaded through tsx; scripts/build-electron.ts and build-cli.ts
 * bundle it to history-scan-worker.js, next to the host's own bundle.
 */
import { parentPort } from "node:worker_threads";
import { serveHistoryScans } from "./history-scan-service";

if (!parentPort) throw new Error("history-scan-worker runs only as a worker thread (see history-scans.ts)");
serveHistoryScans(parentPort);
