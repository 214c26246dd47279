import { useEffect, useState } from "react";
import { useCommand, useView } from "../../link/hooks";
import type { ItemKind } from "../../../shared/inventory/item";
import { Checkbox, EmptyState, ErrorText, Panel } from "../../ui";
import { ItemForm } from "./ItemForm";
import { KnowledgeItem } from "./KnowledgeItem";
import { emptyItemDraft, priceOf, tagsOf, type ItemDraft } from "./item-draft";
import "./knowledge.css";

/** The text stops changing for a moment before the host is asked, so typing does not send a query per key. */
function useSettled(text: string, delayMs = 200): string {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), delayMs);
    return () => clearTimeout(timer);
  }, [text, delayMs]);
  return settled;
}

const KIND_FILTERS: readonly { value: ItemKind | "all"; label: string }[] = [
  { value: "all", label: "Everything" },
  { value: "knowledge", label: "Knowledge" },
  { value: "offer", label: "Offers" },
  { value: "need", label: "Needs" },
];

/** The commune's knowledge inventory, offers and needs: search it, filter by kind and tag, add to it, keep it up to date, retire what is done. */
export function KnowledgeScreen({ communeId }: { communeId: string }) {
  const [search, setSearch] = useState("");
  const query = useSettled(search.trim());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [kind, setKind] = useState<ItemKind | "all">("all");
  const [showRetired, setShowRetired] = useState(false);
  // Retired items come too, so the screen can say how many there are; they show only when asked for.
  const all = useView("inventory.list", { commune: communeId, query: "", retired: true });
  const found = useView("inventory.list", { commune: communeId, query, retired: true });
  const commune = useView("commune.show", { commune: communeId });
  const [add, adding, clearAdd] = useCommand("inventory.add");
  const [added, setAdded] = useState<string | undefined>();
  const canEdit = commune.value?.myStatus === "active";
  const currencies = commune.value?.balances.currencies ?? [];

  const tags = [...new Set((all.value ?? []).filter((item) => !item.retired).flatMap((item) => item.tags))].sort();
  const matching = (found.value ?? []).filter((item) => (kind === "all" || item.kind === kind) && [...selected].every((tag) => item.tags.includes(tag)));
  const retiredCount = matching.filter((item) => item.retired).length;
  const shown = showRetired ? matching : matching.filter((item) => !item.retired);
  const toggle = (tag: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (!next.delete(tag)) next.add(tag);
      return next;
    });

  const addItem = async (draft: ItemDraft) => {
    const link = draft.link.trim();
    const price = priceOf(draft);
    const done = await add({
      commune: communeId,
      title: draft.title.trim(),
      body: draft.body,
      tags: tagsOf(draft.tags),
      kind: draft.kind,
      ...(link ? { link } : {}),
      ...(price ? { price } : {}),
    });
    if (done) setAdded(draft.title.trim());
    return done !== undefined;
  };

  const filtering = query !== "" || selected.size > 0 || kind !== "all";
  return (
    <div className="stack knowledge-screen">
      <h1>Knowledge</h1>
      <div className="knowledge-layout">
        <Panel title="Inventory">
          <form role="search" className="knowledge-search" onSubmit={(event) => event.preventDefault()}>
            <input
              type="search"
              aria-label="Search knowledge"
              placeholder="Search titles, descriptions and tags"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
          </form>
          <div className="tag-chips" role="group" aria-label="Filter by kind">
            {KIND_FILTERS.map((filter) => (
              <button key={filter.value} type="button" className="tag-chip" aria-pressed={kind === filter.value} onClick={() => setKind(filter.value)}>
                {filter.label}
              </button>
            ))}
          </div>
          {tags.length > 0 ? (
            <div className="tag-chips" role="group" aria-label="Filter by tag">
              {tags.map((tag) => (
                <button key={tag} type="button" className="tag-chip" aria-pressed={selected.has(tag)} onClick={() => toggle(tag)}>
                  {tag}
                </button>
              ))}
            </div>
          ) : null}
          <ErrorText error={found.error} />
          <p className="muted" role="status" aria-live="polite">
            {found.value
              ? `${shown.length} ${shown.length === 1 ? "item" : "items"}${filtering ? " match" : ""}${
                  retiredCount > 0 && !showRetired ? `; ${retiredCount} retired ${retiredCount === 1 ? "item is" : "items are"} hidden` : ""
                }`
              : found.loading
                ? "Loading the inventory…"
                : ""}
          </p>
          {retiredCount > 0 || showRetired ? <Checkbox label="Show retired items" checked={showRetired} onChange={setShowRetired} /> : null}
          {found.value && shown.length === 0 ? (
            <EmptyState>
              {filtering
                ? "Nothing matches. Try other words or fewer tags."
                : canEdit
                  ? "The inventory is empty. Add what the commune knows, owns or can lend: a recipe, a tool, a contact, a how-to."
                  : "The inventory is empty."}
            </EmptyState>
          ) : null}
          <ul className="plain-list knowledge-list">
            {shown.map((item) => (
              <li key={item.id}>
                <KnowledgeItem communeId={communeId} item={item} canEdit={canEdit} currencies={currencies} />
              </li>
            ))}
          </ul>
        </Panel>
        {canEdit ? (
          <Panel title="Add to the inventory">
            <ItemForm
              key={currencies.map((currency) => currency.code).join(",")}
              label="Add item"
              currencies={currencies}
              initial={emptyItemDraft(currencies)}
              submitLabel="Add item"
              running={adding.running}
              error={adding.error}
              success={added ? `“${added}” is in the inventory.` : undefined}
              onSubmit={addItem}
              onEdit={() => {
                setAdded(undefined);
                if (adding.error) clearAdd();
              }}
            />
          </Panel>
        ) : null}
      </div>
    </div>
  );
}
