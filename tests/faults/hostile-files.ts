import { concat, mutateBytes, type Random } from "./hostile-generator";

/**
 * What anyone can hand a member, broken the ways an attacker or a damaged
 * disk would: JSON text (a snapshot, an invite's body), an Automerge
 * backup's container and an invite string. Each mutation says how it was
 * made; `forcedHostile` marks one that any JSON reader may read as the
 * original (a key named twice) but that must be refused all the same.
 */

export interface Mutated<T> {
  value: T;
  how: string;
  forcedHostile?: true;
}

const KEY = String.raw`"((?:[^"\\]|\\.)*)"\s*:\s*`;
const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`;

/** Where a value of each kind starts after its key, in pretty or compact JSON. */
function spots(text: string) {
  const after = (pattern: string) =>
    [...text.matchAll(new RegExp(pattern, "g"))].map((match) => ({
      key: match[1]!,
      keyAt: match.index,
      at: match.index + match[0].length - (match[2]?.length ?? 0),
      length: match[2]?.length ?? 0,
    }));
  return { keys: after(KEY), numbers: after(`${KEY}(${NUMBER})`), strings: after(`${KEY}("[^"\\\\]*")`) };
}

export function mutateJson(random: Random, text: string): Mutated<string> {
  const { keys, numbers, strings } = spots(text);
  const spot = keys.length > 0 ? random.pick(keys) : { key: "x", at: 1, keyAt: 1, length: 0 };
  const replace = (at: number, length: number, by: string) => text.slice(0, at) + by + text.slice(at + length);
  switch (random.int(11)) {
    case 0: {
      const at = random.int(text.length);
      return { value: replace(at, 1, String.fromCharCode(32 + random.int(95))), how: `character at ${at}` };
    }
    case 1: {
      const cut = random.int(text.length);
      return { value: text.slice(0, cut), how: `truncate at ${cut}` };
    }
    case 2: {
      // Named twice: a first-wins reader sees one value, a last-wins reader the other.
      const attackers = random.pick(['"Mallory"', "0", "99999999", "999999", "null", "[]", "{}", '"ws://evil.example"']);
      const valued = [...numbers, ...strings];
      if (valued.length > 0 && random.chance(0.5)) {
        const after = random.pick(valued);
        return {
          value: replace(after.at + after.length, 0, `, "${after.key}": ${attackers}`),
          how: `duplicate ${after.key}, the attacker's last`,
          forcedHostile: true,
        };
      }
      return { value: replace(spot.keyAt, 0, `"${spot.key}": ${attackers}, `), how: `duplicate ${spot.key}, the attacker's first`, forcedHostile: true };
    }
    case 3: {
      const by = random.pick([
        "1e309",
        "-1e309",
        "-0",
        "1e-400",
        "9007199254740993",
        "1E2",
        "0.1e1",
        "00",
        "-",
        "1.",
        "0x10",
        "NaN",
        "Infinity",
        "-1",
        "1.5",
        "1" + "0".repeat(400),
      ]);
      if (numbers.length === 0) return { value: `${text}${by}`, how: `append ${by.slice(0, 20)}` };
      const number = random.pick(numbers);
      return { value: replace(number.at, number.length, by), how: `${number.key} = ${by.slice(0, 20)}` };
    }
    case 4: {
      const depth = random.pick([17, 200, 10_000, 100_000, 1_000_000]);
      const deep = "[".repeat(depth) + "]".repeat(depth);
      return random.chance(0.5)
        ? { value: `{"deep": ${deep}, ${text.trimStart().slice(1)}`, how: `deep key ${depth}` }
        : { value: "[".repeat(depth) + text + "]".repeat(depth), how: `wrapped ${depth} deep` };
    }
    case 5:
      return { value: replace(spot.at, 0, random.pick([" ", "\n\t ", "\r\n"])), how: "whitespace" };
    case 6: {
      if (strings.length > 0 && random.chance(0.5)) {
        const string = random.pick(strings);
        return { value: replace(string.at, string.length, random.pick(["0", "true", "null", "[]", "{}"])), how: `${string.key} of another type` };
      }
      if (numbers.length === 0) return { value: text.replace("{", "["), how: "object as list" };
      const number = random.pick(numbers);
      return { value: replace(number.at, number.length, `"${text.slice(number.at, number.at + number.length)}"`), how: `${number.key} as a string` };
    }
    case 7: {
      const lines = text.split("\n");
      if (lines.length < 3) return { value: replace(spot.keyAt, 0, "\n"), how: "a line break" };
      const line = 1 + random.int(lines.length - 2);
      lines.splice(line, 1);
      return { value: lines.join("\n"), how: `line ${line} removed` };
    }
    case 8: {
      // The same text to any JSON reader: a letter written as its escape.
      const string = strings.find((candidate) => /[a-z]/.test(text.slice(candidate.at + 1, candidate.at + candidate.length - 1)));
      if (!string) return { value: ` ${text}`, how: "leading space" };
      const letter = text.slice(string.at + 1).search(/[a-z]/);
      return {
        value: replace(
          string.at + 1 + letter,
          1,
          `\\u${text
            .charCodeAt(string.at + 1 + letter)
            .toString(16)
            .padStart(4, "0")}`,
        ),
        how: "a letter escaped",
      };
    }
    case 9: {
      const [value, how] = random.pick([
        [`\uFEFF${text}`, "byte order mark"],
        [`${text}{}`, "trailing object"],
        [`${text.trimEnd()},`, "trailing comma"],
        [`${text}\u0000`, "trailing NUL"],
      ] as const);
      return { value, how };
    }
    default: {
      if (numbers.length === 0) return { value: text.replace(/\d/, "7"), how: "a digit" };
      const number = random.pick(numbers);
      const digits = text.slice(number.at, number.at + number.length);
      const positions = [...digits].flatMap((char, index) => (/\d/.test(char) ? [index] : []));
      const position = random.pick(positions);
      const digit = String((Number(digits[position]) + 1 + random.int(9)) % 10);
      return { value: replace(number.at + position, 1, digit), how: `a digit of ${number.key}` };
    }
  }
}

