/**
 * The canonical encoding that signatures cover: JSON with object keys sorted
 * by code unit, no whitespace, and only the values our documents hold
 * (strings, safe integers, booleans, null, arrays, plain objects).
 *
 * Floats, NaN, -0 and undefined are refused rather than silently coerced,
 * because two members must produce byte-identical encodings of the same
 * fields, and JSON.stringify's number formatting or dropped keys would let a
 * signed value mean two things.
 */
export type Canonical = string | number | boolean | null | readonly Canonical[] | { readonly [key: string]: Canonical };

export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        throw new TypeError(`canonicalJson: ${String(value)} is not a safe integer`);
      }
      return String(value);
    case "object": {
      if (Array.isArray(value)) return `[${Array.from(value, canonicalJson).join(",")}]`;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError("canonicalJson: only plain objects can be encoded");
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(",")}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}
