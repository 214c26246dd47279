import { cleanTags } from "../../../shared/inventory/inventory";
import { parseWebLink } from "../../../shared/docs/link";
import { characters, LIMITS } from "../../../shared/docs/fields";
import type { ItemView } from "../../../shared/commands/views";
import type { ItemKind } from "../../../shared/inventory/item";
import type { Currency } from "../../../shared/money/currency";
import { formatAmount, parseAmount } from "../../../shared/money/amount";

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
  kind: ItemKind;
  /** An offer's or a need's amount as typed; empty for none. */
  amount: string;
  /** The amount's currency code. */
  currency: string;
}

export const MAX_TAGS = LIMITS.tags;
export const MAX_TAG_LENGTH = LIMITS.tag;

export const emptyItemDraft = (currencies: readonly Currency[]): ItemDraft => ({
  title: "",
  body: "",
  link: "",
  tags: "",
  kind: "knowledge",
  amount: "",
  currency: currencies[0]?.code ?? "",
});

/** An item as the edit form starts from it. */
export function draftOf(item: ItemView, currencies: readonly Currency[]): ItemDraft {
  const currency = currencies.find((candidate) => candidate.code === item.currency);
  return {
    title: item.title,
    body: item.body,
    link: item.link ?? "",
    tags: item.tags.join(", "),
    kind: item.kind,
    // As the member would type it back ("2.50"), not in the locale's display form.
    amount: item.amount !== undefined && currency ? formatAmount(item.amount, currency) : "",
    currency: item.currency ?? currencies[0]?.code ?? "",
  };
}

/** The price a draft asks for: only an offer or a need, only when an amount is typed. */
export const priceOf = (draft: ItemDraft): { amount: string; currency: string } | undefined =>
  draft.kind !== "knowledge" && draft.amount.trim() !== "" ? { amount: draft.amount.trim(), currency: draft.currency } : undefined;

/** Comma-separated tags, cleaned by the host's own rule, so the form shows the list the item will get. */
export function tagsOf(text: string): string[] {
  return cleanTags(text.split(","));
}

export type ItemProblems = Partial<Record<keyof ItemDraft, string>>;

export function itemProblems(draft: ItemDraft, currencies: readonly Currency[]): ItemProblems {
  const problems: ItemProblems = {};
  if (draft.title.trim() === "") problems.title = "A knowledge item needs a title";
  else if (characters(draft.title) > LIMITS.title) problems.title = `A title can be at most ${LIMITS.title} characters`;
  if (characters(draft.body) > LIMITS.body) problems.body = `The description can be at most ${LIMITS.body.toLocaleString("en")} characters`;
  if (draft.link.trim() !== "") {
    const link = parseWebLink(draft.link.trim());
    if (!link.ok) problems.link = link.error.message;
  }
  const price = priceOf(draft);
  if (price) {
    const currency = currencies.find((candidate) => candidate.code === price.currency);
    const amount = currency ? parseAmount(price.amount, currency) : undefined;
    if (!currency) problems.amount = "Choose a currency";
    else if (amount && !amount.ok) problems.amount = amount.error.message;
  }
  const tags = tagsOf(draft.tags);
  if (tags.length > MAX_TAGS) problems.tags = `At most ${MAX_TAGS} tags`;
  else if (tags.some((tag) => characters(tag) > MAX_TAG_LENGTH)) problems.tags = `A tag can be at most ${MAX_TAG_LENGTH} characters`;
  return problems;
}
