import type { PartnerSharedView } from "../../../shared/commands/views";
import { EmptyState } from "../../ui";
import { PartnerItem } from "../knowledge/PartnerItem";

/** A partner's shared items as read through its relay: knowledge first, then its offers and needs, each read only and marked verified or not. */
export function SharedItems({ name, items }: { name: string; items: PartnerSharedView["items"] }) {
  if (items.length === 0) return <EmptyState>{name} shares no items with us yet.</EmptyState>;
  const knowledge = items.filter((item) => item.kind === "knowledge");
  const offersAndNeeds = items.filter((item) => item.kind !== "knowledge");
  return (
    <>
      {knowledge.length > 0 ? (
        <>
          <h3>Knowledge</h3>
          <ul className="plain-list knowledge-list">
            {knowledge.map((item) => (
              <li key={item.id}>
                <PartnerItem item={item} sourceName={name} level={4} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {offersAndNeeds.length > 0 ? (
        <>
          <h3>Offers and needs</h3>
          <ul className="plain-list knowledge-list">
            {offersAndNeeds.map((item) => (
              <li key={item.id}>
                <PartnerItem item={item} sourceName={name} level={4} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
