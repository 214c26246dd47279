/**
 * Which URLs the app lets go where. Parsed with the URL parser, never
 * substring-matched: " javascript:", "HTTPS://", "file:" and credentials in a
 * link are all decided by what the URL is, not by how it starts.
 */

/** The app's own pages are served under this origin by the app:// protocol (app-protocol.ts). */
export const APP_SCHEME = "app";
export const APP_HOST = "commune";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const MAX_EXTERNAL_URL = 2048;

const parse = (candidate: unknown): URL | undefined => {
  if (typeof candidate !== "string") return undefined;
  try {
    return new URL(candidate);
  } catch {
    return undefined;
  }
};

/** True for a page of the app itself. */
export function isAppUrl(candidate: unknown): boolean {
  const url = parse(candidate);
  // Chromium lowercases the host of a standard scheme; Node's URL keeps it as written.
  return url !== undefined && url.protocol === `${APP_SCHEME}:` && url.host.toLowerCase() === APP_HOST;
}

/**
 * The link to hand to the system browser, or undefined when it must not
 * leave the app: only http and https, with a host, without user:password
 * (a classic way to dress one site up as another), and of a sane length.
 */
export function externalUrl(candidate: unknown): string | undefined {
  if (typeof candidate !== "string" || candidate.length > MAX_EXTERNAL_URL) return undefined;
  const url = parse(candidate);
  if (!url) return undefined;
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.hostname === "" || url.username !== "" || url.password !== "") return undefined;
  return url.href;
}
