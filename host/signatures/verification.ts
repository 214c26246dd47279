import { createHash } from "node:crypto";
import { appendFile, readFile, stat, truncate } from "node:fs/promises";
import { join } from "node:path";
import { boundedVerdictCache, type VerdictCache } from "../../shared/identity/crypto";

/**
 * Signature checking for a member's host: Node's OpenSSL Ed25519 (~10,000
 * verifications a second here against ~600 for pure JS), and verdicts kept on
 * disk so a commune reopened tomorrow does not verify its 100,000 entries again.
 */
/** The strict OpenSSL verifier, shared with the relay (relay/openssl-ed25519.ts). */
export { opensslVerifier as nodeVerifier } from "../../relay/openssl-ed25519";

const KEY_BYTES = 16;

/** Keys added to the set per turn of the event loop while the file is read in. */
const KEYS_PER_TURN = 20_000;

/**
 * Verdicts that passed, as 16-byte digests appended to one file per data
 * directory. Only "valid" is stored: a forged record is rare and cheap to
 * reject again, and storing it could let a flood of junk grow the file.
 *
 * The file is read in the background, a slice per turn of the event loop
 * (100,000 keys take ~80 ms): a host shows its saved views first. Until it
 * is in, a verdict not yet read is simply not known (the record is checked
 * again, with the same answer); `ready` says when everything is read, and
 * the first count of a purse waits for it.
 */
export type PersistentVerdictCache = VerdictCache & { flush(): Promise<void>; ready: Promise<void> };

export function persistentVerdictCache(dataDir: string): PersistentVerdictCache {
  const path = join(dataDir, "verified-signatures.bin");
  const known = new Set<string>();
  const ready = (async () => {
    try {
      const bytes = await readFile(path);
      // One hex string cut into keys: a tenth of the time of a Buffer and a hex encoding per key, at 100,000 keys.
      const hex = bytes.subarray(0, bytes.length - (bytes.length % KEY_BYTES)).toString("hex");
      for (let offset = 0, added = 0; offset < hex.length; offset += 2 * KEY_BYTES) {
        known.add(hex.slice(offset, offset + 2 * KEY_BYTES));
        if (++added % KEYS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch {
      // No file yet, or unreadable: start empty; verdicts are only a shortcut.
    }
  })();
  const recent = boundedVerdictCache();
  let pending: string[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const write = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const size = await stat(path).then(
      (file) => file.size,
      () => 0,
    );
    try {
      await appendFile(path, Buffer.from(batch.join(""), "hex"), { mode: 0o600 });
    } catch {
      pending = [...batch, ...pending];
      await truncate(path, size).catch(() => {});
    }
  };
  const cache = {
    ready,
    get: (key: string) => (known.has(key) ? true : recent.get(key)),
    set(key: string, valid: boolean) {
      if (valid && !known.has(key)) {
        known.add(key);
        pending.push(key);
      } else if (!valid) {
        recent.set(key, false);
      }
    },
    /**
     * Never throws: verdicts are only a shortcut, and a disk that refuses them
     * (full, read-only) must not fail the command that found them, a read
     * included. The batch waits for the next flush, and whatever part of it
     * the disk took is cut off again, so every key stays on its boundary.
     * Flushes run one after another (a flush not awaited may still be
     * writing), and each resolves once everything before it is written.
     */
    flush() {
      flushing = flushing.then(write);
      return flushing;
    },
  };
  return cache;
}

/**
 * Verdicts for whole document versions: "every signed record read from this
 * document at these heads had a valid signature". Heads name a document's
 * content exactly (they hash its changes), so a version found sound once is
 * sound on every later open, and its records need not be looked up one by
 * one. Kept in the host's persistent verdict cache, under a digest that no
 * record's verdict can share (a different preimage).
 */
export interface VerifiedVersions {
  has(version: string): boolean;
  add(version: string): void;
}

export const verifiedVersionsIn = (verdicts: VerdictCache): VerifiedVersions => ({
  has: (version) => verdicts.get(versionKey(version)) === true,
  add: (version) => verdicts.set(versionKey(version), true),
});

const versionKey = (version: string): string =>
  createHash("sha256").update(`commune/verified-version/v1\n${version}`).digest().subarray(0, KEY_BYTES).toString("hex");
