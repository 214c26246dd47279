import { realpath, stat } from "node:fs/promises";
import { extname, isAbsolute, join, relative } from "node:path";

/** What a request path names inside the renderer's folder: a file to send, or why not. */
export type StaticTarget = { ok: true; file: string; size: number; type: string } | { ok: false; status: 400 | 404 };

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

export const contentTypeOf = (file: string): string => CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";

/**
 * Splits a raw request path into decoded segments, refusing anything that
 * could step outside the folder: "..", ".", encoded separators, NUL, and
 * backslashes (a separator on Windows). Hidden files (".env") are not served.
 */
export function pathSegments(rawPath: string): { ok: true; segments: string[] } | { ok: false; status: 400 | 404 } {
  if (!rawPath.startsWith("/")) return { ok: false, status: 400 };
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400 };
    }
    if (segment === "") continue;
    if (segment === "." || segment === ".." || /[/\\\0]/.test(segment) || segment.includes(":")) return { ok: false, status: 400 };
    if (segment.startsWith(".")) return { ok: false, status: 404 };
    segments.push(segment);
  }
  return { ok: true, segments };
}

/** The file a request path names under `root` (already a real path), following no link out of it. */
export async function resolveStatic(root: string, rawPath: string): Promise<StaticTarget> {
  const parsed = pathSegments(rawPath);
  if (!parsed.ok) return parsed;
  const segments = parsed.segments.length === 0 ? ["index.html"] : parsed.segments;
  const candidate = join(root, ...segments);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { ok: false, status: 404 };
  }
  const inside = relative(root, real);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return { ok: false, status: 404 };
  const info = await stat(real).catch(() => undefined);
  if (!info?.isFile()) return { ok: false, status: 404 };
  return { ok: true, file: real, size: info.size, type: contentTypeOf(real) };
}
