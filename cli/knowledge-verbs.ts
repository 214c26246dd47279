import type { ItemKind, SharedWith } from "../shared/inventory/item";
import { COMMUNE_ID } from "../shared/docs/fields";
import { fail, ok, type Result } from "../shared/result";
import type { Args, FlagSpec } from "./args";
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

const KIND_FLAGS: FlagSpec[] = [
  { name: "offer", kind: "boolean", help: "something a member offers: a skill, a tool to lend" },
  { name: "need", kind: "boolean", help: "something the commune needs: help with a harvest" },
];
const SHARE_FLAG: FlagSpec = {
  name: "share",
  kind: "list",
  value: "WHOM",
  help: "who sees it: commune (us only), partners (every partner), or a partner commune's id (repeatable); offers and needs go to partners unless told",
};

/** --share as typed: nothing, "commune", "partners", or partner commune ids. */
function shareFlag(args: Args): Result<SharedWith | undefined> {
  const whom = args.list("share").map((text) => text.trim().toLowerCase());
  if (whom.length === 0) return ok(undefined);
  if (whom.length === 1 && (whom[0] === "commune" || whom[0] === "partners")) return ok(whom[0]);
  const notIds = whom.filter((text) => !COMMUNE_ID.test(text));
  if (notIds.length > 0)
    return fail("usage.badShare", `--share takes commune, partners, or partner commune ids (32 hex digits), not ${JSON.stringify(notIds[0])}`, {
      field: "sharedWith",
    });
  return ok(whom);
}

const PRICE_FLAGS: FlagSpec[] = [
  { name: "amount", kind: "value", value: "AMOUNT", help: "what an offer asks or a need offers in return (with --currency)" },
  { name: "currency", kind: "value", value: "CODE", help: "the amount's currency, such as EUR or HOUR" },
];

/** --offer or --need, or knowledge when neither; both is a mistake. */
function kindFlag(args: Args): Result<ItemKind | undefined> {
  if (args.flag("offer") && args.flag("need")) return fail("usage.conflictingFlags", "give only one of --offer and --need", { field: "kind" });
  return ok(args.flag("offer") ? "offer" : args.flag("need") ? "need" : undefined);
}

/** --amount and --currency, together or not at all. */
function priceFlags(args: Args): Result<{ amount: string; currency: string } | undefined> {
  const amount = args.value("amount");
  const currency = args.value("currency");
  if ((amount === undefined) !== (currency === undefined))
    return fail("usage.missingFlag", amount === undefined ? "--currency needs --amount" : "--amount needs --currency (such as EUR or HOUR)", {
      field: "price",
    });
  return ok(amount === undefined || currency === undefined ? undefined : { amount, currency: currency.toUpperCase() });
}

