import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parsePort } from "../shared/sync/port";
import { INFLATION_LIMITS } from "../shared/sync/automerge-chunks";

export interface CliOptions {
  port: number;
  host: string;
  dataDir: string;
  /** The operator's quota per commune, when set on the command line (else DEFAULT_LIMITS). */
  quota?: { maxDocumentsPerCommune?: number; maxBytesPerCommune?: number; maxOperationsPerCommune?: number };
}

export type CliRequest = { kind: "run"; options: CliOptions } | { kind: "help" } | { kind: "error"; message: string };

export const USAGE = `Usage: npm run relay -- [--port 3030] [--host 127.0.0.1] [--data DIR] [--max-documents N] [--max-mb N] [--max-operations N]

Runs a Commune relay: it stores and forwards the documents of the communes
registered on it, for members who prove they hold the commune's secret.

  --port N     TCP port to listen on, 1024-65535 (0 picks a free one). Default 3030.
  --host H     Address to bind. Default 127.0.0.1 (this machine only);
               0.0.0.0 serves the network (put TLS in front: see docs/relay.md).
  --data DIR   Where the registry and the communes' documents live.
               Default $COMMUNE_RELAY_DATA, else the platform's data folder
               + /commune-relay (e.g. ~/.local/share/commune-relay).
  --max-documents N  Documents one commune may keep here. Default 2000.
  --max-mb N         Megabytes one commune may store here. Default 256.
  --max-operations N Automerge operations one commune may hold open here,
                     up to 8000000 (what a member's machine accepts).
                     Default 4000000, about 400,000 purse entries.
  --help       Shows this text.`;

/** Reads the command line into settings, a request for help, or one line saying what is wrong. */
export function readCli(args: string[], env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): CliRequest {
  let values: { port?: string; host?: string; data?: string; "max-documents"?: string; "max-mb"?: string; "max-operations"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        "max-documents": { type: "string" },
        "max-mb": { type: "string" },
        "max-operations": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: "help" };
  const portText = values.port ?? "3030";
  const port = parsePort(portText);
  if (!port.ok) return { kind: "error", message: `--port "${portText}": ${port.error.message}` };
  const host = values.host ?? "127.0.0.1";
  if (host.trim() === "" || /\s/.test(host)) return { kind: "error", message: `--host must be an address, not "${host}"` };
  const dataDir = values.data ?? env.COMMUNE_RELAY_DATA ?? defaultDataDir(env, platform);
  if (dataDir.trim() === "") return { kind: "error", message: "--data must name a folder" };
  const quota: NonNullable<CliOptions["quota"]> = {};
  for (const [flag, text, scale, key] of [
    ["--max-documents", values["max-documents"], 1, "maxDocumentsPerCommune"],
    ["--max-mb", values["max-mb"], 1024 * 1024, "maxBytesPerCommune"],
    ["--max-operations", values["max-operations"], 1, "maxOperationsPerCommune"],
  ] as const) {
    if (text === undefined) continue;
    const most = key === "maxOperationsPerCommune" ? INFLATION_LIMITS.communeOps : 9_999_999;
    if (!/^[1-9][0-9]{0,6}$/.test(text) || Number(text) > most)
      return { kind: "error", message: `${flag} must be a whole number from 1 to ${most}, not "${text}"` };
    quota[key] = Number(text) * scale;
  }
  return { kind: "run", options: { port: port.value, host, dataDir, ...(Object.keys(quota).length > 0 ? { quota } : {}) } };
}

/** The platform's folder for application data, + "commune-relay". */
export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home = homedir()): string {
  if (platform === "win32") return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "commune-relay");
  if (platform === "darwin") return join(home, "Library", "Application Support", "commune-relay");
  return join(env.XDG_DATA_HOME || join(home, ".local", "share"), "commune-relay");
}
