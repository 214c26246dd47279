import type { CommuneId } from "../commune/genesis";
import type { Signed } from "../identity/signed";

/**
 * A member's signed word in a proposal's discussion (issue 17). Records are
 * never edited or deleted, so one record kind carries three things, told
 * apart by which field names another comment:
 *
 * - a comment: `text`, and `replyTo` when it answers another comment;
 * - an edit: `edits` (the original comment's id) and the new `text`;
 * - a retraction: `retracts` (the original comment's id), no text.
 *
 * Every record has its own `id`; edits and retractions name the original,
 * never another edit. Whose they may be, and in which order they count, is
 * shared/proposals/discussion.ts's rule.
 */
export interface Comment {
  commune: CommuneId;
  proposal: string;
  id: string;
  at: number;
  text?: string;
  replyTo?: string;
  edits?: string;
  retracts?: string;
}

export type SignedComment = Signed<Comment>;
