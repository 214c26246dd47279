import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diskRefusalOf, keptProblem, saveRefusalOf, unsavedProblem } from "./disk-refusal";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const errno = (code: string, path?: string) => Object.assign(new Error(`${code}: something, write`), { code, ...(path ? { path } : {}) });

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-disk-refusal-"));
  dirs.push(dir);
  return dir;
}

describe("a write the disk refused, in words", () => {
  it("names a full disk, a read-only one and a folder this user may not write, by the data directory", async () => {
    const dir = await dataDir();
    expect(await diskRefusalOf(errno("ENOSPC"), dir)).toEqual({ trouble: "full", why: `the disk holding ${dir} is full` });
    expect(await diskRefusalOf(errno("EDQUOT"), dir)).toEqual({ trouble: "full", why: `the disk holding ${dir} is full` });
    expect(await diskRefusalOf(errno("EROFS"), dir)).toEqual({ trouble: "readOnly", why: `${dir} is on a read-only disk` });
    expect(await diskRefusalOf(errno("EACCES"), dir)).toEqual({ trouble: "readOnly", why: `this user may not write to ${dir}` });
  });

  it("names the file instead when it is outside the data directory, as an export's may be on another disk", async () => {
    const dir = await dataDir();
    expect(await diskRefusalOf(errno("ENOSPC", "/mnt/usb/ledger.csv"), dir)).toEqual({ trouble: "full", why: "the disk holding /mnt/usb/ledger.csv is full" });
    expect(await diskRefusalOf(errno("ENOSPC", join(dir, "identity.json")), dir)).toEqual({ trouble: "full", why: `the disk holding ${dir} is full` });
  });

  it("leaves anything else to be said as a fault in the host, unless it was a document's save, which only the disk can have refused", async () => {
    const dir = await dataDir();
    expect(await diskRefusalOf(errno("ENOENT"), dir)).toBeUndefined();
    expect(await diskRefusalOf(errno("EADDRINUSE"), dir)).toBeUndefined();
    expect(await diskRefusalOf(new Error("a bug"), dir)).toBeUndefined();
    expect(await saveRefusalOf(errno("EIO"), dir)).toEqual({ trouble: "failed", why: "the disk refused it (EIO: something, write)" });
  });

  it("says a change held in memory must not be made again, and one whose outcome is unknown must be looked for first", () => {
    const refusal = { trouble: "full", why: "the disk holding /d is full" } as const;
    expect(keptProblem(refusal)).toMatchObject({ code: "host.diskFull", params: { kept: true } });
    expect(keptProblem(refusal).message).toMatch(/^Made, but not yet saved on this computer: the disk holding \/d is full\. Do not make this change again/);
    expect(unsavedProblem(refusal)).toMatchObject({ code: "host.diskFull", params: { kept: false } });
    expect(unsavedProblem(refusal).message).toBe(
      "Could not save: the disk holding /d is full. Make room on that disk, then check whether this change shows before making it again.",
    );
  });
});
