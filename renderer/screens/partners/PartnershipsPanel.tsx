import type { CommuneView, PartnerView } from "../../../shared/commands/views";
import type { ViewState } from "../../link/hooks";
import { EmptyState, ErrorText, Panel } from "../../ui";
import { PartnerCard } from "./PartnerCard";

/** Every commune this one decided to partner with (`partner.list`, a live view the screen holds: a passed proposal carried out or an answer taken in shows at once). */
export function PartnershipsPanel({
  view,
  partners,
  onRead,
  onExchange,
}: {
  view: CommuneView;
  partners: ViewState<"partner.list">;
  onRead(partner: PartnerView): void;
  onExchange(id: string): void;
}) {
  return (
    <Panel title="Partnerships">
      <ErrorText error={partners.error} />
      {partners.value === undefined ? (
        partners.loading ? (
          <p className="muted">Loading partnerships…</p>
        ) : null
      ) : partners.value.length === 0 ? (
        <EmptyState>
          {view.name} has no partner yet. Offer a partnership below, or paste another commune&apos;s offer: partnering is decided by a proposal on each side.
        </EmptyState>
      ) : (
        <ul className="plain-list partner-list">
          {partners.value.map((partner) => (
            <li key={partner.commune}>
              <PartnerCard
                communeId={view.id}
                communeName={view.name}
                partner={partner}
                canWrite={view.myStatus === "active"}
                onRead={onRead}
                onExchange={onExchange}
              />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
