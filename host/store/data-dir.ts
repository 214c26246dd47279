import { homedir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Where a member's data lives: `--data DIR`, else $COMMUNE_DATA, else the
 * platform's app-data folder (XDG on Linux, Application Support on macOS,
 * %APPDATA% on Windows).
 */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, app = "commune"): string {
  if (flag) return resolve(flag);
  if (env.COMMUNE_DATA) return resolve(env.COMMUNE_DATA);
  return join(platformDataHome(env), app);
}

export function platformDataHome(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === "win32") return env.APPDATA ?? join(homedir(), "AppData", "Roaming");
  if (platform === "darwin") return join(homedir(), "Library", "Application Support");
  return env.XDG_DATA_HOME || join(homedir(), ".local", "share");
}
