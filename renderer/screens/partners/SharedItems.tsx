import type { PartnerSharedView } from "../../../shared/commands/views";
import { EmptyState } from "../../ui";
import { PartnerItem } from "../knowledge/PartnerItem";

type SharedItem = PartnerSharedView["items"][number];

/** A partner's shared items as read through its relay: knowledge first, then its offers and needs, each read only and marked verified or not. */
export function SharedItems({ name, items }: { name: string; items: PartnerSharedView["items"] }) {
  if (items.length === 0) return <EmptyState>{name} shares no items with us yet.</EmptyState>;
  return (
    <>
      <ItemGroup heading="Knowledge" name={name} items={items.filter((item) => item.kind === "knowledge")} />
      <ItemGroup heading="Offers and needs" name={name} items={items.filter((item) => item.kind !== "knowledge")} />
    </>
  );
}

/** One heading and its items; nothing at all when there are none. */
function ItemGroup({ heading, name, items }: { heading: string; name: string; items: SharedItem[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3>{heading}</h3>
      <ul className="plain-list knowledge-list">
        {items.map((item) => (
          <li key={item.id}>
            <PartnerItem item={item} sourceName={name} level={4} />
          </li>
        ))}
      </ul>
    </>
  );
}
