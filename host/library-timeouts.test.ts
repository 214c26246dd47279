import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAutomergeRepoTimeout } from "./library-timeouts";

class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TimeoutError";
  }
}

describe("a host process and automerge-repo's stray sync timeouts", () => {
  it("knows automerge-repo's own timeout from any other rejection", () => {
    expect(isAutomergeRepoTimeout(new TimeoutError("withTimeout: timed out after 60000ms"))).toBe(true);
    expect(isAutomergeRepoTimeout(new TimeoutError("something else"))).toBe(false);
    expect(isAutomergeRepoTimeout(new Error("withTimeout: timed out after 60000ms"))).toBe(false);
    expect(isAutomergeRepoTimeout("withTimeout: timed out after 60000ms")).toBe(false);
  });

  const run = (rejection: string) =>
    spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const { surviveAutomergeRepoTimeouts } = await import(${JSON.stringify(join(import.meta.dirname, "library-timeouts.ts"))});
         surviveAutomergeRepoTimeouts();
         class TimeoutError extends Error { constructor(m) { super(m); this.name = "TimeoutError"; } }
         void Promise.reject(${rejection});
         setTimeout(() => process.stdout.write("still running"), 50);`,
      ],
      { encoding: "utf8", timeout: 30_000 },
    );

  it("keeps running, and says so, when automerge-repo gives up waiting for a document no one awaited", () => {
    const result = run(`new TimeoutError("withTimeout: timed out after 60000ms")`);
    expect(result.stdout).toBe("still running");
    expect(result.stderr).toMatch(/automerge-repo gave up waiting for a document/);
    expect(result.status).toBe(0);
  });

  it("still ends the process on any other unhandled rejection", () => {
    const result = run(`new Error("a bug of ours")`);
    expect(result.stdout).toBe("");
    expect(result.status).not.toBe(0);
  });
});
