/**
 * `npm run build`, second half (after `vite build` has written
 * dist/renderer): bundles the Electron processes with esbuild.
 *
 * - main (ESM, Node): dist/electron/main.js
 * - preload (CommonJS: a sandboxed preload can be neither ESM nor require
 *   anything but 'electron' and a few built-ins, so everything else is
 *   bundled in): dist/electron/preload.cjs
 * - the host's utility process (ESM, Node): dist/electron/host-process.js
 * - the host's signature worker thread (ESM, Node):
 *   dist/electron/signature-worker.js, next to host-process.js, where the
 *   host's signature-workers.ts looks for it (relative to its own bundle)
 * - the host's history-scan worker thread: dist/electron/history-scan-worker.js,
 *   beside it, where host/history/history-scans.ts looks for it
 *
 * Packages stay external for main and the host (they load from
 * node_modules at run time, as under tsx); package.json's version is
 * inlined where host/app-version.ts imports it.
 */
import { statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "electron");

const common: BuildOptions = {
  bundle: true,
  sourcemap: "linked",
  logLevel: "warning",
  absWorkingDir: root,
  legalComments: "none",
};

const node: BuildOptions = { ...common, platform: "node", format: "esm", target: "node22", packages: "external", external: ["electron"] };

export const ELECTRON_BUNDLES: { entry: string; out: string; options: BuildOptions }[] = [
  { entry: "electron/main/main.ts", out: "main.js", options: node },
  { entry: "electron/utility/host-process.ts", out: "host-process.js", options: node },
  { entry: "host/signatures/signature-worker.ts", out: "signature-worker.js", options: node },
  { entry: "host/history/history-scan-worker.ts", out: "history-scan-worker.js", options: node },
  {
    entry: "electron/preload/preload.ts",
    out: "preload.cjs",
    options: { ...common, platform: "browser", format: "cjs", target: "es2023", external: ["electron"] },
  },
];

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(2)} MB`);

export async function buildElectron(): Promise<void> {
  for (const { entry, out, options } of ELECTRON_BUNDLES) {
    const outfile = join(outDir, out);
    await build({ ...options, entryPoints: [join(root, entry)], outfile });
    process.stdout.write(`${relative(root, outfile)}  ${size(statSync(outfile).size)}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildElectron();
  } catch (error) {
    process.stderr.write(`build-electron: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
