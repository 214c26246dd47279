import { parseWebLink } from "../../shared/docs/link";
import { randomId } from "../../shared/identity/keys";
import { kindOf, type Item, type ItemKind } from "../../shared/inventory/item";
import { cleanTags } from "../../shared/inventory/inventory";
import { fail, failWith, ok, type Result } from "../../shared/result";
import { shareWithPartners } from "../commune/partner-docs";
import { itemRecord } from "../commune/record-kinds";
import { itemViews } from "../commune/views";
import { writeRecord, type Fields } from "../commune/writer";
import type { CommuneModel } from "../commune/commune-model";
import { amountIn, communeModel, type Handlers, type HostContext } from "./context";

type InventoryCommand = "inventory.add" | "inventory.edit" | "inventory.retire" | "inventory.list";

/** A version of an item as the host signs it: title trimmed, link checked, tags cleaned. */
function versionOf(fields: Fields<Item>): Result<Fields<Item>> {
  if (fields.title.trim() === "") return fail("item.noTitle", "A knowledge item needs a title.", { field: "title" });
  if (fields.amount !== undefined && fields.kind === undefined)
    return fail("item.priceOnKnowledge", "Only an offer or a need has an amount: make it an offer or a need, or leave the amount out.", { field: "price" });
  let link: string | undefined;
  if (fields.link !== undefined && fields.link.trim() !== "") {
    const parsed = parseWebLink(fields.link.trim());
    if (!parsed.ok) return failWith({ ...parsed.error, field: "link" });
    link = parsed.value;
  }
  return ok({ ...fields, title: fields.title.trim(), link, tags: cleanTags(fields.tags) });
}

/** Files a new version under the item's id; the writer judges it against the inventory as it stands in the queue. */
async function saveVersion(
  host: HostContext,
  commune: string,
  build: (items: ReadonlyArray<{ item: Item }>, model: CommuneModel) => Result<Fields<Item>>,
): Promise<Result<{ id: string }>> {
  const node = host.node(commune);
  if (!node.ok) return node;
  const written = await writeRecord(node.value, host, itemRecord, (model) => {
    const fields = build(model.items, model);
    return fields.ok ? versionOf(fields.value) : fields;
  });
  if (!written.ok) return written;
  // The version is written whatever becomes of the copies: a copy the disk refused now is made by the next write (shareWithPartners copies what is missing).
  await shareWithPartners(host, node.value);
  return ok({ id: written.value.id });
}

type Price = { amount: string; currency: string };

/** The kind and price fields of a version: knowledge is stored as no kind, a price as minor units of a currency the commune has now. */
function kindAndPrice(model: CommuneModel, kind: ItemKind, price: Price | undefined): Result<Pick<Item, "kind" | "amount" | "currency">> {
  if (price === undefined) return ok(kind === "knowledge" ? {} : { kind });
  if (kind === "knowledge")
    return fail("item.priceOnKnowledge", "Only an offer or a need has an amount: make it an offer or a need, or leave the amount out.", { field: "price" });
  const amount = amountIn(model, price.amount, price.currency, Date.now());
  if (!amount.ok) return failWith({ ...amount.error, field: "price" });
  return ok({ kind, amount: amount.value, currency: price.currency });
}

/**
 * The kind and price of an edited item: a price typed now replaces the old
 * one, null takes it away, and an untouched one is kept as its minor units
 * (whatever the currency's decimals say today), unless the item becomes
 * knowledge, which has none.
 */
function editedKindAndPrice(
  model: CommuneModel,
  before: Item,
  kind: ItemKind,
  price: Price | null | undefined,
): Result<Pick<Item, "kind" | "amount" | "currency">> {
  if (price) return kindAndPrice(model, kind, price);
  if (price === null || kind === "knowledge" || before.amount === undefined || before.currency === undefined) return kindAndPrice(model, kind, undefined);
  return ok({ kind, amount: before.amount, currency: before.currency });
}

/** An item's current version, or why there is none. */
function currentItem(items: ReadonlyArray<{ item: Item }>, id: string): Result<Item> {
  const current = items.find((view) => view.item.id === id)?.item;
  return current ? ok(current) : fail("item.notFound", "There is no such item in this commune's inventory.", { field: "id" });
}

/** What every version repeats of the one before; kind, price, link and retired are each decided by the command, never carried over by accident. */
function carried(current: Item): Fields<Item> {
  const { id, version, title, body, tags, sharedWith } = current;
  // Whom it is shared with stays as its author chose: retiring an item shows it retired where it was shared.
  return { id, version, title, body, tags, ...(sharedWith !== undefined ? { sharedWith } : {}) };
}

export const inventoryCommands: Handlers<InventoryCommand> = {
  async "inventory.add"(input, host) {
    return saveVersion(host, input.commune, (_items, model) => {
      const kind = kindAndPrice(model, input.kind, input.price);
      if (!kind.ok) return kind;
      return ok({
        id: randomId(),
        version: 1,
        title: input.title,
        body: input.body,
        tags: input.tags,
        ...(input.link ? { link: input.link } : {}),
        ...kind.value,
        ...(input.sharedWith !== undefined ? { sharedWith: input.sharedWith } : {}),
      });
    });
  },

  async "inventory.edit"(input, host) {
    return saveVersion(host, input.commune, (items, model) => {
      const current = currentItem(items, input.id);
      if (!current.ok) return current;
      const before = current.value;
      const link = input.link === null ? undefined : (input.link ?? before.link);
      const price = editedKindAndPrice(model, before, input.kind ?? kindOf(before), input.price);
      if (!price.ok) return price;
      return ok({
        ...carried(before),
        version: before.version + 1,
        title: input.title ?? before.title,
        body: input.body ?? before.body,
        tags: input.tags ?? before.tags,
        ...(link ? { link } : {}),
        ...price.value,
        ...(before.retired ? { retired: true as const } : {}),
        ...(input.sharedWith !== undefined ? { sharedWith: input.sharedWith } : {}),
      });
    });
  },

  async "inventory.retire"(input, host) {
    return saveVersion(host, input.commune, (items) => {
      const current = currentItem(items, input.id);
      if (!current.ok) return current;
      const before = current.value;
      if ((before.retired === true) === input.retired)
        return fail(
          input.retired ? "item.alreadyRetired" : "item.notRetired",
          input.retired ? `"${before.title}" is already retired.` : `"${before.title}" is not retired.`,
          { field: "id" },
        );
      const { amount, currency, link } = before;
      return ok({
        ...carried(before),
        ...(link ? { link } : {}),
        version: before.version + 1,
        ...(before.kind ? { kind: before.kind } : {}),
        ...(amount !== undefined && currency !== undefined ? { amount, currency } : {}),
        ...(input.retired ? { retired: true as const } : {}),
      });
    });
  },

  async "inventory.list"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    return ok(itemViews(found.value.model, input.query).filter((item) => (input.retired || !item.retired) && (!input.kind || item.kind === input.kind)));
  },
};
