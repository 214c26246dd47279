/**
 * JSON text from a file, parsed only after a linear scan has shown it is
 * small enough, not nested too deeply, and complete. JSON.parse is
 * recursive: 50,000 nested "[" overflow its stack (a RangeError, or worse a
 * crashed worker), so depth is measured before it runs. The scan also tells a
 * truncated file (unclosed string, array or object) from one that is not
 * JSON at all, so the member hears which it is.
 *
 * Signed JSON must mean one thing to every reader. JSON.parse keeps the last
 * of two equal keys in an object, other parsers the first or both, so a file
 * with `"amount"` twice could be checked by one program and read as another
 * amount by the next: a duplicate key is refused, whatever the escapes
 * ("a" and "\u0061" are the same key).
 */
export interface JsonLimits {
  /** Characters (UTF-16 code units) of text. */
  maxLength: number;
  /** Arrays and objects inside one another. */
  maxDepth: number;
}

export type JsonProblem = "too large" | "too deep" | "truncated" | "not json" | "duplicate key";

export function scanJson(text: string, limits: JsonLimits): JsonProblem | undefined {
  if (text.length > limits.maxLength) return "too large";
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limits.maxDepth) return "too deep";
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      if (--depth < 0) return "not json";
    }
  }
  if (inString || depth > 0) return "truncated";
  return undefined;
}

/** Parses JSON text within the limits, refusing duplicate keys; never throws. */
export function parseJsonText(text: string, limits: JsonLimits): { ok: true; value: unknown } | { ok: false; error: JsonProblem; key?: string } {
  const problem = scanJson(text, limits);
  if (problem) return { ok: false, error: problem };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, error: "not json" };
  }
  const key = duplicateKey(text);
  return key === undefined ? { ok: true, value } : { ok: false, error: "duplicate key", key };
}

/**
 * The first key that occurs twice in one object of `text`, which must be
 * JSON that JSON.parse has accepted (so strings are well-formed and
 * brackets balanced). One pass; the keys of the objects still open are all
 * it holds.
 */
export function duplicateKey(text: string): string | undefined {
  // One entry per open array or object: the keys seen so far for an object, undefined for an array.
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c /* \ */) {
          escaped = true;
          i++;
        }
      }
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        // Only a key with escapes needs decoding; a snapshot's keys have none.
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
    } else if (c === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      open.push(undefined);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = open[open.length - 1] !== undefined;
    }
  }
  return undefined;
}
