import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

/**
 * A process that cannot finish stopping still ends on SIGINT or SIGTERM: by
 * the signal itself after the grace period, or at once on a second signal.
 * Real child processes; the test's own timeout is the only clock.
 */

const fixture = fileURLToPath(new URL("./testing/stuck-process.fixture.ts", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function start(mode: "event-loop" | "thread-pool", graceMs: number) {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, mode], {
    env: { ...process.env, GRACE_MS: String(graceMs) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  let out = "";
  const lines = (wanted: string) =>
    new Promise<void>((resolve) => {
      const check = () => (out.includes(`${wanted}\n`) ? resolve() : undefined);
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        check();
      });
      check();
    });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, ready: lines("ready"), ended, output: () => out };
}

describe("stopping on a signal", () => {
  it("ends by SIGTERM when the clean stop never finishes", { timeout: 60_000 }, async () => {
    const stuck = start("event-loop", 200);
    await stuck.ready;
    stuck.child.kill("SIGTERM");
    expect(await stuck.ended).toEqual({ code: null, signal: "SIGTERM" });
    expect(stuck.output()).toBe("ready\nstopping\nforced\n");
  });

  it("ends at once on a second Ctrl-C", { timeout: 60_000 }, async () => {
    // A grace period no test waits out: only the second signal can end it.
    const stuck = start("event-loop", 600_000);
    await stuck.ready;
    stuck.child.kill("SIGINT");
    await new Promise<void>((resolve) => stuck.child.stdout!.on("data", (chunk: Buffer) => (chunk.toString().includes("stopping") ? resolve() : undefined)));
    stuck.child.kill("SIGINT");
    expect(await stuck.ended).toEqual({ code: null, signal: "SIGINT" });
  });

  it.runIf(process.platform === "linux" && existsSync("/proc/self"))(
    "ends even with a thread of the pool wedged in mkdir -p under /proc, which process.exit would wait for",
    { timeout: 60_000 },
    async () => {
      const stuck = start("thread-pool", 200);
      await stuck.ready;
      stuck.child.kill("SIGINT");
      expect(await stuck.ended).toEqual({ code: null, signal: "SIGINT" });
    },
  );
});