/** The same value to any JSON reader, parsed and written back alike; a key named twice is never the same (see `forcedHostile`). */
export function sameMeaning(mutated: Mutated<string>, original: string): boolean {
  if (mutated.forcedHostile) return false;
  try {
    const text = mutated.value.startsWith("\uFEFF") ? mutated.value.slice(1) : mutated.value;
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(JSON.parse(original));
  } catch {
    return false;
  }
}

/** The JSON manifest of an Automerge backup: its length at offset 12, its text from offset 16 (shared/snapshot/automerge-container.ts). */
function manifestOf(bytes: Uint8Array) {
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(12);
  return { text: Buffer.from(bytes.subarray(16, 16 + length)).toString("utf8"), end: 16 + length };
}

function withManifest(bytes: Uint8Array, text: string): Uint8Array {
  const manifest = Buffer.from(text, "utf8");
  const header = Uint8Array.from(bytes.subarray(0, 16));
  new DataView(header.buffer).setUint32(12, manifest.length);
  return concat(header, manifest, bytes.subarray(manifestOf(bytes).end));
}

/** A backup broken in its manifest, in its documents' Automerge bytes, in its header's numbers, or anywhere. */
export function mutateBackup(random: Random, bytes: Uint8Array): Mutated<Uint8Array> {
  const { text, end } = manifestOf(bytes);
  switch (random.int(5)) {
    case 0:
    case 1: {
      const mutated = mutateJson(random, text);
      return { ...mutated, value: withManifest(bytes, mutated.value), how: `manifest: ${mutated.how}` };
    }
    case 2: {
      // Inside the documents only: the framing stays, the Automerge bytes break.
      const documents = mutateBytes(random, bytes.subarray(end));
      return { value: concat(bytes.subarray(0, end), documents.bytes), how: `documents: ${documents.how}` };
    }
    case 3: {
      const header = Uint8Array.from(bytes);
      const field = random.pick([8, 12]);
      const value = random.pick([0, 2, 0xffffffff, text.length + 1, text.length - 1, bytes.length]);
      new DataView(header.buffer).setUint32(field, value);
      return { value: header, how: `header field ${field} = ${value}` };
    }
    default: {
      const mutated = mutateBytes(random, bytes);
      return { value: mutated.bytes, how: mutated.how };
    }
  }
}

export const INVITE_PREFIX = "commune-invite:";
/** The invite's JSON: anyone who was sent one reads everything in it. */
export const inviteJson = (invite: string): string => Buffer.from(invite.trim().slice(INVITE_PREFIX.length), "base64url").toString("utf8");
const encodeInvite = (json: string | Uint8Array) => INVITE_PREFIX + Buffer.from(json).toString("base64url");

