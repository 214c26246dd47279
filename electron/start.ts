/**
 * `npm start`: the desktop app when this machine has an Electron binary,
 * browser mode (`npm run serve`) when it does not.
 *
 * The binary is looked up the way the electron package does it, without ever
 * calling that package: requiring it downloads Electron when the binary is
 * missing. Before launching, the build runs when any output is missing or
 * older than the newest source file, so a fresh checkout and an edited one
 * both start what their sources say.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface FsProbe {
  existsSync(path: string): boolean;
  readFileSync(path: string, encoding: "utf8"): string;
}

export type ElectronBinary = { found: true; path: string } | { found: false; looked: string };

/**
 * ELECTRON_OVERRIDE_DIST_PATH joined with the name in
 * node_modules/electron/path.txt (or "electron"); else
 * node_modules/electron/dist/<path.txt>. Found only if the file exists.
 */
export function findElectron(root: string, env: NodeJS.ProcessEnv, fs: FsProbe): ElectronBinary {
  const packageDir = join(root, "node_modules", "electron");
  const pathFile = join(packageDir, "path.txt");
  const executable = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, "utf8").trim() : "";
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, executable || "electron");
    return fs.existsSync(path) ? { found: true, path } : { found: false, looked: path };
  }
  // Without path.txt the package never installed a binary; "electron" is where the Linux one would be.
  const path = join(packageDir, "dist", executable || "electron");
  if (!executable) return { found: false, looked: path };
  return fs.existsSync(path) ? { found: true, path } : { found: false, looked: path };
}

export const notInstalledLine = (looked: string) => `Electron is not installed on this machine (no binary at ${looked}): starting browser mode instead.\n`;

/** What the build writes; npm start rebuilds when any is missing. */
export const BUILD_OUTPUTS = [
  "dist/electron/main.js",
  "dist/electron/preload.cjs",
  "dist/electron/host-process.js",
  "dist/electron/signature-worker.js",
  "dist/electron/history-scan-worker.js",
  "dist/renderer/index.html",
];

/** What the build reads; npm start rebuilds when any is newer than the oldest output. */
export const BUILD_SOURCES = ["electron", "shared", "renderer", "relay", "scripts/build-electron.ts", "vite.config.ts", "package.json"];

/** Output times (undefined: missing) against the newest source time. */
export function isBuildStale(outputTimes: readonly (number | undefined)[], newestSource: number): boolean {
  return outputTimes.some((time) => time === undefined || time < newestSource);
}

function newestMtime(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

const outputTime = (path: string): number | undefined => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

export interface StartDeps {
  root: string;
  env: NodeJS.ProcessEnv;
  fs: FsProbe;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Builds when stale; the exit code of the build (0 when nothing had to be done). */
  buildIfStale(): number;
  runElectron(binary: string, args: string[]): Promise<number>;
  browserMode(argv: string[]): Promise<number>;
  /**
   * Fetches Electron's binary the way its package does on first use (its
   * install.js, from GitHub); true when it arrived. The electron package
   * downloads nothing at `npm ci`, so a first `npm start` on a machine with
   * internet access does it here, once.
   */
  downloadElectron(): Promise<boolean>;
}

export async function start(argv: string[], deps: StartDeps): Promise<number> {
  let electron = findElectron(deps.root, deps.env, deps.fs);
  // An override names a binary someone put there on purpose: never download over it.
  if (!electron.found && !deps.env.ELECTRON_OVERRIDE_DIST_PATH && deps.env.COMMUNE_NO_ELECTRON_DOWNLOAD === undefined) {
    deps.stderr.write("Fetching Electron's binary (first start only)...\n");
    if (await deps.downloadElectron()) electron = findElectron(deps.root, deps.env, deps.fs);
  }
  if (!electron.found) {
    deps.stdout.write(notInstalledLine(electron.looked));
    return deps.browserMode(argv);
  }
  const built = deps.buildIfStale();
  if (built !== 0) {
    deps.stderr.write(`The build failed (exit code ${built}); not starting Commune.\n`);
    return built;
  }
  return deps.runElectron(electron.path, [join(deps.root, "dist", "electron", "main.js"), ...argv]);
}

/** Runs the electron package's own installer, quietly: its output would only repeat why it failed. */
function downloadElectron(root: string): Promise<boolean> {
  return new Promise((resolveDone) => {
    const child = spawn(process.execPath, [join(root, "node_modules", "electron", "install.js")], { cwd: root, stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGTERM"), 10 * 60_000);
    child.on("error", () => resolveDone(false));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolveDone(code === 0);
    });
  });
}

function buildIfStale(root: string): number {
  const newest = Math.max(...BUILD_SOURCES.map((source) => newestMtime(join(root, source))));
  if (
    !isBuildStale(
      BUILD_OUTPUTS.map((output) => outputTime(join(root, output))),
      newest,
    )
  )
    return 0;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["run", "build"], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  return result.status ?? 1;
}

/** Runs Electron in the foreground: its exit code becomes ours, and Ctrl-C or a kill reaches it. */
function runElectron(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // With this set Electron would run as plain Node and never open a window.
  const { ELECTRON_RUN_AS_NODE: _asNode, ...childEnv } = env;
  const child = spawn(binary, args, { stdio: "inherit", env: childEnv });
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const handlers = signals.map((signal) => [signal, forward(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return new Promise((resolveExit) => {
    const done = (code: number) => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolveExit(code);
    };
    child.on("error", (error) => {
      process.stderr.write(`Could not start Electron (${binary}): ${error.message}\n`);
      done(1);
    });
    child.on("exit", (code, signal) => {
      if (signal) {
        // Die the way Electron died, so a caller sees the same signal.
        for (const [name, handler] of handlers) process.off(name, handler);
        process.kill(process.pid, signal);
      }
      done(code ?? 1);
    });
  });
}

function isEntry(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  process.exitCode = await start(process.argv.slice(2), {
    root,
    env: process.env,
    fs: { existsSync, readFileSync },
    stdout: process.stdout,
    stderr: process.stderr,
    buildIfStale: () => buildIfStale(root),
    runElectron: (binary, args) => runElectron(binary, args, process.env),
    browserMode: async (argv) => (await import("../serve/main")).main(argv),
    downloadElectron: () => downloadElectron(root),
  });
}
