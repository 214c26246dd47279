import { parseWebLink } from "../../shared/docs/link";
import { randomId } from "../../shared/identity/keys";
import type { Item } from "../../shared/inventory/item";
import { cleanTags } from "../../shared/inventory/inventory";
import { fail, failWith, ok, type Result } from "../../shared/result";
import { itemRecord } from "../commune/record-kinds";
import { itemViews } from "../commune/views";
import { writeRecord, type Fields } from "../commune/writer";
import { communeModel, type Handlers, type HostContext } from "./context";

type InventoryCommand = "inventory.add" | "inventory.edit" | "inventory.list";

/** A version of an item as the host signs it: title trimmed, link checked, tags cleaned. */
function versionOf(fields: Fields<Item>): Result<Fields<Item>> {
  if (fields.title.trim() === "") return fail("item.noTitle", "A knowledge item needs a title.", { field: "title" });
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
  build: (items: ReadonlyArray<{ item: Item }>) => Result<Fields<Item>>,
): Promise<Result<{ id: string }>> {
  const node = host.node(commune);
  if (!node.ok) return node;
  const written = await writeRecord(node.value, host, itemRecord, (model) => {
    const fields = build(model.items);
    return fields.ok ? versionOf(fields.value) : fields;
  });
  return written.ok ? ok({ id: written.value.id }) : written;
}

export const inventoryCommands: Handlers<InventoryCommand> = {
  async "inventory.add"(input, host) {
    return saveVersion(host, input.commune, () =>
      ok({ id: randomId(), version: 1, title: input.title, body: input.body, tags: input.tags, ...(input.link ? { link: input.link } : {}) }),
    );
  },

  async "inventory.edit"(input, host) {
    return saveVersion(host, input.commune, (items) => {
      const current = items.find((view) => view.item.id === input.id)?.item;
      if (!current) return fail("item.notFound", "There is no such item in this commune's inventory.", { field: "id" });
      const link = input.link === null ? undefined : (input.link ?? current.link);
      return ok({
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
