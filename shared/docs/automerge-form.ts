import * as A from "@automerge/automerge";

/**
 * How records are stored in Automerge, and how they come back out.
 *
 * Automerge 3 turns every plain JS string into collaborative Text: one
 * operation per character, so a signed purse entry (a 128-digit signature,
 * two 64-digit keys, ids, a memo) costs hundreds of operations instead of a
 * dozen, and a 100,000-entry purse grows its file, load time and memory
 * several times over (see DESIGN.md, "What Automerge costs"). Nothing in
 * Commune is edited character by character, so every string is stored as an
 * `ImmutableString`: one operation, whatever its length.
 *
 * Writers call `toStored` on the plain record they put into a document;
 * readers call `fromStored` (or the document readers in ./documents, which
 * do it per record) to get plain data back.
 */

/** The stored form of a plain value: every string an ImmutableString. */
export type Stored<T> = T extends string
  ? A.ImmutableString
  : T extends number | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? Stored<U>[]
      : T extends object
        ? { [K in keyof T]: Stored<T[K]> }
        : never;

/**
 * Deep copy of `value` for Automerge: strings become ImmutableStrings,
 * arrays and plain objects are copied, numbers, booleans and null stay,
 * object keys whose value is undefined are dropped.
 *
 * It is for our own, already validated records: anything else (a Date, a
 * class instance, a function, undefined in a list) is a bug and throws.
 */
export function toStored<T>(value: T): Stored<T> {
  return storeValue(value) as Stored<T>;
}

function storeValue(value: unknown): unknown {
  switch (typeof value) {
    case "string":
      return new A.ImmutableString(value);
    case "number":
    case "boolean":
      return value;
    case "object": {
      if (value === null) return value;
      if (Array.isArray(value)) return value.map(storeValue);
      if (isImmutableString(value)) return value;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError("toStored: only plain objects, arrays, strings, numbers, booleans and null can be stored");
      }
      const stored: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined) setOwn(stored, key, storeValue(item));
      }
      return stored;
    }
    default:
      throw new TypeError(`toStored: cannot store a ${typeof value}`);
  }
}

/**
 * Plain data from a value read out of an Automerge document (a loaded or
 * changed doc, a proxy inside a change, or any part of one): ImmutableStrings
 * become strings, lists become fresh arrays, maps fresh plain objects. Plain
 * strings (collaborative Text read out of Automerge is a plain string) and
 * other scalars pass through, so it also accepts data that was never stored.
 *
 * It never throws and never trusts: what it returns is still unvalidated.
 * Values Automerge can hold but our records never do (counters, dates,
 * bytes, integers past 2^53 - 1, which Automerge gives back as bigint) pass
 * through unchanged for the schemas to refuse. A bigint that is a safe
 * integer becomes a number: Automerge 3.5 stores Number.MAX_SAFE_INTEGER
 * (the largest amount, limit or time the host accepts) as an int but gives
 * it back as a bigint, and without this a value the host wrote and judged
 * sound would read back as damage. Nesting deeper than
 * MAX_DEPTH, which no Commune record comes near, is cut off and replaced by
 * a value no schema accepts, so a hostile document cannot exhaust the stack.
 *
 * Hand-written loops rather than a JSON round trip: this runs over every
 * entry of a purse.
 */
export function fromStored(value: unknown): unknown {
  return plain(value, 0);
}

export const MAX_DEPTH = 32;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** Stands in for anything nested past MAX_DEPTH. A class instance, so no schema accepts it where it matters. */
export class TooDeep {
  readonly reason = `nested more than ${MAX_DEPTH} levels deep`;
}

function plain(value: unknown, depth: number): unknown {
  if (typeof value === "bigint") return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH) return new TooDeep();
  if (Array.isArray(value)) {
    const length = value.length;
    const copy = new Array<unknown>(length);
    for (let i = 0; i < length; i++) copy[i] = plain(value[i], depth + 1);
    return copy;
  }
  if (isImmutableString(value)) return value.val;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Counter, Date, Uint8Array, ...
  const copy: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) setOwn(copy, key, plain(source[key], depth + 1));
  return copy;
}

/**
 * A.isImmutableString, for a value known not to be a list: inside a change,
 * Automerge 3.5's list proxies report every property as present, so
 * A.isImmutableString (and A.isCounter) say true for any list.
 */
function isImmutableString(value: object): value is A.ImmutableString {
  return A.isImmutableString(value) && typeof (value as { val?: unknown }).val === "string";
}

/** `target[key] = value`, except that a key named "__proto__" becomes an own property instead of replacing the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
