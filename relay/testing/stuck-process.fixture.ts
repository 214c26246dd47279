/**
 * Test-only: a process that never finishes stopping cleanly, for
 * process-stop.test.ts. With "thread-pool" it first wedges one of libuv's
 * threads in Node's mkdir -p under /proc (Linux), which process.exit would
 * wait for; with "event-loop" it only keeps a timer going.
 */
import { mkdir } from "node:fs/promises";
import { stopOnSignals } from "../process-stop";

const mode = process.argv[2];
stopOnSignals(
  () => {
    process.stdout.write("stopping\n");
    // A clean stop that never ends.
  },
  { graceMs: Number(process.env.GRACE_MS ?? "500"), onForce: () => process.stdout.write("forced\n") },
);
setInterval(() => {}, 1_000);
if (mode === "thread-pool") void mkdir("/proc/commune-stuck-test/data", { recursive: true }).catch(() => {});
process.stdout.write("ready\n");
