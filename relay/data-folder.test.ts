import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureDataFolder } from "./data-folder";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-data-folder-"));
  dirs.push(dir);
  return dir;
}

const linuxProc = process.platform === "linux" && existsSync("/proc/self");

describe("a data folder", () => {
  it("is created with its missing parents, private to the user", async () => {
    const folder = join(await tempDir(), "a", "b", "commune");
    expect(await ensureDataFolder(folder)).toEqual({ ok: true });
    expect((await stat(folder)).isDirectory()).toBe(true);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect(await ensureDataFolder(folder)).toEqual({ ok: true });
  });

  it("is refused when it is a file, or inside one", async () => {
    const file = join(await tempDir(), "notes.txt");
    await writeFile(file, "x");
    expect(await ensureDataFolder(file)).toEqual({ ok: false, reason: `${file} is not a folder` });
    expect(await ensureDataFolder(join(file, "commune"))).toEqual({ ok: false, reason: `${join(file, "commune")} is inside a file, not a folder` });
  });

  it.runIf(linuxProc)("is refused in /proc and /sys at once, where mkdir -p would spin for ever", async () => {
    expect(await ensureDataFolder("/proc/commune/data")).toEqual({
      ok: false,
      reason: "/proc/commune/data is on procfs (/proc), the kernel's view of the system, not a folder for files",
    });
    expect(await ensureDataFolder("/proc/self")).toMatchObject({ ok: false, reason: expect.stringContaining("procfs") });
    expect(await ensureDataFolder("/sys/commune")).toMatchObject({ ok: false, reason: expect.stringContaining("sysfs") });
  });

  it.runIf(process.platform !== "win32" && process.getuid?.() !== 0)("is refused when this user cannot write it", async () => {
    const folder = join(await tempDir(), "locked");
    expect(await ensureDataFolder(folder)).toEqual({ ok: true });
    await chmod(folder, 0o500);
    expect(await ensureDataFolder(folder)).toEqual({ ok: false, reason: `${folder} is not writable by this user` });
    await chmod(folder, 0o700);
  });
});