const INVITE_FIELDS = [
  "v",
  "commune",
  "name",
  "doc",
  "relays",
  "secret",
  "by",
  "sig",
  "grant.commune",
  "grant.id",
  "grant.at",
  "grant.expiresAt",
  "grant.by",
  "grant.sig",
];
const ODD_VALUES: unknown[] = [
  1,
  2,
  0,
  -0,
  1e308,
  Number.MAX_SAFE_INTEGER,
  "",
  "x",
  "0".repeat(32),
  "ws://127.0.0.1:1",
  ["ws://127.0.0.1:1"],
  ["wss://evil.example"],
  [],
  null,
  true,
  {},
  "a".repeat(7000),
];

/** An invite broken in its base64, its decoded bytes, its JSON text, or one field at a time. */
export function mutateInvite(random: Random, invite: string): Mutated<string> {
  const body = invite.slice(INVITE_PREFIX.length);
  const json = inviteJson(invite);
  const genuine = JSON.parse(json) as Record<string, unknown> & { grant: Record<string, unknown> };
  switch (random.int(9)) {
    case 0: {
      const alphabet = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"];
      const at = random.int(body.length);
      return {
        value: INVITE_PREFIX + body.slice(0, at) + random.pick(alphabet.filter((char) => char !== body[at])) + body.slice(at + 1),
        how: `base64 at ${at}`,
      };
    }
    case 1: {
      const cut = random.int(invite.length);
      return { value: invite.slice(0, cut), how: `truncate at ${cut}` };
    }
    case 2: {
      const mutated = mutateJson(random, json);
      return { ...mutated, value: encodeInvite(mutated.value), how: `JSON: ${mutated.how}` };
    }
    case 3: {
      const mutated = mutateBytes(random, Buffer.from(json, "utf8"));
      return { value: encodeInvite(mutated.bytes), how: `decoded bytes: ${mutated.how}` };
    }
    case 4:
    case 5: {
      const field = random.pick(INVITE_FIELDS);
      const value = random.pick(ODD_VALUES);
      const altered = structuredClone(genuine);
      if (field.startsWith("grant.")) altered.grant[field.slice(6)] = value;
      else altered[field] = value;
      return { value: encodeInvite(JSON.stringify(altered)), how: `${field} = ${JSON.stringify(value)?.slice(0, 40)}` };
    }
    case 6: {
      // The fields that say where to connect and with what, named twice, the attacker's first.
      const field = random.pick(["relays", "secret", "doc", "name", "commune"]);
      return {
        value: encodeInvite(json.replace("{", `{"${field}":${JSON.stringify(random.pick(ODD_VALUES))},`)),
        how: `duplicate ${field}`,
        forcedHostile: true,
      };
    }
    case 7: {
      const at = random.int(body.length);
      const junk = random.pick(["=", "!", " ", "\u0000", "+/", "%41", "\n"]);
      return { value: INVITE_PREFIX + body.slice(0, at) + junk + body.slice(at), how: `insert ${JSON.stringify(junk)} at ${at}` };
    }
    default: {
      if (random.chance(0.3)) return { value: random.pick(["commune-invite", "Commune-Invite:", "commune-invite::", "https://"]) + body, how: "prefix" };
      const field = random.pick(["grant", "relays", "v", "sig"]);
      const altered = structuredClone(genuine) as Record<string, unknown>;
      altered[field] = random.pick([JSON.stringify(altered[field]), [altered[field]], { value: altered[field] }, 7]);
      return { value: encodeInvite(JSON.stringify(altered)), how: `${field} of another type` };
    }
  }
}

/**
 * Whether a mutated invite is the genuine one in other clothes, and so no
 * hostile input: whitespace around it (a paste brings it along), or
 * canonical base64 of JSON that reads as the same record (a letter written
 * as its escape). A key named twice never is.
 */
export function sameInvite(mutated: Mutated<string>, invite: string): boolean {
  const text = mutated.value.trim();
  if (text === invite) return true;
  if (mutated.forcedHostile || !text.startsWith(INVITE_PREFIX)) return false;
  const body = text.slice(INVITE_PREFIX.length);
  const decoded = Buffer.from(body, "base64url");
  if (decoded.toString("base64url") !== body) return false;
  return sameMeaning({ value: decoded.toString("utf8"), how: "" }, inviteJson(invite));
}
