/**
 * The page's Content Security Policy, one for both front ends: the desktop
 * app's app:// protocol and browser mode's HTTP server send it with every
 * file. Only the app's own scripts, styles and connections; images also as
 * data: URLs (QR codes). No eval, no inline script, no plugins, no <base>
 * rewriting, no framing, no form posts. React's style props go through the
 * CSSOM, which CSP does not restrict, so no inline styles are needed.
 *
 * The one difference between the modes is where the link goes: in the
 * desktop app it is a MessagePort, which CSP does not govern; in browser
 * mode it is a WebSocket to the serving address, which 'self' does not
 * cover in every browser, so that origin is named.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  "default-src": "'self'",
  "script-src": "'self'",
  "style-src": "'self'",
  "connect-src": "'self'",
  "img-src": "'self' data:",
  "font-src": "'self'",
  "object-src": "'none'",
  "base-uri": "'none'",
  "frame-ancestors": "'none'",
  "form-action": "'none'",
};

export interface PolicyOptions {
  /** The WebSocket origin the page links to the host over (browser mode): "ws://127.0.0.1:PORT". */
  linkSocket?: string;
}

export function contentSecurityPolicy({ linkSocket }: PolicyOptions = {}): string {
  const directives = { ...CSP_DIRECTIVES };
  if (linkSocket !== undefined) directives["connect-src"] = `${CSP_DIRECTIVES["connect-src"]} ${linkSocket}`;
  return Object.entries(directives)
    .map(([directive, value]) => `${directive} ${value}`)
    .join("; ");
}
