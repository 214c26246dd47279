/**
 * automerge-repo 2.5 starts a document's sync without awaiting it
 * (`void docSynchronizer.beginSync(...)` in CollectionSynchronizer) and,
 * inside, waits for the document to be ready with a 60 s timeout. A document
 * that takes longer to load (a 100,000-entry shard read from disk on a
 * loaded machine, found by `npm run bench` on 2026-12-06) rejects a promise
 * nobody holds, and Node ends the process: the member's host, with every
 * commune in it. That one rejection is the library's own give-up on a sync
 * it retries when the document is ready, so it is logged and the process
 * goes on; any other unhandled rejection keeps Node's behaviour.
 */
export function isAutomergeRepoTimeout(reason: unknown): boolean {
  return reason instanceof Error && reason.name === "TimeoutError" && reason.message.startsWith("withTimeout: timed out after");
}

let installed = false;

/** Installs the guard once per process; `log` says what was let pass. */
export function surviveAutomergeRepoTimeouts(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  if (installed) return;
  installed = true;
  process.on("unhandledRejection", (reason) => {
    if (isAutomergeRepoTimeout(reason)) {
      log(`automerge-repo gave up waiting for a document (${(reason as Error).message}); it syncs once the document is ready`);
      return;
    }
    // Node's default for everything else: this is a bug of ours, and the process must not go on as if it were not.
    throw reason;
  });
}
