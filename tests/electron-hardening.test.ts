import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FuseState, FuseV1Options, getCurrentFuseWire } from "@electron/fuses";
import type { MenuItemConstructorOptions } from "electron";
import { afterEach, describe, expect, it } from "vitest";
import { menuTemplate } from "../electron/main/app-menu";
import { devToolsAllowed, secureWebPreferences, windowOptions } from "../electron/main/window-options";
import { flipAppFuses, fuseMismatches, FUSES } from "../scripts/electron-fuses";

/**
 * The packaged app's build configuration, checked without an Electron
 * binary: the fuses scripts/electron-fuses.ts flips (on a stand-in binary
 * that carries Electron's fuse wire as Electron 45 lays it out), and DevTools
 * out of the menu and the window outside development.
 */

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const SENTINEL = "dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX";
const WIRE_LENGTH = Object.values(FuseV1Options).filter((value) => typeof value === "number").length;

/** Bytes around Electron's fuse wire, every fuse at Electron's default (on, except the off-by-default ones). */
async function standInBinary(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-fuses-"));
  dirs.push(dir);
  const path = join(dir, "commune");
  const wire = Buffer.from([0x31, 0x31, 0x31, 0x31, 0x30, 0x30, 0x30, 0x31, 0x31]);
  await writeFile(path, Buffer.concat([Buffer.alloc(4096, 7), Buffer.from(SENTINEL), Buffer.from([1, WIRE_LENGTH]), wire, Buffer.alloc(4096, 7)]));
  return path;
}

describe("the packaged app's Electron Fuses", () => {
  it("turns off running as Node, NODE_OPTIONS and --inspect, and turns on cookie encryption", () => {
    expect(FUSES[FuseV1Options.RunAsNode]).toBe(false);
    expect(FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(FUSES[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(FUSES[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(FUSES[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });

  it("decides every fuse this Electron has, so a new one fails the flip until it is decided", () => {
    expect(FUSES.strictlyRequireAllFuses).toBe(true);
    for (let option = 0; option < WIRE_LENGTH; option++) expect(typeof FUSES[option as FuseV1Options]).toBe("boolean");
  });

  it("flips them in a binary and reads them back", async () => {
    const binary = await standInBinary();
    expect(await fuseMismatches(binary)).toEqual(
      expect.arrayContaining(["RunAsNode", "EnableNodeOptionsEnvironmentVariable", "EnableNodeCliInspectArguments"]),
    );
    await flipAppFuses(binary);
    expect(await fuseMismatches(binary)).toEqual([]);
    const wire = await getCurrentFuseWire(binary);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
  });

  it("is a script in package.json that whoever packages the app runs", async () => {
    const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> };
    expect(manifest.scripts["package:fuses"]).toBe("tsx scripts/electron-fuses.ts");
  });
});

describe("DevTools", () => {
  const roles = (items: MenuItemConstructorOptions[]): string[] =>
    items.flatMap((item) => [item.role ?? "", ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]);
  const actions = { menuCommand: () => {}, openDataFolder: () => {} };

  it("are neither in the menu nor on its keys outside development", () => {
    for (const platform of ["linux", "darwin", "win32"] as const) {
      expect(roles(menuTemplate(platform, actions))).not.toContain("toggleDevTools");
      expect(roles(menuTemplate(platform, actions, true))).toContain("toggleDevTools");
    }
  });

  it("are refused by the window outside development", () => {
    expect(secureWebPreferences("/p.cjs").devTools).toBe(false);
    expect(windowOptions({ width: 900, height: 700 }, "/p.cjs").webPreferences?.devTools).toBe(false);
  });

  it("are development only: a checkout started with COMMUNE_DEVTOOLS=1, never a packaged app", () => {
    expect(devToolsAllowed(false, { COMMUNE_DEVTOOLS: "1" })).toBe(true);
    expect(devToolsAllowed(false, {})).toBe(false);
    expect(devToolsAllowed(true, { COMMUNE_DEVTOOLS: "1" })).toBe(false);
  });
});
