import { useEffect, useState } from "react";
import { useCommand, useView } from "../../link/hooks";
import type { ItemKind } from "../../../shared/inventory/item";
import { Button, Checkbox, EmptyState, ErrorText, Panel, useNow } from "../../ui";
import { usePartnerReads } from "../partners/partner-reads";
import { ItemForm } from "./ItemForm";
import { KnowledgeItem } from "./KnowledgeItem";
import { PartnerItem } from "./PartnerItem";
import { partnerItemsMatching, partnerReadWords, type PartnerSource } from "./partner-items";
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

/**
 * The commune's knowledge inventory, offers and needs, combined with what
 * every active partner shares (as last read of it, read once when the
 * screen first needs it and again on "Refresh partners"): search it, filter
 * by kind and tag, add to it, keep ours up to date, retire what is done.
 * A partner's items are read only and say where they come from.
 */
export function KnowledgeScreen({ communeId }: { communeId: string }) {
  const [search, setSearch] = useState("");
  const query = useSettled(search.trim());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [kind, setKind] = useState<ItemKind | "all">("all");
  /** "all", "ours", or a partner commune's id. */
  const [from, setFrom] = useState("all");
  const [showRetired, setShowRetired] = useState(false);
  // Retired items come too, so the screen can say how many there are; they show only when asked for.
  const all = useView("inventory.list", { commune: communeId, query: "", retired: true });
  const found = useView("inventory.list", { commune: communeId, query, retired: true });
  const commune = useView("commune.show", { commune: communeId });
  const [add, adding, clearAdd] = useCommand("inventory.add");
  const [added, setAdded] = useState<string | undefined>();
  const canEdit = commune.value?.myStatus === "active";
  const currencies = commune.value?.balances.currencies ?? [];
  const partnerships = useView("partner.list", { commune: communeId });
  const { readOf, read } = usePartnerReads(communeId);
  const now = useNow();
  const active = (partnerships.value ?? []).filter((partner) => partner.active);
  const unread = active.filter((partner) => readOf(partner.commune) === undefined).map((partner) => partner.commune);
  // A partner not read since the window opened is read once; after that only "Refresh partners" reads again.
  const toRead = unread.join(",");
  useEffect(() => {
    for (const partner of toRead.split(",").filter(Boolean)) void read(partner);
  }, [toRead, read]);
  const sources: PartnerSource[] = active.flatMap((partner) => {
    const view = readOf(partner.commune)?.view;
    return view ? [{ partner: partner.commune, name: partner.name, items: view.items }] : [];
  });
  const refreshing = active.some((partner) => readOf(partner.commune)?.reading);

  const tags = [...new Set((all.value ?? []).filter((item) => !item.retired).flatMap((item) => item.tags))].sort();
  // A partner no longer active (or not read) has no items here: the source filter falls back to everything.
  const source = from === "all" || from === "ours" || sources.some(({ partner }) => partner === from) ? from : "all";
  const matching = (source === "all" || source === "ours" ? (found.value ?? []) : []).filter(
    (item) => (kind === "all" || item.kind === kind) && [...selected].every((tag) => item.tags.includes(tag)),
  );
  const fromPartners = partnerItemsMatching(
    sources.filter(({ partner }) => source === "all" || source === partner),
    { query, kind, tags: selected, retired: true },
  );
  const retiredCount = matching.filter((item) => item.retired).length + fromPartners.filter(({ item }) => item.retired).length;
  const shown = showRetired ? matching : matching.filter((item) => !item.retired);
  const partnersShown = showRetired ? fromPartners : fromPartners.filter(({ item }) => !item.retired);
  const count = shown.length + partnersShown.length;
  const ourName = commune.value?.name ?? "";
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

  const filtering = query !== "" || selected.size > 0 || kind !== "all" || source !== "all";
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
          {sources.length > 0 ? (
            <div className="tag-chips" role="group" aria-label="Filter by source">
              {[
                { value: "all", label: "Every commune" },
                { value: "ours", label: `${ourName} (ours)` },
                ...sources.map(({ partner, name }) => ({ value: partner, label: name })),
              ].map((filter) => (
                <button key={filter.value} type="button" className="tag-chip" aria-pressed={source === filter.value} onClick={() => setFrom(filter.value)}>
                  {filter.label}
                </button>
              ))}
            </div>
          ) : null}
          {tags.length > 0 ? (
            <div className="tag-chips" role="group" aria-label="Filter by tag">
              {tags.map((tag) => (
                <button key={tag} type="button" className="tag-chip" aria-pressed={selected.has(tag)} onClick={() => toggle(tag)}>
                  {tag}
                </button>
              ))}
            </div>
          ) : null}
          {active.length > 0 ? (
            <div className="knowledge-partners">
              <ul className="plain-list" aria-label="Partners' items">
                {active.map((partner) => (
                  <li key={partner.commune} className="muted">
                    {partnerReadWords(partner.name, readOf(partner.commune), now)}
                  </li>
                ))}
              </ul>
              <Button variant="secondary" busy={refreshing} onClick={() => active.forEach((partner) => void read(partner.commune))}>
                Refresh partners
              </Button>
            </div>
          ) : null}
          <ErrorText error={found.error} />
          <p className="muted" role="status" aria-live="polite">
            {found.value
              ? `${count} ${count === 1 ? "item" : "items"}${filtering ? " match" : ""}${
                  retiredCount > 0 && !showRetired ? `; ${retiredCount} retired ${retiredCount === 1 ? "item is" : "items are"} hidden` : ""
                }`
              : found.loading
                ? "Loading the inventory…"
                : ""}
          </p>
          {retiredCount > 0 || showRetired ? <Checkbox label="Show retired items" checked={showRetired} onChange={setShowRetired} /> : null}
          {found.value && count === 0 ? (
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
                <KnowledgeItem communeId={communeId} item={item} canEdit={canEdit} currencies={currencies} sourceName={ourName} />
              </li>
            ))}
            {partnersShown.map(({ source, sourceName, item }) => (
              <li key={`${source}/${item.id}`}>
                <PartnerItem item={item} sourceName={sourceName} />
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
