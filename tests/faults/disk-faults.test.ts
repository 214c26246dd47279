import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CommandOutcome, CommandName } from "../../shared/commands/commands";
import { startMemberProcess, stopAll, type MemberProcess } from "../integration/processes";
import { PeakMemory } from "./fault-report";
import { EUR, recordFault } from "./fault-harness";
import { scaled, timeLimit } from "./scale";

/**
 * A full disk and a read-only data folder under a member's host process.
 * Running as root, file modes stop no write, so the faults are real: the
 * data folder is a small tmpfs, filled up or remounted read-only. That
 * needs the right to mount (root with CAP_SYS_ADMIN); where the mount is
 * refused every test here is skipped, and the reason printed.
 */
const BEFORE = scaled(5, 50);
const DURING = scaled(3, 20);
const AFTER = scaled(5, 50);
const mnt = mkdtempSync(join(tmpdir(), "commune-disk-"));

function tryMount(): string | undefined {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", mnt], { stdio: "pipe" });
    return undefined;
  } catch (error) {
    return (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
  }
}
const mountRefused = tryMount();
// With every test skipped, vitest runs no afterAll: the empty folder goes now.
if (mountRefused) rmSync(mnt, { recursive: true, force: true });
if (mountRefused) console.warn(`disk-faults: SKIPPED, this machine refuses "mount -t tmpfs" (root with CAP_SYS_ADMIN needed): ${mountRefused}`);

/** Fills the tmpfs to its last byte, as a runaway log or a download would. */
function fill(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
}

const remount = (mode: "ro" | "rw") => execFileSync("mount", ["-o", `remount,${mode}`, mnt], { stdio: "pipe" });

const contribute = (member: MemberProcess, commune: string, memo: string): Promise<CommandOutcome<CommandName>> =>
  member.run("purse.contribute", { commune, amount: "1.00", currency: EUR.code, memo });

afterAll(async () => {
  await stopAll();
  if (!mountRefused) {
    // Writable again before unmounting, whatever state a failed test left it in.
    try {
      remount("rw");
    } catch {
      // already rw, or gone
    }
    execFileSync("umount", [mnt], { stdio: "pipe" });
  }
  rmSync(mnt, { recursive: true, force: true });
});

/** How many counted entries carry each memo, across the whole ledger. */
async function countedMemos(member: MemberProcess, commune: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let offset = 0; ; offset += 1_000) {
    const page = await member.must("purse.ledger", { commune, offset, limit: 1_000, newestFirst: false });
    for (const row of page.rows) if (row.status === "counted") counts.set(row.memo, (counts.get(row.memo) ?? 0) + 1);
    if (page.rows.length < 1_000) return counts;
  }
}

/** Waits longer than the host takes to try a refused save again (SAVE_RETRY_MS in host/commune/commune-docs.ts, 2 s). */
const retried = () => new Promise((resolve) => setTimeout(resolve, 5_000));

/**
 * One fault on a member's data folder, as the member lives it: entries
 * before it are recorded; entries during it are answered "made, but not
 * yet saved ... do not make this change again" (`expected`, the code
 * `code`), and they show at once; reads keep working; the member makes
 * room and does nothing else, and the host is then killed with SIGKILL;
 * after a restart every entry during the fault is there, once; entries
 * after it are recorded; and a last restart finds every entry exactly
 * once, counted, with nothing refusing to load.
 */
