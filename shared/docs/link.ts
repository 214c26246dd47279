import { fail, ok, type Result } from "../result";

/**
 * Links that come from other members' documents (an inventory item's link, a
 * relay address) are parsed with the WHATWG URL parser, never matched by
 * substring: the scheme decides, after the parser has lower-cased it, so
 * "JaVaScRiPt:", "data:", "file:" and UNC paths ("\\server\share") never pass.
 *
 * The raw text must also be exactly what the parser read: no whitespace,
 * control characters or backslashes, which the parser would silently drop or
 * turn into slashes ("java\tscript:", "https://\\evil.org"). A link with a
 * user name or password ("https://bank.example@evil.example") is refused,
 * because people read the part before the "@" as the site.
 */

/** `URL` is in every runtime we ship to, but its type lives in the DOM and Node libs, which shared/ does not see. */
interface ParsedUrl {
  readonly protocol: string;
  readonly hostname: string;
  readonly username: string;
  readonly password: string;
  readonly href: string;
}
const Url = (globalThis as unknown as { URL: new (input: string) => ParsedUrl }).URL;

export const MAX_LINK_LENGTH = 2048;

// Whitespace (incl. Unicode spaces), C0/C1 controls, DEL and backslash.
const UNSAFE_IN_URL = /[\s\u0000-\u001f\u007f-\u009f\\]/;

function parseWith(text: unknown, protocols: readonly string[], what: string): Result<string> {
  if (typeof text !== "string") return fail("link.notText", `${what} must be text`);
  if (text.length === 0) return fail("link.empty", `${what} is empty`);
  if (text.length > MAX_LINK_LENGTH) return fail("link.tooLong", `${what} is longer than ${MAX_LINK_LENGTH} characters`);
  if (UNSAFE_IN_URL.test(text)) return fail("link.unsafeCharacters", `${what} contains spaces, control characters or backslashes`);
  let url: ParsedUrl;
  try {
    url = new Url(text);
  } catch {
    return fail("link.invalid", `${what} is not a valid address`);
  }
  if (!protocols.includes(url.protocol)) {
    return fail("link.wrongProtocol", `${what} must start with ${protocols.map((p) => `${p}//`).join(" or ")}`);
  }
  if (url.hostname === "") return fail("link.noHost", `${what} has no host`);
  if (url.username !== "" || url.password !== "") return fail("link.credentials", `${what} must not contain a user name or password`);
  return ok(url.href);
}

const WEB = ["http:", "https:"] as const;
const RELAY = ["ws:", "wss:"] as const;

/** An http(s) link, e.g. for an inventory item. On success, the parser's normal form, which is what a writer should store. */
export const parseWebLink = (text: unknown): Result<string> => parseWith(text, WEB, "The link");

export const isWebLink = (text: unknown): text is string => parseWebLink(text).ok;

/** A relay address: ws: or wss:. On success, the parser's normal form. */
export const parseRelayUrl = (text: unknown): Result<string> => parseWith(text, RELAY, "The relay address");

export const isRelayUrl = (text: unknown): text is string => parseRelayUrl(text).ok;
