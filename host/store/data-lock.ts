import { open, readFile, rm } from "node:fs/promises";
import { resolve } from "node:path";
// zod's small build: `commune whoami` reads this file, and loading full zod would cost more than the rest of the command.
import { int, optional, positive, strictObject, string } from "zod/mini";
import { writeFileAtomic } from "./atomic-file";

/**
 * One process owns a data directory at a time. The lock file holds the
 * owner's pid and, when it is a running host, the address and token of its
 * control server, so a CLI can talk to it instead of opening the documents
 * twice. A lock whose process is gone (crashed, killed) is stale and taken over.
 */
export interface LockInfo {
  pid: number;
  /** Control server of a running host; absent for a one-shot CLI. */
  control?: { url: string; token: string };
}

const lockSchema = strictObject({
  pid: int().check(positive()),
  control: optional(strictObject({ url: string(), token: string() })),
});

export const lockPath = (dataDir: string) => resolve(dataDir, "host.lock");

/** Locks this process holds: a lock file naming our own pid is live only if we took it (else it is left from an earlier run with a recycled pid). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function readLock(dataDir: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath(dataDir), "utf8");
  } catch {
    return undefined;
  }
  try {
    const info = lockSchema.parse(JSON.parse(text));
    const ours = info.pid === process.pid;
    return (ours ? heldHere.has(lockPath(dataDir)) : isAlive(info.pid)) ? info : undefined;
  } catch {
    return undefined;
  }
}

export interface HeldLock {
  update(control: LockInfo["control"]): Promise<void>;
  release(): Promise<void>;
}

/** Takes the lock, or answers who holds it. */
export async function acquireLock(dataDir: string): Promise<{ held: HeldLock } | { heldBy: LockInfo }> {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const file = await open(path, "wx", 0o600);
      await file.writeFile(JSON.stringify({ pid: process.pid }));
      await file.close();
      heldHere.add(path);
      return { held: heldLock(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readLock(dataDir);
    if (holder) return { heldBy: holder };
    // Stale: its process is gone. Remove it and race for it again.
    await rm(path, { force: true });
  }
  throw new Error(`Could not take the lock ${path}; another Commune process keeps taking it.`);
}

function heldLock(path: string): HeldLock {
  return {
    async update(control) {
      await writeFileAtomic(path, JSON.stringify({ pid: process.pid, control }), 0o600);
    },
    async release() {
      heldHere.delete(path);
      try {
        const info = lockSchema.parse(JSON.parse(await readFile(path, "utf8")));
        if (info.pid === process.pid) await rm(path, { force: true });
      } catch {
        // Already gone or replaced: nothing of ours to release.
      }
    },
  };
}
