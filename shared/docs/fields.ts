import { z } from "zod";
import { CURRENCY_CODE, MAX_CURRENCY_NAME, MAX_DECIMALS } from "../money/currency";
import { PROCESS_LIMITS } from "../proposals/processes/process";
import { isWebLink, parseWebLink } from "./link";

/**
 * The smallest pieces of every record in a Commune document, as zod schemas
 * for untrusted data. Each carries its own message, phrased to follow the
 * field's name ("amount must be a positive whole number ..."), so a
 * malformed record can be explained to a member without zod's wording.
 *
 * Nothing is coerced: "12" is not 12, and -0, 1.5, 1e309 and numbers past
 * 2^53 are refused, because the canonical encoding that signatures cover
 * refuses them too.
 */

export const LIMITS = {
  name: 100,
  currencyName: MAX_CURRENCY_NAME,
  title: 200,
  memo: 1000,
  /** Why a member voted as they did: a few sentences beside the vote, not an essay (that is the proposal's discussion). */
  reason: 1000,
  /** A comment in a proposal's discussion: a few paragraphs; a longer case belongs in a proposal of its own. */
  comment: 5000,
  /** One option of a poll: a short line, as a title is. */
  option: 200,
  /** What came of a decided proposal, as the commune records it. */
  outcome: 5000,
  body: 20_000,
  tag: 40,
  tags: 20,
  currencies: 50,
  /** An epoch record (issue 13) as base64: a lockbox per reader; the relay's own bound on a registration's hello is 1 MiB. */
  epochRecord: 1024 * 1024,
  /** Epoch records in the commune document: only the first epoch of a commune moved from plaintext goes there (docs/relay.md). */
  epochRecords: 64,
  /** Why a partner's exchange was declined: a sentence or two, like a vote's reason. */
  declineReason: 1000,
  /** Partners a commune's rules set a credit limit for. */
  partnerCredits: 100,
  /** Partner communes an item is shared with by name (issue 14): more than this is "all partners". */
  sharedWith: 50,
} as const;

/** The length LIMITS are measured in: characters (code points), as the command schemas' zod counts them, so "😀" is one. */
export const characters = (text: string): number => [...text].length;

const HEX_KEY = /^[0-9a-f]{64}$/;
const HEX_SIGNATURE = /^[0-9a-f]{128}$/;
/** A commune id: the first 32 hex digits of its genesis hash. */
export const COMMUNE_ID = /^[0-9a-f]{32}$/;
/**
 * Record ids (entries, proposals, items, invites, nonces): randomId() makes
 * 32 hex digits; any short token of safe characters is accepted, except
 * "__proto__", which would pollute the object of anyone who files records by id.
 */
const ID = /^(?!__proto__$)[A-Za-z0-9_-]{1,64}$/;
/** A calendar year (UTC), the period of a purse shard. */
const YEAR = /^[0-9]{4}$/;
/** "automerge:" and a base58check document id. The checksum is the repo's to check. */
const AUTOMERGE_URL = /^automerge:[1-9A-HJ-NP-Za-km-z]{10,64}$/;

// Single-line text refuses all control characters; multi-line text allows tab, line feed and carriage return.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_EXCEPT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Text matching `pattern`; one message for every way it can fail. */
const matching = (pattern: RegExp, message: string) => z.string({ error: message }).regex(pattern, { error: message });

/**
 * A safe integer from `min` to `max`; one message for every way it can fail.
 * -0 is refused: the canonical encoding refuses it, so it could never be signed.
 */
const wholeNumber = (min: number, max: number, message: string) =>
  z
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message })
    .refine((value) => !Object.is(value, -0), { error: message });

const PUBLIC_KEY_RULE = "must be a public key (64 lowercase hex digits)";
export const publicKey = matching(HEX_KEY, PUBLIC_KEY_RULE);
/** Why a typed key is not a public key, as a sentence for a form, or undefined: the rule the host reads keys with. */
export const publicKeyProblem = (text: string): string | undefined =>
  publicKey.safeParse(text).success ? undefined : PUBLIC_KEY_RULE.charAt(0).toUpperCase() + PUBLIC_KEY_RULE.slice(1);
