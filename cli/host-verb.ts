import type { Parsed } from "./parse";
import { dataDirOf, EXIT, linksOf, type CliDeps } from "./deps";
import { clean } from "./text";

/**
 * `commune host`: the member's host as a process of its own (daemon.ts),
 * with one line to say it runs, until Ctrl-C or SIGTERM stops it cleanly.
 */
export async function runHost(parsed: Extract<Parsed, { kind: "host" }>, deps: CliDeps): Promise<number> {
  const dataDir = dataDirOf(parsed.globals, deps);
  // Loaded here, not at the top: the daemon brings Automerge, which lighter verbs do without.
  const { startDaemon } = await import("../host/daemon");
  const started = await startDaemon({
    dataDir,
    links: await linksOf(deps),
    ...(parsed.relay ? { relay: parsed.relay } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.startRelay ? { startRelay: deps.startRelay } : {}),
  });
  if (!started.ok) {
    deps.stderr.write(`${started.error.message}\n`);
    return EXIT.unavailable;
  }
  const daemon = started.value;
  try {
    const me = daemon.host.identityView();
    const relay = daemon.relay?.url;
    if (parsed.globals.json) {
      deps.stdout.write(`${JSON.stringify({ running: true, pid: process.pid, dataDir, member: me.publicKey, relay: relay ?? null })}\n`);
    } else {
      const who = me.name ? clean(me.name) : "you";
      deps.stdout.write(`Commune host running for ${who} (data ${dataDir}, pid ${process.pid})${relay ? `; relay at ${relay}` : ""}. Stop it with Ctrl-C.\n`);
    }
    deps.onHostRunning?.(daemon);
    await untilAborted(deps.signal);
  } finally {
    await daemon.stop();
  }
  deps.stderr.write("Host stopped.\n");
  return EXIT.ok;
}

const untilAborted = (signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    if (!signal) return;
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
