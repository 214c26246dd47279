#!/usr/bin/env node
// The `commune` command (package.json "bin", and `npm run commune`): runs the
// bundle scripts/build-cli.ts writes to dist/cli/, so no TypeScript is
// compiled per command. When the bundle is missing, or a project file it was
// made from changed after it was built (dist/cli/inputs.json lists them, a
// few hundred stat calls), it is built first.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist", "cli");

/** "missing", "stale", or undefined when the bundle matches the sources. */
function bundleState() {
  let built;
  try {
    built = JSON.parse(readFileSync(join(dist, "inputs.json"), "utf8"));
    statSync(join(dist, "commune.mjs"));
  } catch {
    return "missing";
  }
  for (const input of built.inputs) {
    try {
      if (statSync(join(root, input)).mtimeMs > built.startedAt) return "stale";
    } catch {
      return "stale";
    }
  }
  return undefined;
}

const state = bundleState();
if (state !== undefined) {
  // A fresh checkout says why the first command is slow; a rebuild after an edit is quiet, as tsx was.
  if (state === "missing") process.stderr.write("commune: building the command first (dist/cli/); later runs start at once.\n");
  const { tsImport } = await import("tsx/esm/api");
  const { buildCli } = await tsImport("../scripts/build-cli.ts", import.meta.url);
  await buildCli();
}
await import(pathToFileURL(join(dist, "commune.mjs")).href);
