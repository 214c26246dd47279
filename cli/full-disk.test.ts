import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "./run-cli";
import { Captured, cli, noRelays, ok, TempDirs } from "./testing/cli-harness";

/**
 * `commune contribute` while the disk holding the documents is full (their
 * storage refusing every write with ENOSPC, as host/full-disk.test.ts does).
 * The member reads what the host says, and what it says must come true:
 * through a running host the entry is kept and saved once there is room;
 * in a one-shot CLI the host ends with the command, and the CLI says so.
 */

const dirs = new TempDirs();
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  vi.restoreAllMocks();
  await dirs.cleanup();
});

function documentsDisk() {
  const disk = { full: false };
  const save = NodeFSStorageAdapter.prototype.save;
  vi.spyOn(NodeFSStorageAdapter.prototype, "save").mockImplementation(async function (this: NodeFSStorageAdapter, key, data) {
    if (disk.full) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    await save.call(this, key, data);
  });
  return disk;
}

/** `commune host` in this process, until the test ends. */
async function host(dir: string): Promise<void> {
  const controller = new AbortController();
  let up = () => {};
  const running = new Promise<void>((resolve) => (up = resolve));
  const exited = runCli(["--data", dir, "host"], {
    env: {},
    stdout: new Captured(),
    stderr: new Captured(),
    links: noRelays,
    signal: controller.signal,
    onHostRunning: up,
  });
  stops.push(() => {
    controller.abort();
    return exited;
  });
  await running;
}

const kept = (dir: string) =>
  `Made, but not yet saved on this computer: the disk holding ${dir} is full. Do not make this change again: it is already in the commune (it shows here, and syncs like any other change), and Commune saves it here by itself once the disk takes writes again, as long as Commune keeps running. Make room on that disk.`;

const rentRows = async (dir: string) => (await ok(dir, "ledger")).split("\n").filter((line) => line.includes('"rent March"'));

describe("an entry recorded with the CLI while the disk is full", () => {
  it("through a running host: exits 3 with the host's words, and the entry is there once after the disk has room, without being recorded again", async () => {
    const dir = await dirs.make();
    const disk = documentsDisk();
    await ok(dir, "name", "Ada");
    await ok(dir, "create", "Riverside");
    await host(dir);

    disk.full = true;
    const run = await cli(dir, ["contribute", "20", "EUR", "--memo", "rent March"]);
    expect(run).toEqual({ code: 3, stdout: "", stderr: `${kept(dir)}\n` });
    expect(await rentRows(dir)).toHaveLength(1);
    disk.full = false;

    // Read from disk by a one-shot CLI once the host has stopped (that it saves without stopping: host/full-disk.test.ts).
    await stops.pop()!();
    expect(await rentRows(dir)).toHaveLength(1);
  });

  it("in a one-shot CLI without a relay: says the command ends without keeping it and to look first, and looking finds it absent", async () => {
    const dir = await dirs.make();
    const disk = documentsDisk();
    await ok(dir, "name", "Ada");
    await ok(dir, "create", "Riverside");

    disk.full = true;
    const run = await cli(dir, ["contribute", "20", "EUR", "--memo", "rent March"]);
    expect(run).toEqual({
      code: 3,
      stdout: "",
      stderr:
        `${kept(dir)}\n` +
        "This command ends now and will not save the change later, and this commune has no relay. Once the disk takes writes, check whether it shows before making it again.\n",
    });
    // A process ends once nothing is left to run; here, in the tests' process, the library's own save timer
    // outlives the command, and is let fire (and fail) first, as it would before a real process ends.
    await new Promise((resolve) => setTimeout(resolve, 500));
    disk.full = false;

    expect(await rentRows(dir)).toHaveLength(0);
    await ok(dir, "contribute", "20", "EUR", "--memo", "rent March");
    expect(await rentRows(dir)).toHaveLength(1);
  });
});
