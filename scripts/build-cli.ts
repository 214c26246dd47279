/**
 * The `commune` command as plain JavaScript: cli/main.ts bundled with
 * esbuild into dist/cli/commune.mjs, so a command starts without compiling
 * TypeScript (tsx took about 2 s per command). Run by `npm run build`, and
 * by bin/commune.js whenever a source file it was built from is newer than
 * the bundle.
 *
 * - Code splitting: the host (Automerge, automerge-repo and its WASM) and
 *   the daemon are loaded by dynamic import only when a command needs the
 *   documents, so help, whoami and commands sent to a running host start
 *   light. Chunks sit beside the entry, so code that finds a file relative
 *   to its own module (the signature worker) looks in dist/cli/.
 * - dist/cli/signature-worker.js and dist/cli/history-scan-worker.js: the
 *   host's worker threads, where host/signatures/signature-worker-start.ts
 *   and host/history/history-scans.ts look for them.
 * - dist/cli/inputs.json: every project file the bundles were made from
 *   (esbuild's metafile), this script included, and when the build
 *   started: bin/commune.js rebuilds when one of them changed since. Written
 *   last, so a half-finished build reads as stale.
 *
 * Packages other than zod stay external, as for the host's bundle: they
 * load from node_modules at run time.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";
import packageJson from "../package.json" with { type: "json" };

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CLI_DIR = join(root, "dist", "cli");
export const CLI_BUNDLE = join(CLI_DIR, "commune.mjs");
export const CLI_INPUTS = join(CLI_DIR, "inputs.json");

/**
 * Packages load from node_modules at run time, except zod/mini: the data
 * directory's own files (lock, identity) are read with it, and from
 * node_modules its many files would cost `commune whoami` about as much as
 * starting Node itself; bundled and tree-shaken, a few milliseconds. (Full
 * zod, for the commands, stays external: bundled, esbuild's splitting would
 * put all of it in the chunk whoami loads.)
 */
const PACKAGES_LOADED_AT_RUN_TIME = Object.keys(packageJson.dependencies)
  .filter((name) => name !== "zod")
  .flatMap((name) => [name, `${name}/*`]);

/** esbuild's `external` would take zod/mini along with zod: this keeps only "zod" itself external. */
const fullZodExternal: Plugin = {
  name: "full-zod-external",
  setup(build) {
    build.onResolve({ filter: /^zod$/ }, () => ({ path: "zod", external: true }));
  },
};

const node: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: PACKAGES_LOADED_AT_RUN_TIME,
  plugins: [fullZodExternal],
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  absWorkingDir: root,
  metafile: true,
  write: false,
};

/** Chunks of earlier builds no longer referenced: kept an hour, for a `commune host` still running from them. */
const STALE_CHUNK_MS = 60 * 60 * 1000;

/**
 * Builds the CLI bundle. Files are written whole (temporary name, then
 * rename), so a `commune` started by another process meanwhile reads the old
 * bundle or the new one, never half of one. `clean` empties dist/cli first.
 */
export async function buildCli(options: { clean?: boolean } = {}): Promise<void> {
  const startedAt = Date.now();
  if (options.clean) await rm(CLI_DIR, { recursive: true, force: true });
  await mkdir(CLI_DIR, { recursive: true });
  const [cli, worker, scanWorker] = await Promise.all([
    build({
      ...node,
      entryPoints: { commune: join(root, "cli", "main.ts") },
      outdir: CLI_DIR,
      splitting: true,
      outExtension: { ".js": ".mjs" },
      chunkNames: "[name]-[hash]",
    }),
    build({ ...node, entryPoints: [join(root, "host", "signatures", "signature-worker.ts")], outfile: join(CLI_DIR, "signature-worker.js") }),
    build({ ...node, entryPoints: [join(root, "host", "history", "history-scan-worker.ts")], outfile: join(CLI_DIR, "history-scan-worker.js") }),
  ]);
  if (!cli.outputFiles || !worker.outputFiles || !scanWorker.outputFiles) throw new Error("esbuild wrote the files itself; they are written here, whole");
  const files = [...cli.outputFiles, ...worker.outputFiles, ...scanWorker.outputFiles];
  // Chunks first, then the entries that import them.
  const workers = ["signature-worker.js", "signature-worker.js.map", "history-scan-worker.js", "history-scan-worker.js.map"].map((name) => join(CLI_DIR, name));
  const entries = new Set([CLI_BUNDLE, `${CLI_BUNDLE}.map`, ...workers]);
  for (const file of [...files.filter((f) => !entries.has(f.path)), ...files.filter((f) => entries.has(f.path))]) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
  }
  await pruneChunks(new Set(files.map((file) => file.path)));
  const inputs = [
    ...new Set([...inputsOf(cli.metafile), ...inputsOf(worker.metafile), ...inputsOf(scanWorker.metafile), relative(root, fileURLToPath(import.meta.url))]),
  ].sort();
  const temporary = `${CLI_INPUTS}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ startedAt, inputs }, null, 1)}\n`);
  await rename(temporary, CLI_INPUTS);
}

const inputsOf = (metafile: Metafile | undefined) => Object.keys(metafile?.inputs ?? {}).filter((input) => !input.includes("node_modules/"));

async function pruneChunks(current: Set<string>): Promise<void> {
  for (const name of await readdir(CLI_DIR)) {
    const path = join(CLI_DIR, name);
    if (current.has(path) || name === "inputs.json") continue;
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_CHUNK_MS) await rm(path, { force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildCli({ clean: true });
    process.stdout.write(`${relative(root, CLI_BUNDLE)}  built\n`);
  } catch (error) {
    process.stderr.write(`build-cli: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
