import { realpath, stat } from "node:fs/promises";
import { extname, isAbsolute, join, relative } from "node:path";

/**
 * The built renderer's files, as both front ends serve them: browser mode
 * over HTTP (serve/server.ts) and the desktop app's app:// protocol
 * (electron/main/app-files.ts). One set of path rules and one content-type
 * table, so a request one mode refuses the other refuses too.
 */

/** What a request path names inside the renderer's folder: a file to send, or why not. */
export type StaticTarget = { ok: true; file: string; size: number; type: string } | { ok: false; status: 400 | 404 };

/** The only file types a renderer build holds; anything else is not served, so a stray file cannot be sniffed into something else. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
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

export const contentTypeOf = (file: string): string | undefined => CONTENT_TYPES[extname(file).toLowerCase()];

/**
 * Splits a raw (still percent-encoded) request path into decoded segments,
 * refusing anything that could step outside the folder: "..", ".", encoded
 * separators, NUL, backslashes (a separator on Windows) and colons (a drive
 * or a stream name). Hidden files (".env") are not served.
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

/**
 * The file a raw request path names under `root`, following no link out of
 * it: "/" is index.html; a folder, a missing file or a type outside
 * CONTENT_TYPES is 404. The page routes by its URL fragment, so no other
 * path stands for the page.
 */
export async function resolveStatic(root: string, rawPath: string): Promise<StaticTarget> {
  const parsed = pathSegments(rawPath);
  if (!parsed.ok) return parsed;
  const segments = parsed.segments.length === 0 ? ["index.html"] : parsed.segments;
  let base: string;
  let real: string;
  try {
    base = await realpath(root);
    real = await realpath(join(base, ...segments));
  } catch {
    return { ok: false, status: 404 };
  }
  const inside = relative(base, real);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return { ok: false, status: 404 };
  const type = contentTypeOf(real);
  if (type === undefined) return { ok: false, status: 404 };
  const info = await stat(real).catch(() => undefined);
  if (!info?.isFile()) return { ok: false, status: 404 };
  return { ok: true, file: real, size: info.size, type };
}
