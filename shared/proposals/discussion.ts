import { canonicalJson } from "../identity/canonical";
import type { PublicKey } from "../identity/keys";
import type { Verdict } from "../judges/verdict";
import type { ProblemCode } from "../result";
import type { SignedComment } from "./comment";

/**
 * The rule that turns a proposal's signed comment records (comments, edits,
 * retractions: shared/proposals/comment.ts) into the thread every member
 * sees. Everything is decided from the set of records alone, in signed
 * order (time, then author, then signature), so every arrival order gives
 * the same thread (discussion.property.test.ts).
 *
 * - The earliest record under an id holds it; a later one reusing it counts
 *   for nothing, so an edit cannot be passed off as the comment it edits.
 * - A reply names a comment that counts and is earlier in signed order, so
 *   no reply can be its own ancestor; a reply to a comment that does not
 *   count does not count either.
 * - An edit or retraction counts only from the comment's author, not dated
 *   before the comment. The latest edit (by time, then signature, as
 *   `later` in tally.ts orders votes) is the text shown; a retraction is
 *   final and withholds every version.
 */

export interface CommentVersion {
  at: number;
  text: string;
}

/** One comment as shown, in thread order: `depth` 0 for a comment on the proposal, 1 for a reply to it, and so on. */
export interface ThreadComment {
  /** The original comment's id: what replies, edits and retractions name. */
  id: string;
  by: PublicKey;
  /** When the comment was first written. */
  at: number;
  depth: number;
  replyTo?: string;
  /** The latest version's text; absent once retracted. */
  text?: string;
  /** When the text shown was written, when it is an edit. */
  edited?: number;
  /** The versions before the one shown, oldest first; none once retracted. */
  versions: CommentVersion[];
  /** The author took it back: when (the earliest retraction counts). */
  retracted?: { at: number };
}

/** A record that counts for nothing, with why. */
export interface RefusedComment {
  id: string;
  by: PublicKey;
  sig: string;
  code: ProblemCode;
  reason: string;
}

export interface Discussion {
  comments: ThreadComment[];
  /** In signed order. */
  refused: RefusedComment[];
}

const noun = (record: SignedComment) => (record.edits !== undefined ? "This edit" : record.retracts !== undefined ? "This retraction" : "This comment");
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
type Keyed = { record: SignedComment; key: string };
// The whole record breaks the last tie: two records under one signature cannot both be genuine, but the order must not depend on which came first.
const bySignedOrder = (a: Keyed, b: Keyed) =>
  a.record.at - b.record.at || compare(a.record.by, b.record.by) || compare(a.record.sig, b.record.sig) || compare(a.key, b.key);

/**
 * The thread of one proposal's records. `judge` says whether each record
 * counts on its own (a genuine signature, an author active at its time, a
 * proposal that exists: shared/judges/comment.ts); this adds the rules
 * between records.
 */
export function discussion(records: readonly SignedComment[], judge: (comment: SignedComment) => Verdict): Discussion {
  const unique = new Map<string, Keyed>();
  for (const record of records) {
    const key = canonicalJson(record);
    unique.set(key, { record, key });
  }
  const keyed = [...unique.values()].sort(bySignedOrder);
  const ordered = keyed.map(({ record }) => record);

  const refused: (RefusedComment & { record: SignedComment })[] = [];
  const refuse = (record: SignedComment, code: ProblemCode, reason: string) =>
    refused.push({ record, id: record.id, by: record.by, sig: record.sig, code, reason });

  const held = new Set<string>();
  const originals = new Map<string, SignedComment>();
  const changes: SignedComment[] = [];
  for (const record of ordered) {
    const verdict = judge(record);
    if (verdict !== "counted") {
      // It still holds its id: whether a later record may reuse it must not depend on who was a member when.
      held.add(record.id);
      refuse(record, verdict.code, verdict.reason);
      continue;
    }
    if (held.has(record.id)) {
      refuse(record, "comment.duplicate-id", `${noun(record)} reuses the id of an earlier comment`);
      continue;
    }
    held.add(record.id);
    if (record.edits !== undefined || record.retracts !== undefined) {
      changes.push(record);
      continue;
    }
    if (record.replyTo !== undefined && !originals.has(record.replyTo)) {
      refuse(record, "comment.no-parent", "This comment replies to a comment that is not in this discussion");
      continue;
    }
    originals.set(record.id, record);
  }

  const edits = new Map<string, SignedComment[]>();
  const retractions = new Map<string, SignedComment>();
  for (const change of changes) {
    const named = (change.edits ?? change.retracts)!;
    const original = originals.get(named);
    const what = `${noun(change)} ${change.edits !== undefined ? "changes" : "takes back"}`;
    if (!original) refuse(change, "comment.no-such-comment", `${what} a comment that is not in this discussion`);
    else if (original.by !== change.by) refuse(change, "comment.not-author", `${what} a comment by another member`);
    else if (change.at < original.at) refuse(change, "comment.edit-before-original", `${what} a comment written after it`);
    else if (change.retracts !== undefined) {
      if (!retractions.has(named)) retractions.set(named, change);
    } else edits.set(named, [...(edits.get(named) ?? []), change]);
  }

  const replies = new Map<string, SignedComment[]>();
  const roots: SignedComment[] = [];
  for (const original of originals.values()) {
    if (original.replyTo === undefined) roots.push(original);
    else replies.set(original.replyTo, [...(replies.get(original.replyTo) ?? []), original]);
  }

  const comments: ThreadComment[] = [];
  const show = (original: SignedComment, depth: number) => {
    const base = { id: original.id, by: original.by, at: original.at, depth, ...(original.replyTo !== undefined ? { replyTo: original.replyTo } : {}) };
    const retraction = retractions.get(original.id);
    if (retraction) {
      comments.push({ ...base, versions: [], retracted: { at: retraction.at } });
    } else {
      // Already in signed order; the latest by time, then signature, is last once ties in time are ordered by signature alone.
      const versions = [original, ...(edits.get(original.id) ?? []).sort((a, b) => a.at - b.at || compare(a.sig, b.sig))];
      const latest = versions[versions.length - 1]!;
      comments.push({
        ...base,
        text: latest.text ?? "",
        ...(latest !== original ? { edited: latest.at } : {}),
        versions: versions.slice(0, -1).map((version) => ({ at: version.at, text: version.text ?? "" })),
      });
    }
    for (const reply of replies.get(original.id) ?? []) show(reply, depth + 1);
  };
  for (const root of roots) show(root, 0);
  const place = new Map(ordered.map((record, index) => [record, index]));
  return { comments, refused: refused.sort((a, b) => place.get(a.record)! - place.get(b.record)!).map(({ record: _record, ...refusal }) => refusal) };
}
