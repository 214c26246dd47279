/**
 * Test-only: a signature worker that fails the way real ones could, chosen
 * by the `fault` query of its URL (signature-workers.test.ts):
 * - exit-on-verify: answers claims like the real worker, then exits when asked to verify (dies mid-batch);
 * - wrong-count: answers fewer claims than it was given entries;
 * - throws: throws on the first message.
 */
import { parentPort } from "node:worker_threads";
import { serveSignatureChecks } from "../signature-worker-service";

const port = parentPort!;
const fault = new URL(import.meta.url).searchParams.get("fault");

if (fault === "exit-on-verify") {
  // Registered before the real service's listener, so it runs first.
  port.on("message", (message: { type?: unknown }) => {
    if (message.type === "verify") process.exit(3);
  });
  serveSignatureChecks(port);
} else if (fault === "wrong-count") {
  port.on("message", (message: { batch?: unknown }) => port.postMessage({ type: "claims", batch: message.batch, claims: [] }));
} else {
  port.on("message", () => {
    throw new Error("this worker breaks on its first message");
  });
}
