import { isActiveAt } from "../../shared/commune/state";
import { toStored } from "../../shared/docs/automerge-form";
import { parseWebLink } from "../../shared/docs/link";
import { randomId } from "../../shared/identity/keys";
import { sign } from "../../shared/identity/signed";
import type { Item } from "../../shared/inventory/item";
import { fail, ok, type Result } from "../../shared/result";
import type { CommuneNode } from "../commune/commune-node";
import { itemViews } from "../commune/views";
import { cleanTags } from "../../shared/inventory/inventory";
import { communeModel, type Handlers, type HostContext } from "./context";

type InventoryCommand = "inventory.add" | "inventory.edit" | "inventory.list";

/** Signs a version of an item and files it under the item's id. */
async function saveVersion(node: CommuneNode, host: HostContext, fields: Omit<Item, "commune" | "at">): Promise<Result<{ id: string }>> {
  if (fields.title.trim() === "") return fail("A knowledge item needs a title.");
  let link: string | undefined;
  if (fields.link !== undefined && fields.link.trim() !== "") {
    const parsed = parseWebLink(fields.link.trim());
    if (!parsed.ok) return fail(parsed.error);
    link = parsed.value;
  }
  const model = node.model();
  if (!model.ok) return model;
  const at = host.now();
  if (!isActiveAt(model.value.state, host.keys.publicKey, at)) return fail("Only an active member can add to the inventory.");
  const item = sign(host.crypto, "item", { ...fields, title: fields.title.trim(), link, tags: cleanTags(fields.tags), commune: node.id, at }, host.keys);
  node.docs.inventory.change((doc) => {
    const versions = doc.items[item.id];
    if (versions) versions.push(toStored(item) as (typeof versions)[number]);
    else doc.items[item.id] = [toStored(item)] as (typeof doc.items)[string];
  });
  await node.persist();
  return ok({ id: item.id });
}

export const inventoryCommands: Handlers<InventoryCommand> = {
  async "inventory.add"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    return node.value.exclusive(() =>
      saveVersion(node.value, host, { id: randomId(), version: 1, title: input.title, body: input.body, tags: input.tags, ...(input.link ? { link: input.link } : {}) }),
    );
  },

  async "inventory.edit"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    return node.value.exclusive(async () => {
      const model = node.value.model();
      if (!model.ok) return model;
      const current = model.value.items.find((view) => view.item.id === input.id)?.item;
      if (!current) return fail("There is no such item in this commune's inventory.");
      const link = input.link === null ? undefined : (input.link ?? current.link);
      return saveVersion(node.value, host, {
        id: current.id,
        version: current.version + 1,
        title: input.title ?? current.title,
        body: input.body ?? current.body,
        tags: input.tags ?? current.tags,
        ...(link ? { link } : {}),
      });
    });
  },

  async "inventory.list"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    return ok(itemViews(found.value.model, input.query));
  },
};
