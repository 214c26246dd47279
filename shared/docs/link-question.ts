/**
 * What the member is asked before a link leaves the app, in the desktop app
 * (main's dialog) and in browser mode (the page's confirm) alike: the host
 * first, as the URL parser reads it, so "example.org.evil.test" and a
 * look-alike name in another script (shown in punycode, "xn--...") are seen
 * for what they are.
 */
export interface LinkQuestion {
  host: string;
  url: string;
  message: string;
  detail: string;
}

/** `url` must already be a parsed http(s) link (isWebLink, externalUrl). */
export function linkQuestion(url: string): LinkQuestion {
  const host = new URL(url).host;
  return {
    host,
    url,
    message: `Open a link to ${host}?`,
    detail: `It opens in your web browser, outside Commune:\n${url}\n\nOpen it only if you trust ${host}.`,
  };
}
