import type { DocHandle } from "@automerge/automerge-repo";

/**
 * A handle's heads, computed once per version of its document. `heads()`
 * asks Automerge and base58-encodes every hash on each call (~60 µs); the
 * model and the sync status ask for the heads of every document of a
 * commune on every change, which was most of what one new entry cost. A
 * handle's document object is replaced whenever it changes, so it is the key.
 */
const cache = new WeakMap<object, readonly string[]>();

export function headsOf(handle: DocHandle<unknown>): readonly string[] {
  if (!handle.isReady()) return handle.heads() ?? [];
  const doc = handle.doc() as object;
  let heads = cache.get(doc);
  if (!heads) {
    heads = handle.heads() as string[];
    cache.set(doc, heads);
  }
  return heads;
}
