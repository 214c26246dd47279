import { fail } from "../shared/result";
import type { FlagSpec } from "./args";
import { clean, shortId } from "./text";
import { always, defineVerb, never, planned, required } from "./verb";
import { itemsText } from "./views-text";

/** Verbs about the knowledge inventory the commune shares. */

const ITEM_FLAGS: FlagSpec[] = [
  { name: "title", kind: "value", value: "TEXT", help: "the item's title" },
  { name: "body", kind: "value", value: "TEXT", help: "what there is to know" },
  { name: "link", kind: "value", value: "URL", help: "an http(s) link" },
  { name: "tag", kind: "list", value: "TAG", help: "a tag (repeatable)" },
];

export const knowledgeAdd = defineVerb<"inventory.add">({
  verb: "knowledge add",
  args: [],
  flags: ITEM_FLAGS,
  summary: "add an item to the knowledge inventory",
  synopsis: "--title TEXT [--body TEXT] [--link URL] [--tag TAG]...",
  details: ['Example: commune knowledge add --title "Sourdough" --body "Feed the starter daily" --tag kitchen'],
  scoped: true,
  writes: always,
  build(args) {
    const title = required(args, "title");
    if (!title.ok) return title;
    const body = args.value("body");
    const link = args.value("link");
    return planned("inventory.add", {
      title: title.value,
      tags: args.list("tag"),
      ...(body !== undefined ? { body } : {}),
      ...(link !== undefined ? { link } : {}),
    });
  },
  print: ({ value }, { input }) => `Added ${JSON.stringify(clean(String(input.title)))} (item ${shortId(value.id)}).`,
});

export const knowledgeEdit = defineVerb<"inventory.edit">({
  verb: "knowledge edit",
  args: ["<ITEM>"],
  flags: [
    ...ITEM_FLAGS.map((flag) => (flag.name === "tag" ? { ...flag, help: "the new tags, replacing the old (repeatable)" } : flag)),
    { name: "no-link", kind: "boolean", help: "remove the link" },
    { name: "no-tags", kind: "boolean", help: "remove every tag" },
  ],
  summary: "save a new version of an item (id or a unique prefix of 4+ characters)",
  scoped: true,
  writes: always,
  build(args) {
    const id = args.positionals[0]!;
    if (args.value("link") !== undefined && args.flag("no-link"))
      return fail("usage.conflictingFlags", "give only one of --link and --no-link", { field: "link" });
    if (args.list("tag").length > 0 && args.flag("no-tags")) return fail("usage.conflictingFlags", "give only one of --tag and --no-tags", { field: "tags" });
    const title = args.value("title");
    const body = args.value("body");
    const link = args.flag("no-link") ? null : args.value("link");
    const tags = args.flag("no-tags") ? [] : args.list("tag");
    if (title === undefined && body === undefined && link === undefined && tags.length === 0 && !args.flag("no-tags")) {
      return fail("usage.nothingToChange", "say what changes: --title, --body, --link, --no-link, --tag or --no-tags");
    }
    return planned(
      "inventory.edit",
      {
        id,
        ...(title !== undefined ? { title } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(link !== undefined ? { link } : {}),
        ...(tags.length > 0 || args.flag("no-tags") ? { tags } : {}),
      },
      [{ kind: "item", path: ["id"], text: id }],
    );
  },
  print: ({ value }) => `Saved a new version of item ${shortId(value.id)}.`,
});

export const knowledgeList = defineVerb<"inventory.list">({
  verb: "knowledge list",
  args: ["[QUERY...]"],
  flags: [],
  summary: "the inventory, or the items matching every word of QUERY",
  scoped: true,
  writes: never,
  build: (args) => planned("inventory.list", { query: args.positionals.join(" ") }),
  print: ({ value }, { input }) => itemsText(value, String(input.query ?? "")),
});
