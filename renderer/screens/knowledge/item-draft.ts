import { cleanTags } from "../../../shared/inventory/inventory";
import { parseWebLink } from "../../../shared/docs/link";
import { characters, LIMITS } from "../../../shared/docs/fields";

/**
 * A knowledge item as the form holds it, and the checks the host applies
 * (inventory.add / inventory.edit), in its words, so the form can say them
 * while the member types.
 */
export interface ItemDraft {
  title: string;
  body: string;
  link: string;
  /** Comma-separated, as typed. */
  tags: string;
}

export const MAX_TAGS = LIMITS.tags;
export const MAX_TAG_LENGTH = LIMITS.tag;

export const emptyItemDraft: ItemDraft = { title: "", body: "", link: "", tags: "" };

/** Comma-separated tags, cleaned by the host's own rule, so the form shows the list the item will get. */
export function tagsOf(text: string): string[] {
  return cleanTags(text.split(","));
}

export type ItemProblems = Partial<Record<keyof ItemDraft, string>>;

export function itemProblems(draft: ItemDraft): ItemProblems {
  const problems: ItemProblems = {};
  if (draft.title.trim() === "") problems.title = "A knowledge item needs a title";
  else if (characters(draft.title) > LIMITS.title) problems.title = `A title can be at most ${LIMITS.title} characters`;
  if (characters(draft.body) > LIMITS.body) problems.body = `The description can be at most ${LIMITS.body.toLocaleString("en")} characters`;
  if (draft.link.trim() !== "") {
    const link = parseWebLink(draft.link.trim());
    if (!link.ok) problems.link = link.error.message;
  }
  const tags = tagsOf(draft.tags);
  if (tags.length > MAX_TAGS) problems.tags = `At most ${MAX_TAGS} tags`;
  else if (tags.some((tag) => characters(tag) > MAX_TAG_LENGTH)) problems.tags = `A tag can be at most ${MAX_TAG_LENGTH} characters`;
  return problems;
}
