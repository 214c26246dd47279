import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, expect, it } from "vitest";
import { startRelayProcess, stopAll, tempDir } from "./integration/processes";

/**
 * The README's two-member session, run as written: the second terminal's
 * block goes to bash unchanged except for the relay's port and the demo
 * folder, which are chosen at run time.
 */
const root = resolve(import.meta.dirname, "..");
const dirs: string[] = [];
afterAll(() => stopAll(dirs));

async function sessionBlock(): Promise<string> {
  const readme = await readFile(resolve(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## A two-member session"));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  expect(blocks[0]).toContain("npm run relay -- --port 3030 --data /tmp/commune-demo/relay");
  return blocks[1]!;
}

it("runs the README's two-member CLI session as written and ends with a purse of 40.00 EUR", async () => {
  const demo = await tempDir("readme");
  dirs.push(demo);
  const relay = await startRelayProcess(`${demo}/relay`);
  const script = (await sessionBlock()).replaceAll("/tmp/commune-demo", demo).replaceAll("127.0.0.1:3030", `127.0.0.1:${relay.port}`);
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const bash = spawn("bash", ["-euo", "pipefail", "-c", script], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    bash.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    bash.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    bash.on("exit", (exitCode) => done({ code: exitCode, stdout: out, stderr: err }));
  });
  expect({ code, stderr }).toMatchObject({ code: 0 });
  expect(stdout).toMatch(/EUR\s+Euro\s+40\.00/);
  // Issue 17: with two members at a 50% threshold, Ada's yes settles Bo's proposal.
  expect(stdout).toContain("Closed early: the outcome could no longer change");
  // Bo's comment, synced to Ada and back, under the proposal with Ada's reason beside her vote.
  expect(stdout).toMatch(/votes: Ada yes \([^)]+\): "the roof leaks"/);
  expect(stdout).toMatch(/[0-9a-f]{8} Bo \([^)]+\): "The roofers quoted 60 for the shed too"/);
  expect(stdout).toContain("Nothing waiting to be sent.");
}, 240_000);
