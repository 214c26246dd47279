import { extname, resolve, sep } from "node:path";
import { isAppUrl } from "./url-policy";
import { CONTENT_SECURITY_POLICY } from "./window-options";

/**
 * What the app:// protocol answers: files of the built renderer
 * (dist/renderer), and nothing outside it. Pure apart from the injected file
 * reader, so the path checks are tested with hostile URLs.
 */
export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/**
 * The file under `root` that `requestUrl` names, or undefined when it names
 * none: another origin, an undecodable or NUL-carrying path, a backslash, or
 * anything that resolves outside `root`. A path without an extension is a
 * route of the page and gets index.html.
 */
export function appFilePath(root: string, requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (!isAppUrl(requestUrl)) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes("\0") || pathname.includes("\\")) return undefined;
  const relativePath = pathname === "/" || extname(pathname) === "" ? "index.html" : pathname.replace(/^\/+/, "");
  const base = resolve(root);
  const file = resolve(base, relativePath);
  return file.startsWith(base + sep) ? file : undefined;
}

const securityHeaders = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
};

const notFound = (): AppResponse => ({
  status: 404,
  headers: { ...securityHeaders, "Content-Type": "text/plain; charset=utf-8" },
  body: "Not found",
});

export async function appResponse(root: string, requestUrl: string, readFile: (path: string) => Promise<Uint8Array>): Promise<AppResponse> {
  const file = appFilePath(root, requestUrl);
  const type = file ? CONTENT_TYPES[extname(file).toLowerCase()] : undefined;
  if (!file || !type) return notFound();
  try {
    return { status: 200, headers: { ...securityHeaders, "Content-Type": type }, body: await readFile(file) };
  } catch {
    return notFound();
  }
}
