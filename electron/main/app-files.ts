import { readFile } from "node:fs/promises";
import { contentSecurityPolicy } from "../../shared/link/content-security-policy";
import { resolveStatic } from "../../serve/static-files";
import { isAppUrl } from "./url-policy";

/**
 * What the app:// protocol answers: files of the built renderer
 * (dist/renderer), and nothing outside it. Which file a path names, and
 * which paths name none, is decided by serve/static-files.ts, the same rules
 * browser mode serves by; here only the origin is checked and the answer
 * dressed with the page's headers.
 */
export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

const securityHeaders = {
  "Content-Security-Policy": contentSecurityPolicy(),
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
};

const refused = (status: 400 | 404): AppResponse => ({
  status,
  headers: { ...securityHeaders, "Content-Type": "text/plain; charset=utf-8" },
  body: status === 400 ? "Bad path" : "Not found",
});

/** The path of an app:// URL as sent, still percent-encoded, or undefined for any other origin. */
function appPath(requestUrl: string): string | undefined {
  if (!isAppUrl(requestUrl)) return undefined;
  return new URL(requestUrl).pathname;
}

export async function appResponse(root: string, requestUrl: string, read: (path: string) => Promise<Uint8Array> = readFile): Promise<AppResponse> {
  const path = appPath(requestUrl);
  if (path === undefined) return refused(404);
  const target = await resolveStatic(root, path);
  if (!target.ok) return refused(target.status);
  try {
    return { status: 200, headers: { ...securityHeaders, "Content-Type": target.type }, body: await read(target.file) };
  } catch {
    return refused(404);
  }
}
