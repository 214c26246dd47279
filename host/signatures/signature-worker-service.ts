import type { MessagePort } from "node:worker_threads";
import { cryptoOf } from "../../shared/identity/crypto";
import { signatureClaim } from "../../shared/identity/signed";
import { toSignatureWorker, type FromSignatureWorker } from "./signature-worker-protocol";
import { nodeVerifier } from "./verification";

interface Claimed {
  entries: Record<string, unknown>[];
  messages: (Uint8Array | undefined)[];
}

/**
 * A signature worker's side of the protocol (./signature-worker-protocol):
 * claims and verification with the same shared/ code and the same OpenSSL
 * verifier as the main thread, so both answer alike for every entry. A
 * message it cannot parse is a bug in the host: it throws, the worker dies,
 * and the pool checks that batch on the main thread.
 */
export function serveSignatureChecks(port: MessagePort): void {
  // Only verifyBytes is used here: the main thread keeps the verdicts and the count.
  const crypto = cryptoOf({ verify: nodeVerifier() });
  const batches = new Map<number, Claimed>();
  const answer = (message: FromSignatureWorker) => port.postMessage(message);
  port.on("message", (raw: unknown) => {
    const message = toSignatureWorker.parse(raw);
    if (message.type === "claims") {
      const messages: (Uint8Array | undefined)[] = [];
      const claims = message.entries.map((entry) => {
        const claim = signatureClaim("entry", entry);
        if (typeof claim === "string") {
          messages.push(undefined);
          return claim;
        }
        messages.push(claim.message);
        return claim.key;
      });
      batches.set(message.batch, { entries: message.entries, messages });
      answer({ type: "claims", batch: message.batch, claims });
      return;
    }
    const claimed = batches.get(message.batch);
    if (!claimed) throw new Error(`signature worker: batch ${message.batch} was never claimed`);
    batches.delete(message.batch);
    const valid = message.positions.map((position) => {
      const entry = claimed.entries[position];
      const signed = claimed.messages[position];
      if (entry === undefined || signed === undefined) throw new Error(`signature worker: batch ${message.batch} has nothing to verify at ${position}`);
      return crypto.verifyBytes(entry.sig, signed, entry.by);
    });
    answer({ type: "verdicts", batch: message.batch, valid });
  });
}
