import { cryptoOf, type Crypto } from "../../shared/identity/crypto";
import { SignatureWorkers, type SignatureWorkerOptions } from "./signature-workers";
import { nodePublicKeyOf, nodeSigner } from "./signing";
import { nodeVerifier, persistentVerdictCache, verifiedVersionsIn, type VerifiedVersions } from "./verification";

/**
 * A member's host builds its crypto once, at start, and hands it to every
 * part that signs or checks: OpenSSL signing and verification (same bytes
 * and verdicts as noble, many times faster), verdicts kept on disk in the
 * data directory, and a pool of worker threads for large batches of purse
 * entries. Two hosts in one process (tests, the bench) share nothing.
 */
export interface HostCrypto extends Crypto {
  /** Resolves once the verdicts saved on disk are read in: a first count of a purse waits for it. */
  readonly verdictsRead: Promise<void>;
  /** Whole document versions found sound before (see verification.ts). */
  readonly verifiedVersions: VerifiedVersions;
  /** Checks purse-entry signatures on every core, answering as this value's own check would. */
  readonly workers: SignatureWorkers;
  /** Writes the verdicts found since the last flush to disk. */
  flush(): Promise<void>;
  /** Stops the workers; what they held is finished on the main thread. */
  close(): Promise<void>;
}

export function openHostCrypto(dataDir: string, options: { workers?: Omit<SignatureWorkerOptions, "verifier"> } = {}): HostCrypto {
  const verdicts = persistentVerdictCache(dataDir);
  const crypto = cryptoOf({ sign: nodeSigner(), verify: nodeVerifier(), publicKeyOf: nodePublicKeyOf, verdicts });
  const workers = new SignatureWorkers({ ...options.workers, verifier: crypto });
  return {
    ...crypto,
    verdictsRead: verdicts.ready,
    verifiedVersions: verifiedVersionsIn(verdicts),
    workers,
    flush: () => verdicts.flush(),
    close: () => workers.close(),
  };
}