export const knowledgeAdd = defineVerb<"inventory.add">({
  verb: "knowledge add",
  args: [],
  flags: [...ITEM_FLAGS, ...KIND_FLAGS, ...PRICE_FLAGS, SHARE_FLAG],
  summary: "add knowledge, an offer or a need to the inventory",
  synopsis: "--title TEXT [--body MARKDOWN] [--link URL] [--tag TAG]... [--offer | --need [--amount AMOUNT --currency CODE]] [--share WHOM]...",
  details: [
    'Example: commune knowledge add --title "Sourdough" --body "Feed the starter daily" --tag kitchen',
    'Example: commune knowledge add --offer --title "Bike repairs" --amount 2 --currency HOUR',
  ],
  scoped: true,
  writes: always,
  build(args) {
    const title = required(args, "title");
    if (!title.ok) return title;
    const kind = kindFlag(args);
    if (!kind.ok) return kind;
    const price = priceFlags(args);
    if (!price.ok) return price;
    if (price.value && !kind.value) return fail("usage.priceOnKnowledge", "only an offer or a need has an amount: add --offer or --need", { field: "price" });
    const sharedWith = shareFlag(args);
    if (!sharedWith.ok) return sharedWith;
    const body = args.value("body");
    const link = args.value("link");
    return planned("inventory.add", {
      title: title.value,
      tags: args.list("tag"),
      ...(body !== undefined ? { body } : {}),
      ...(link !== undefined ? { link } : {}),
      ...(kind.value ? { kind: kind.value } : {}),
      ...(price.value ? { price: price.value } : {}),
      ...(sharedWith.value ? { sharedWith: sharedWith.value } : {}),
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
    ...KIND_FLAGS,
    { name: "knowledge", kind: "boolean", help: "make it knowledge again (drops its amount)" },
    ...PRICE_FLAGS,
    { name: "no-amount", kind: "boolean", help: "remove the amount" },
  ],
  summary: "save a new version of an item (id or a unique prefix of 4+ characters)",
  scoped: true,
  writes: always,
  build(args) {
    const id = args.positionals[0]!;
    if (args.value("link") !== undefined && args.flag("no-link"))
      return fail("usage.conflictingFlags", "give only one of --link and --no-link", { field: "link" });
    if (args.list("tag").length > 0 && args.flag("no-tags")) return fail("usage.conflictingFlags", "give only one of --tag and --no-tags", { field: "tags" });
    const kindGiven = kindFlag(args);
    if (!kindGiven.ok) return kindGiven;
    if (args.flag("knowledge") && kindGiven.value)
      return fail("usage.conflictingFlags", `give only one of --knowledge and --${kindGiven.value}`, { field: "kind" });
    const kind: ItemKind | undefined = args.flag("knowledge") ? "knowledge" : kindGiven.value;
    const priceGiven = priceFlags(args);
    if (!priceGiven.ok) return priceGiven;
    if (priceGiven.value && args.flag("no-amount")) return fail("usage.conflictingFlags", "give only one of --amount and --no-amount", { field: "price" });
    const price = args.flag("no-amount") ? null : priceGiven.value;
    const title = args.value("title");
    const body = args.value("body");
    const link = args.flag("no-link") ? null : args.value("link");
    const tags = args.flag("no-tags") ? [] : args.list("tag");
    if (
      title === undefined &&
      body === undefined &&
      link === undefined &&
      tags.length === 0 &&
      !args.flag("no-tags") &&
      kind === undefined &&
      price === undefined
    ) {
      return fail(
        "usage.nothingToChange",
        "say what changes: --title, --body, --link, --no-link, --tag, --no-tags, --offer, --need, --knowledge, --amount or --no-amount",
      );
    }
    return planned(
      "inventory.edit",
      {
        id,
        ...(title !== undefined ? { title } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(link !== undefined ? { link } : {}),
        ...(tags.length > 0 || args.flag("no-tags") ? { tags } : {}),
        ...(kind !== undefined ? { kind } : {}),
        ...(price !== undefined ? { price } : {}),
      },
      [{ kind: "item", path: ["id"], text: id }],
    );
  },
  print: ({ value }) => `Saved a new version of item ${shortId(value.id)}.`,
});

export const knowledgeList = defineVerb<"inventory.list">({
  verb: "knowledge list",
  args: ["[QUERY...]"],
  flags: [
    { name: "offers", kind: "boolean", help: "only offers" },
    { name: "needs", kind: "boolean", help: "only needs" },
    { name: "retired", kind: "boolean", help: "retired items too" },
  ],
  summary: "the inventory, or the items matching every word of QUERY",
  scoped: true,
  writes: never,
  build(args) {
    if (args.flag("offers") && args.flag("needs")) return fail("usage.conflictingFlags", "give only one of --offers and --needs", { field: "kind" });
    const kind = args.flag("offers") ? "offer" : args.flag("needs") ? "need" : undefined;
    return planned("inventory.list", { query: args.positionals.join(" "), ...(kind ? { kind } : {}), ...(args.flag("retired") ? { retired: true } : {}) });
  },
  // An offer's or need's price is printed with the commune's currencies (the CLI fetches them for this verb).
  needsCurrencies: true,
  print: ({ value }, { input, currencies }) => itemsText(value, String(input.query ?? ""), currencies),
});

const retireVerb = (verb: "knowledge retire" | "knowledge restore", retired: boolean) =>
  defineVerb<"inventory.retire">({
    verb,
    args: ["<ITEM>"],
    flags: [],
    summary: retired
      ? "retire an item: it leaves the inventory's list, and its history stays (id or a unique prefix of 4+ characters)"
      : "bring a retired item back into the inventory",
    scoped: true,
    writes: always,
    build: (args) => planned("inventory.retire", { id: args.positionals[0]!, retired }, [{ kind: "item", path: ["id"], text: args.positionals[0]! }]),
    print: ({ value }) =>
      retired
        ? `Retired item ${shortId(value.id)}; "commune knowledge list --retired" still shows it, and "commune knowledge restore ${shortId(value.id)}" brings it back.`
        : `Item ${shortId(value.id)} is back in the inventory.`,
  });

export const knowledgeRetire = retireVerb("knowledge retire", true);
export const knowledgeRestore = retireVerb("knowledge restore", false);
