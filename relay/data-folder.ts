import { constants, type StatsFs } from "node:fs";
import { access, mkdir, stat, statfs } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/**
 * Makes sure a data folder (a member's `--data`, the relay's `--data`) is a
 * real folder this process can write, creating it and its missing parents
 * one at a time. Never `mkdir -p`: Node's recursive mkdir under /proc spins
 * for ever at full CPU (each level "does not exist" and "already exists" in
 * turn), inside libuv's thread pool, where not even process.exit can stop
 * it. Folders on the kernel's own filesystems (/proc, /sys) are refused
 * before anything is created there.
 *
 * In relay/ because both the relay and the host need it, and the host may
 * import the relay but not the other way round.
 */
export async function ensureDataFolder(path: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const folder = resolve(path);
  const missing: string[] = [];
  let existing = folder;
  // Bounded by the path's depth: dirname of the root is the root.
  for (;;) {
    const found = await stat(existing).catch((error: NodeJS.ErrnoException) => error);
    if (!(found instanceof Error)) {
      if (!found.isDirectory()) return { ok: false, reason: `${existing} is not a folder` };
      break;
    }
    if (found.code === "ENOTDIR") return { ok: false, reason: `${folder} is inside a file, not a folder` };
    if (found.code !== "ENOENT") return { ok: false, reason: `${existing} cannot be read (${found.code ?? found.message})` };
    const parent = dirname(existing);
    if (parent === existing) return { ok: false, reason: `no part of ${folder} exists` };
    missing.unshift(existing);
    existing = parent;
  }
  const system = await systemFilesystem(existing);
  if (system) return { ok: false, reason: `${folder} is on ${system}, the kernel's view of the system, not a folder for files` };
  for (const level of missing) {
    try {
      await mkdir(level, { mode: 0o700 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") return { ok: false, reason: `cannot create ${level} (${code ?? String(error)})` };
    }
  }
  const made = await stat(folder).catch(() => undefined);
  if (!made?.isDirectory()) return { ok: false, reason: `${folder} is not a folder` };
  try {
    await access(folder, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    return { ok: false, reason: `${folder} is not writable by this user` };
  }
  return { ok: true };
}

/** Linux's magic numbers for the filesystems that are views of the kernel, not storage (statfs(2)). */
const SYSTEM_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, "procfs (/proc)"],
  [0x62656572, "sysfs (/sys)"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0x27e0eb, "cgroupfs"],
  [0x63677270, "cgroup2fs"],
  [0x73636673, "securityfs"],
  [0x6165676c, "pstorefs"],
  [0xcafe4a11, "bpffs"],
]);

async function systemFilesystem(path: string): Promise<string | undefined> {
  if (process.platform !== "linux") return undefined;
  let info: StatsFs;
  try {
    info = await statfs(path);
  } catch {
    return undefined;
  }
  return SYSTEM_FILESYSTEMS.get(Number(info.type));
}
