import type { RelayLinkFactory } from "../host/commune/relay-link";
import type { DaemonOptions, RunningDaemon } from "../host/daemon";
import { resolveDataDir } from "../host/store/data-dir";
import type { Globals } from "./parse";

/**
 * What the CLI runs with, so tests run it in-process (runCli), and its exit codes: 0 done; 1 the commune or its rules refused the command (the host's
 * message is printed verbatim) or a name did not resolve; 2 wrong usage:
 * unknown verbs and flags, and input the command cannot read (outside its
 * schema, or what the host answers as invalid-input: an amount its currency
 * cannot read); 3 the data directory is
 * unusable or the host unreachable; 130 interrupted.
 */
export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3, interrupted: 130 } as const;

export interface Output {
  write(text: string): unknown;
}

export interface CliDeps {
  env?: NodeJS.ProcessEnv;
  stdout: Output;
  stderr: Output;
  /** How the host reaches relays; the real relay links unless given (loaded with the host, only when a command opens it). */
  links?: RelayLinkFactory;
  /** Aborted on Ctrl-C: a one-shot command stops waiting and cleans up; `host` shuts down. */
  signal?: AbortSignal;
  now?: () => number;
  /** How long to wait for another one-shot command to release the data directory (default 5 s). */
  lockWaitMs?: number;
  /** How often to look again at a lock or at the sync status (default 100 ms). */
  pollMs?: number;
  startRelay?: DaemonOptions["startRelay"];
  /** Told when `commune host` is up (after its line is printed). */
  onHostRunning?(daemon: RunningDaemon): void;
}

export const dataDirOf = (globals: Globals, deps: CliDeps) => resolveDataDir(globals.data, deps.env ?? process.env);

/** The relay links a host opened by this process uses; importing the real ones loads automerge-repo. */
export const linksOf = async (deps: CliDeps): Promise<RelayLinkFactory> => deps.links ?? (await import("../host/sync/relay-links")).relayLinks;
