/**
 * `npm run serve -- [--port N] [--data DIR] [--open]`: browser mode. The
 * member's host (owning the data directory like `commune host`, so the CLI
 * talks to it) and the renderer served on 127.0.0.1, until Ctrl-C or
 * SIGTERM. electron/start.ts calls main() when no Electron binary exists.
 */
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { stopOnSignals } from "../host/process-stop";
import { parsePort } from "../shared/sync/port";
import type { RelayLinkFactory } from "../host/commune/relay-link";
import { startDaemon } from "../host/daemon";
import { resolveDataDir } from "../host/store/data-dir";
import { relayLinks } from "../host/sync/relay-links";
import { startBrowserServer } from "./server";

export interface ServeIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Aborting it stops browser mode; without one, SIGINT and SIGTERM do. */
  signal?: AbortSignal;
  links: RelayLinkFactory;
  /** The built renderer; defaults to $COMMUNE_RENDERER_DIR, else dist/renderer (built first when missing). */
  rendererDir?: string;
}

const EXIT = { ok: 0, usage: 2, unavailable: 3, interrupted: 130 } as const;
const repoRoot = fileURLToPath(new URL("../", import.meta.url));

const USAGE = `Usage: npm run serve -- [--port N] [--data DIR] [--open]

Runs your Commune host and serves the app to your browser on 127.0.0.1.
  --port N    the port to serve on (default: any free port)
  --data DIR  where your identity and communes live (default: $COMMUNE_DATA, else your app-data folder)
  --open      open the address in your browser
`;

type Options = { port: number; data: string | undefined; open: boolean } | { help: true } | { error: string };

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: "string" }, data: { type: "string" }, open: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { help: true };
  const port = values.port ?? "0";
  const parsed = parsePort(port);
  if (!parsed.ok) return { error: `--port ${JSON.stringify(port)}: ${parsed.error.message}` };
  if (values.data === "") return { error: "--data needs a folder" };
  return { port: parsed.value, data: values.data, open: values.open ?? false };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The renderer to serve, built with vite when this checkout has none yet. */
async function rendererReady(io: ServeIo): Promise<{ ok: true; dir: string } | { ok: false; message: string }> {
  const given = io.rendererDir ?? io.env.COMMUNE_RENDERER_DIR;
  if (given) {
    const dir = resolve(given);
    return (await exists(join(dir, "index.html"))) ? { ok: true, dir } : { ok: false, message: `There is no index.html in ${dir}.` };
  }
  const dir = join(repoRoot, "dist", "renderer");
  if (await exists(join(dir, "index.html"))) return { ok: true, dir };
  io.stderr.write("Building the renderer first (npx vite build)...\n");
  const output: string[] = [];
  const code = await new Promise<number | null>((done) => {
    const build = spawn("npx", ["vite", "build"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], shell: process.platform === "win32" });
    build.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    build.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    build.on("error", (error) => {
      output.push(error.message);
      done(null);
    });
    build.on("exit", (exitCode) => done(exitCode));
  });
  if (code === 0 && (await exists(join(dir, "index.html")))) return { ok: true, dir };
  return { ok: false, message: `The renderer could not be built:\n${output.join("").slice(-4_000)}` };
}

function openBrowser(url: string, io: ServeIo): void {
  const [command, args] =
    process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["rundll32", ["url.dll,FileProtocolHandler", url]] : ["xdg-open", [url]];
  const failed = () => io.stderr.write("Could not open a browser; open the address above yourself.\n");
  try {
    const child = spawn(command, args, { detached: true, stdio: "ignore" });
    child.on("error", failed);
    child.unref();
  } catch {
    failed();
  }
}

/** Until `signal` aborts, or SIGINT/SIGTERM arrive when there is none (relay/process-stop.ts: a second one ends the process at once). */
function untilStopped(signal: AbortSignal | undefined): { stopped: Promise<void>; dispose(): void } {
  if (signal) {
    return {
      stopped: new Promise((done) => (signal.aborted ? done() : signal.addEventListener("abort", () => done(), { once: true }))),
      dispose: () => {},
    };
  }
  let done!: () => void;
  const stopped = new Promise<void>((resolve) => (done = resolve));
  // A second signal, or a clean stop still not done after a few seconds, ends the process whatever it waits on.
  const dispose = stopOnSignals(() => done(), { onForce: () => process.stderr.write("Stopping without waiting.\n") });
  return { stopped, dispose };
}

export async function main(
  argv: string[],
  io: ServeIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, links: relayLinks },
): Promise<number> {
  const options = parseOptions(argv);
  if ("help" in options) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if ("error" in options) {
    io.stderr.write(`${options.error}\n\n${USAGE}`);
    return EXIT.usage;
  }
  // Listen for signals from the start: a Ctrl-C during the build or the opening still stops cleanly.
  const stop = untilStopped(io.signal);
  try {
    const renderer = await rendererReady(io);
    if (!renderer.ok) {
      io.stderr.write(`${renderer.message}\n`);
      return EXIT.unavailable;
    }
    const dataDir = resolveDataDir(options.data, io.env);
    const started = await startDaemon({ dataDir, links: io.links });
    if (!started.ok) {
      io.stderr.write(`${started.error.message}\n`);
      return EXIT.unavailable;
    }
    const daemon = started.value;
    try {
      let server;
      try {
        server = await startBrowserServer({ host: daemon.host, rendererDir: renderer.dir, port: options.port });
      } catch (error) {
        const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
        io.stderr.write(
          inUse
            ? `Port ${options.port} is already in use; choose another with --port, or 0 for any free one.\n`
            : `Could not serve the app: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        return EXIT.unavailable;
      }
      try {
        io.stdout.write(`Commune is running for your browser at ${server.url}\n`);
        io.stdout.write(
          `(data ${dataDir}, pid ${process.pid}). The address holds a secret token: whoever has it acts as you, so do not share it. Stop with Ctrl-C.\n`,
        );
        if (options.open) openBrowser(server.url, io);
        await stop.stopped;
      } finally {
        await server.close();
      }
    } finally {
      await daemon.stop();
    }
    io.stderr.write("Commune stopped.\n");
    return EXIT.ok;
  } finally {
    stop.dispose();
  }
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `npm run serve | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  let code: number;
  try {
    code = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`commune serve: something went wrong: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    code = 1;
  }
  process.exitCode = code;
  // Everything is closed by now; should a library keep a handle open, do not hang on it.
  setTimeout(() => process.exit(code), 2_000).unref();
}
