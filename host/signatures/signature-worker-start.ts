import { Worker } from "node:worker_threads";

/**
 * Where a signature worker's code is, and how its thread starts, whether
 * the host runs from source (tsx, vitest) or from the bundle
 * scripts/build-electron.ts writes (dist/electron/, the worker's
 * signature-worker.js next to the host's host-process.js).
 */
const FROM_SOURCE = import.meta.url.endsWith(".ts");

export const defaultWorkerEntry = new URL(FROM_SOURCE ? "./signature-worker.ts" : "./signature-worker.js", import.meta.url);

export function startSignatureWorker(entry: URL): Worker {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry);
  // A worker gets no TypeScript loader from its parent, and Node 20 applies
  // one given by --import only after loading the entry: register tsx first.
  const tsx = import.meta.resolve("tsx/esm/api");
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true });
}
