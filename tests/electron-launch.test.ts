import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { _electron as electron, type Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { findElectron } from "../electron/start";

/**
 * The desktop app as built by `npm run build` (npm test builds before
 * vitest; this file builds nothing). The bundle checks run everywhere; the
 * real launch needs an Electron binary, which this machine may not have.
 */
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const built = (name: string) => join(repoRoot, "dist", "electron", name);
const mustExist = (path: string) => {
  if (!existsSync(path)) throw new Error(`${path} is missing: run "npm run build" before this test.`);
  return path;
};

describe("the built Electron bundles", () => {
  it("has a sandbox-ready preload: CommonJS that requires nothing but electron", () => {
    const preload = readFileSync(mustExist(built("preload.cjs")), "utf8");
    const required = [...preload.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(required).toEqual(["electron"]);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
  });

  it("has a main process that Node can parse as a module", () => {
    const check = spawnSync(process.execPath, ["--check", mustExist(built("main.js"))], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  });

  it("has a host process whose imports all resolve from dist/electron, including ../../package.json, and that refuses to run outside Electron", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "commune-bundle-"));
    try {
      const run = spawnSync(process.execPath, [mustExist(built("host-process.js"))], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, COMMUNE_DATA: dataDir },
      });
      expect(run.stderr).toBe("host-process: this file runs only as an Electron utility process (utilityProcess.fork).\n");
      expect(run.status).toBe(2);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Every selector of the journey, in one place, so a wording change in the UI is one edit here. */
const firstRun = {
  nameField: (page: Page) => page.getByLabel(/your name/i),
  saveName: (page: Page) => page.getByRole("button", { name: /save|continue/i }),
  createChoice: (page: Page) => page.getByRole("button", { name: /new commune|create/i }).first(),
  joinChoice: (page: Page) => page.getByRole("button", { name: /join/i }).first(),
};

const binary = process.env.ELECTRON_OVERRIDE_DIST_PATH ? findElectron(repoRoot, process.env, { existsSync, readFileSync }) : undefined;

if (binary?.found) {
  describe("the desktop app", () => {
    it("launches, asks a new member for a name, then offers to found or join a commune", async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "commune-electron-"));
      const args = [mustExist(built("main.js"))];
      // Chromium will not run as root with its OS sandbox; the renderer's own sandbox setting is unaffected.
      if (process.getuid?.() === 0) args.unshift("--no-sandbox");
      const app = await electron.launch({ executablePath: binary.path, args, env: { ...process.env, COMMUNE_DATA: dataDir } });
      try {
        const page = await app.firstWindow();
        expect(page.url()).toBe("app://commune/index.html");
        expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe("undefined");
        expect(await page.evaluate(() => (globalThis as { commune?: { platform?: string } }).commune?.platform)).toBe("electron");

        await firstRun.nameField(page).fill("Ada");
        await firstRun.saveName(page).click();
        await firstRun.createChoice(page).waitFor({ state: "visible" });
        await firstRun.joinChoice(page).waitFor({ state: "visible" });
      } finally {
        await app.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
} else {
  const reason = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? `ELECTRON_OVERRIDE_DIST_PATH is set but there is no binary at ${binary && !binary.found ? binary.looked : process.env.ELECTRON_OVERRIDE_DIST_PATH}`
    : "ELECTRON_OVERRIDE_DIST_PATH is not set, no Electron binary on this machine";
  it.skip(`launches the desktop app (skipped: ${reason})`, () => {});
}