async function survives(name: string, inject: () => void, heal: () => void, code: string, expected: RegExp) {
  const started = Date.now();
  const peaks = new PeakMemory();
  const dataDir = join(mnt, name);
  mkdirSync(dataDir);
  let ada = await startMemberProcess(dataDir);
  let crashes = 0;
  const alive = () => {
    if (ada.child.exitCode !== null) crashes++;
    peaks.sample("host", ada.child.pid);
  };
  await ada.must("identity.rename", { name: "Ada" });
  const { commune } = await ada.must("commune.create", { name: "Riverside", currencies: [EUR] });
  const made: string[] = [];
  for (let i = 0; i < BEFORE; i++) {
    await ada.must("purse.contribute", { commune, amount: "1.00", currency: EUR.code, memo: `before ${i}` });
    made.push(`before ${i}`);
  }

  inject();
  const told: string[] = [];
  for (let i = 0; i < DURING; i++) {
    const outcome = await contribute(ada, commune, `during ${i}`);
    expect(outcome.ok, `a write on a ${name} folder`).toBe(false);
    if (outcome.ok) continue;
    expect(outcome.error).toMatchObject({ kind: "unavailable", code, params: { kept: true } });
    told.push(outcome.error.message);
    made.push(`during ${i}`);
  }
  for (const message of told) expect(message).toMatch(expected);
  // What they were told: it shows, once, while the disk still refuses. Reads do not need the disk.
  const during = await countedMemos(ada, commune);
  for (let i = 0; i < DURING; i++) expect(during.get(`during ${i}`), `during ${i} while the fault lasts`).toBe(1);
  expect(ada.child.exitCode).toBeNull();
  alive();

  // The member makes room and does nothing else; then the process dies without closing anything.
  heal();
  await retried();
  alive();
  await ada.kill();

  ada = await startMemberProcess(dataDir);
  const healed = await countedMemos(ada, commune);
  for (let i = 0; i < DURING; i++) expect(healed.get(`during ${i}`), `during ${i} after room was made and the host was killed`).toBe(1);
  for (let i = 0; i < AFTER; i++) {
    await ada.must("purse.contribute", { commune, amount: "1.00", currency: EUR.code, memo: `after ${i}` });
    made.push(`after ${i}`);
  }
  alive();
  await ada.stop();

  // What is on disk, read by a fresh process.
  ada = await startMemberProcess(dataDir);
  const counts = await countedMemos(ada, commune);
  const show = await ada.must("commune.show", { commune });
  const status = await ada.must("sync.status", { commune });
  expect(show.readOnly).toBeUndefined();
  expect(status.loadProblem).toBeUndefined();
  const lost = made.filter((memo) => !counts.has(memo)).length;
  const twice = made.filter((memo) => (counts.get(memo) ?? 0) > 1).length;
  alive();
  await ada.stop();
  console.log(
    `disk-faults (${name}): ${made.length} entries made, ${told.length} of them during the fault ("${told[0]}"), ${lost} lost, ${twice} twice, ${crashes} crashes, peaks ${JSON.stringify(peaks.peaks)}`,
  );
  recordFault(`disk: ${name}`, { faults: 1, written: made.length, lost, crashes, started, peaks });
  expect(lost).toBe(0);
  expect(twice).toBe(0);
  expect(crashes).toBe(0);
  expect([...counts.values()].reduce((sum, n) => sum + n, 0)).toBe(made.length);
}

describe("a member's data folder that cannot be written", () => {
  it.skipIf(mountRefused !== undefined)(
    "when the disk is full, entries are said to be kept and not to be made again, the host stays up, and each is on disk exactly once once there is room",
    async () => {
      const filler = join(mnt, "filler");
      await survives(
        "full",
        () => fill(filler),
        () => rmSync(filler),
        "host.diskFull",
        /^Made, but not yet saved on this computer: the disk holding .* is full\. Do not make this change again/,
      );
    },
    timeLimit(60_000, 300_000),
  );

  it.skipIf(mountRefused !== undefined)(
    "when the data folder turns read-only, entries are said to be kept and not to be made again, the host stays up, and each is on disk exactly once once it is writable",
    async () => {
      await survives(
        "read-only",
        () => remount("ro"),
        () => remount("rw"),
        "host.diskReadOnly",
        /^Made, but not yet saved on this computer: .* is on a read-only disk\. Do not make this change again/,
      );
    },
    timeLimit(60_000, 300_000),
  );
});
