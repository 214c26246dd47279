import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SIZE, loadWindowState, placeWindow, saveWindowState, windowStatePath } from "./window-state";

const screen = { x: 0, y: 0, width: 1920, height: 1040 };

describe("where the window opens", () => {
  it("opens at the default size, placed by the OS, the first time", () => {
    expect(placeWindow(undefined, [screen])).toEqual({ ...DEFAULT_SIZE, maximized: false });
  });

  it("reopens where it was", () => {
    expect(placeWindow({ x: 100, y: 80, width: 1000, height: 700, maximized: true }, [screen])).toEqual({
      x: 100,
      y: 80,
      width: 1000,
      height: 700,
      maximized: true,
    });
  });

  it("keeps the size but lets the OS place it when its old place is on no screen", () => {
    expect(placeWindow({ x: 3000, y: 80, width: 1000, height: 700, maximized: false }, [screen])).toEqual({ width: 1000, height: 700, maximized: false });
    expect(placeWindow({ x: 1880, y: 80, width: 1000, height: 700, maximized: false }, [screen])).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it("finds its place on a second screen, and shrinks to fit the largest screen", () => {
    const left = { x: -1280, y: 0, width: 1280, height: 1000 };
    expect(placeWindow({ x: -1200, y: 10, width: 800, height: 600, maximized: false }, [screen, left])).toMatchObject({ x: -1200, y: 10 });
    expect(placeWindow({ width: 5000, height: 3000, maximized: false }, [screen, left])).toEqual({ width: 1920, height: 1040, maximized: false });
  });
});

describe("the remembered window state", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "commune-window-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips through <userData>/window-state.json", async () => {
    const path = windowStatePath(dir);
    await saveWindowState(path, { x: 10, y: 20, width: 900, height: 700, maximized: false });
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ x: 10, y: 20, width: 900, height: 700, maximized: false });
    expect(await loadWindowState(path)).toEqual({ x: 10, y: 20, width: 900, height: 700, maximized: false });
  });

  it.each([
    ["missing", undefined],
    ["not JSON", "{"],
    ["a float size", JSON.stringify({ width: 900.5, height: 700, maximized: false })],
    ["an absurd size", JSON.stringify({ width: 1e9, height: 700, maximized: false })],
    ["an unknown key", JSON.stringify({ width: 900, height: 700, maximized: false, url: "https://evil" })],
  ])("is ignored when the file is %s", async (_what, content) => {
    const path = windowStatePath(dir);
    if (content !== undefined) await writeFile(path, content);
    expect(await loadWindowState(path)).toBeUndefined();
  });
});
