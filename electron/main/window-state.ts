import { join } from "node:path";
import { z } from "zod";
import { readFileIfExists, writeFileAtomic } from "../../host/store/atomic-file";
import type { WindowBounds } from "./window-options";

/**
 * The window's size and place, remembered between runs in
 * <userData>/window-state.json. A file that does not parse is ignored (the
 * window opens at its default size); a remembered place that is no longer on
 * any screen (a monitor unplugged) keeps the size and lets the OS place it.
 */
export const windowState = z.strictObject({
  x: z.int().min(-100_000).max(100_000).optional(),
  y: z.int().min(-100_000).max(100_000).optional(),
  width: z.int().min(200).max(20_000),
  height: z.int().min(200).max(20_000),
  maximized: z.boolean(),
});

export type WindowState = z.infer<typeof windowState>;

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1200, height: 800 };

export const windowStatePath = (userData: string) => join(userData, "window-state.json");

export async function loadWindowState(path: string): Promise<WindowState | undefined> {
  try {
    const text = await readFileIfExists(path);
    if (text === undefined) return undefined;
    const parsed = windowState.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function saveWindowState(path: string, state: WindowState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(windowState.parse(state))}\n`, 0o644);
}

/** How much of a remembered window must lie on some screen for its place to be kept: enough to grab its title bar. */
const VISIBLE = { width: 100, height: 40 };

function overlap(a: Area, b: Area): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** Where to open the window, given what was remembered and the screens' work areas now. */
export function placeWindow(saved: WindowState | undefined, workAreas: readonly Area[]): WindowBounds & { maximized: boolean } {
  const largest = workAreas.reduce<Area | undefined>((best, area) => (!best || area.width * area.height > best.width * best.height ? area : best), undefined);
  const fit = (size: number, room: number | undefined) => (room ? Math.min(size, room) : size);
  const width = fit(saved?.width ?? DEFAULT_SIZE.width, largest?.width);
  const height = fit(saved?.height ?? DEFAULT_SIZE.height, largest?.height);
  const maximized = saved?.maximized ?? false;
  if (saved?.x === undefined || saved.y === undefined) return { width, height, maximized };
  const rect = { x: saved.x, y: saved.y, width, height };
  const onScreen = workAreas.some((area) => {
    const seen = overlap(rect, area);
    return seen.width >= VISIBLE.width && seen.height >= VISIBLE.height;
  });
  return onScreen ? { x: saved.x, y: saved.y, width, height, maximized } : { width, height, maximized };
}
