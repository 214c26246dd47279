/**
 * JSON text from a file, parsed only after a linear scan has shown it is
 * small enough, not nested too deeply, and complete. JSON.parse is
 * recursive: 50,000 nested "[" overflow its stack (a RangeError, or worse a
 * crashed worker), so depth is measured before it runs. The scan also tells a
 * truncated file (unclosed string, array or object) from one that is not
 * JSON at all, so the member hears which it is.
 */
export interface JsonLimits {
  /** Characters (UTF-16 code units) of text. */
  maxLength: number;
  /** Arrays and objects inside one another. */
  maxDepth: number;
}

export type JsonProblem = "too large" | "too deep" | "truncated" | "not json";

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

/** Parses JSON text within the limits; never throws. */
export function parseJsonText(text: string, limits: JsonLimits): { ok: true; value: unknown } | { ok: false; error: JsonProblem } {
  const problem = scanJson(text, limits);
  if (problem) return { ok: false, error: problem };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: "not json" };
  }
}