export const signature = matching(HEX_SIGNATURE, "must be a signature (128 lowercase hex digits)");
/** A proposal version a vote names (shared/proposals/version.ts): a SHA-256, in hex like a public key. */
/** The SHA-256 of a signature an exchange acceptance or decline cites (shared/partners/exchange.ts). */
export const signatureHash = matching(HEX_KEY, "must be a signature hash (64 lowercase hex digits)");
export const proposalVersion = matching(HEX_KEY, "must be a proposal version (64 lowercase hex digits)");
export const communeId = matching(COMMUNE_ID, "must be a commune id (32 lowercase hex digits)");
export const id = matching(ID, "must be an id (1-64 letters, digits, _ or -)");
export const year = matching(YEAR, 'must be a year, e.g. "2026"');
export const automergeUrl = matching(AUTOMERGE_URL, "must be a document address (automerge:...)");
export const currencyCode = matching(CURRENCY_CODE, "must be a currency code (2-10 capital letters or digits, e.g. EUR)");

export const isId = (value: unknown): value is string => typeof value === "string" && ID.test(value);

const MAX = Number.MAX_SAFE_INTEGER;

/** Milliseconds since 1970 (UTC). */
export const time = wholeNumber(0, MAX, "must be a time (a whole number of milliseconds)");

/** An amount in minor units (cents, hundredths of an hour). */
export const amount = wholeNumber(1, MAX, "must be a positive whole number of minor units");

/** A limit, version or count that may be zero. */
export const count = wholeNumber(0, MAX, "must be a whole number, 0 or more");

export const percent = (min: number) => wholeNumber(min, 100, `must be a whole percentage from ${min} to 100`);

/** The dots a dot vote gives each member to spread across its options. */
export const dotCount = wholeNumber(
  PROCESS_LIMITS.minDots,
  PROCESS_LIMITS.maxDots,
  `must be a whole number of dots from ${PROCESS_LIMITS.minDots} to ${PROCESS_LIMITS.maxDots}`,
);

export const decimals = wholeNumber(0, MAX_DECIMALS, `must be a whole number of decimals from 0 to ${MAX_DECIMALS}`);

/**
 * Length in characters as people count them (Unicode code points), so an
 * emoji counts once. Stops counting once past `max`.
 */
function atMost(value: string, max: number): boolean {
  if (value.length <= max) return true;
  let count = 0;
  for (const _ of value) if (++count > max) return false;
  return true;
}

/** One line of text for people: a name, title or tag. Never empty. */
export const line = (max: number) =>
  z
    .string({ error: "must be text" })
    .min(1, { error: "must not be empty" })
    .refine((value) => atMost(value, max), { error: `must be at most ${max} characters` })
    .refine((value) => !CONTROL.test(value), { error: "must not contain control characters" });

/** Text that may span lines: a memo or a body. May be empty. */
export const text = (max: number) =>
  z
    .string({ error: "must be text" })
    .refine((value) => atMost(value, max), { error: `must be at most ${max} characters` })
    .refine((value) => !CONTROL_EXCEPT_NEWLINES.test(value), { error: "must not contain control characters" });

export const name = line(LIMITS.name);

/** Text that says something: as `text`, but not empty or only spaces and line breaks. */
export const saying = (max: number) => text(max).refine((value) => value.trim() !== "", { error: "must not be empty" });

export const webLink = z.string({ error: "must be an http:// or https:// link" }).refine(isWebLink, {
  error: (issue) => {
    const parsed = parseWebLink(issue.input);
    return parsed.ok ? "must be an http:// or https:// link" : parsed.error.message.replace(/^The link /, "");
  },
});

export const boolean = z.boolean({ error: "must be true or false" });

/** A literal choice among a few words, with a message that lists them. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(", ")}` });
