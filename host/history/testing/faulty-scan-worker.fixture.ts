/**
 * Test-only: a history-scan worker that fails the way real ones could,
 * chosen by the `fault` query of its URL (history-scans.test.ts):
 * - exit: asks for the document like the real worker, then exits when it arrives (dies mid-scan);
 * - hang: never answers (a scan that never ends);
 * - garbage: answers something the protocol does not know;
 * - throws: throws on the first message.
 */
import { parentPort } from "node:worker_threads";

const port = parentPort!;
const fault = new URL(import.meta.url).searchParams.get("fault");

port.on("message", (message: { type?: unknown; job?: unknown }) => {
  if (fault === "exit") {
    if (message.type === "scan") port.postMessage({ type: "need-document", job: message.job });
    else process.exit(3);
  } else if (fault === "hang") {
    // Holds the message and says nothing.
  } else if (fault === "garbage") {
    port.postMessage({ type: "sightings", job: message.job, sightings: "all of them" });
  } else {
    throw new Error("this worker breaks on its first message");
  }
});
