import { problem, type Result } from "../../shared/result";
import type { Host } from "../../host/host";
import type { HostChannel } from "../../host/link/serve-link";
import type { FileGrants } from "../../host/link/file-grants";
import { toHostProcess, type FromHostProcess } from "./parent-messages";

/**
 * The host's utility process, apart from Electron: start the daemon (which
 * holds the data directory's lock, so the CLI can work beside the app), serve
 * every link the main process hands over, and stop cleanly when asked. Links
 * that arrive while the host is still opening wait for it. The file grants
 * main hands over for the dialogs' choices are held here, for every link.
 * host-process.ts wires this to process.parentPort.
 */
export interface ParentLink {
  onMessage(listener: (data: unknown, channels: HostChannel[]) => void): void;
  post(message: FromHostProcess): void;
}

export interface RunningHost {
  host: Host;
  stop(): Promise<void>;
}

export interface HostServiceDeps {
  start(): Promise<Result<RunningHost>>;
  /** Serves one page's link, resolving grants from `grants`. */
  serve(host: Host, channel: HostChannel, grants: FileGrants): () => void;
  grants: FileGrants;
  exit(code: number): void;
}

/** Runs until asked to stop (a "stop" message, or the returned stop()), then exits through deps.exit. */
export function runHostService(parent: ParentLink, deps: HostServiceDeps): { stop(): Promise<void> } {
  let running: RunningHost | undefined;
  let stopping = false;
  const waiting: HostChannel[] = [];
  const served = new Set<() => void>();

  const serve = (host: Host, channel: HostChannel) => {
    const stop = deps.serve(host, channel, deps.grants);
    served.add(stop);
    channel.onClose(() => served.delete(stop));
  };

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      for (const stopServing of served) stopServing();
      served.clear();
      // A host still opening is let finish, so its lock and documents are released properly.
      await started;
      await running?.stop().catch(() => {});
      deps.exit(0);
    })());

  const started: Promise<Result<RunningHost>> = deps.start().then(
    (result) => result,
    (error: unknown): Result<RunningHost> => ({ ok: false, error: problem("host.startFailed", error instanceof Error ? error.message : String(error)) }),
  );
  void started.then((result) => {
    if (!result.ok) {
      parent.post({ type: "failed", message: result.error.message.slice(0, 2000) });
      return;
    }
    running = result.value;
    parent.post({ type: "ready", dataDir: result.value.host.dataDir });
    if (stopping) return;
    for (const channel of waiting.splice(0)) serve(result.value.host, channel);
  });

  parent.onMessage((data, channels) => {
    const message = toHostProcess.safeParse(data);
    if (!message.success) return;
    if (message.data.type === "stop") {
      void stop();
      return;
    }
    if (message.data.type === "grant") {
      const { grant, operation, path } = message.data;
      parent.post({ type: "granted", grant, ok: deps.grants.add(grant, operation, path).ok });
      return;
    }
    const channel = channels[0];
    if (!channel || stopping) return;
    if (running) serve(running.host, channel);
    else waiting.push(channel);
  });

  return { stop };
}
