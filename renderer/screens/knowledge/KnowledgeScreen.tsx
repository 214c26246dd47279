import { useEffect, useState } from "react";
import { useCommand, useView } from "../../link/hooks";
import { EmptyState, ErrorText, Panel } from "../../ui";
import { ItemForm } from "./ItemForm";
import { KnowledgeItem } from "./KnowledgeItem";
import { emptyItemDraft, tagsOf, type ItemDraft } from "./item-draft";
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

/** The commune's knowledge inventory: search it, filter by tag, add to it and keep it up to date. */
export function KnowledgeScreen({ communeId }: { communeId: string }) {
  const [search, setSearch] = useState("");
  const query = useSettled(search.trim());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const all = useView("inventory.list", { commune: communeId, query: "" });
  const found = useView("inventory.list", { commune: communeId, query });
  const commune = useView("commune.show", { commune: communeId });
  const [add, adding, clearAdd] = useCommand("inventory.add");
  const [added, setAdded] = useState<string | undefined>();
  const canEdit = commune.value?.myStatus === "active";

  const tags = [...new Set((all.value ?? []).flatMap((item) => item.tags))].sort();
  const shown = (found.value ?? []).filter((item) => [...selected].every((tag) => item.tags.includes(tag)));
  const toggle = (tag: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (!next.delete(tag)) next.add(tag);
      return next;
    });

  const addItem = async (draft: ItemDraft) => {
    const link = draft.link.trim();
    const done = await add({ commune: communeId, title: draft.title.trim(), body: draft.body, tags: tagsOf(draft.tags), ...(link ? { link } : {}) });
    if (done) setAdded(draft.title.trim());
    return done !== undefined;
  };

  const filtering = query !== "" || selected.size > 0;
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
              ? `${shown.length} ${shown.length === 1 ? "item" : "items"}${filtering ? " match" : ""}`
              : found.loading
                ? "Loading the inventory…"
                : ""}
          </p>
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
                <KnowledgeItem communeId={communeId} item={item} canEdit={canEdit} />
              </li>
            ))}
          </ul>
        </Panel>
        {canEdit ? (
          <Panel title="Add to the inventory">
            <ItemForm
              label="Add item"
              initial={emptyItemDraft}
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
