import * as A from "@automerge/automerge";

/**
 * Whether a document's current state is the whole of its history: every
 * operation ever applied to it is still visible. When it is, the records in
 * the current state are every record that was ever in the document, and
 * nothing needs scanning; when it is not, something was deleted, overwritten
 * or written concurrently to one place, and the history holds records (or
 * versions of them) the current state no longer shows.
 *
 * Why counting works: Automerge keeps every operation it was ever given,
 * including the ones a later delete or overwrite hid, and `A.stats` counts
 * them all (`numOps`). In a Commune document every visible value costs
 * exactly one operation: a map key or a list element holding a number, a
 * boolean, null or an ImmutableString (Commune never writes plain strings,
 * see shared/docs/automerge-form.ts), or the creation of a nested map or
 * list. A delete leaves the deleted operation in the count and shows one
 * value fewer; an overwrite adds an operation and shows none more; a
 * conflict keeps both values and shows one. So visible == numOps exactly
 * when nothing is hidden.
 *
 * Never over-count: a value that costs more than one operation when it is
 * written (collaborative text, one operation per character, which this
 * cannot count exactly) makes the answer "not whole", so a hostile document
 * cannot balance a hidden operation against a miscounted visible one.
 * Counters count one, which only ever under-counts (their increments are
 * operations too), and so also lead to a scan.
 */
export function isWholeHistory(doc: A.Doc<unknown>): boolean {
  const visible = visibleOps(doc, true);
  return visible !== undefined && visible === A.stats(doc).numOps;
}

/**
 * The operations the current state of `value` shows: one per map key and
 * list element, plus one for each nested map or list's creation (not for
 * the document's root, which no operation creates). Undefined for anything
 * that cannot be counted exactly. A caller that keeps a running count (a
 * shard that only grows) adds `visibleOps(newRecord)` per appended record.
 */
export function visibleOps(value: unknown, isRoot = false): number | undefined {
  if (typeof value === "string") return undefined; // collaborative text: one operation per character
  if (value === null || typeof value !== "object") return 1;
  if (value instanceof A.ImmutableString || value instanceof A.Counter || value instanceof Date || value instanceof Uint8Array) return 1;
  let count = isRoot ? 0 : 1;
  const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
  for (const child of children) {
    const inner = visibleOps(child);
    if (inner === undefined) return undefined;
    count += inner;
  }
  return count;
}
