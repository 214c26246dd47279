import { inflateRawSync } from "node:zlib";
import type { Inflater } from "../shared/sync/automerge-chunks";

/**
 * shared/sync/automerge-chunks.ts's Inflater with Node's zlib: maxOutputLength
 * makes zlib stop at the cap instead of allocating what a bomb asks for, so
 * the most this holds at once is the cap.
 */
export const boundedInflate: Inflater = (compressed, maxBytes) => {
  if (maxBytes <= 0) return "over";
  try {
    return inflateRawSync(compressed, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError) return "over";
    return "damaged";
  }
};
