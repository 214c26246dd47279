import { useState } from "react";
import type { PartnerView } from "../../../shared/commands/views";
import { useView } from "../../link/hooks";
import { ErrorText } from "../../ui";
import { AccountsPanel } from "./AccountsPanel";
import { ExchangePanel } from "./ExchangePanel";
import { OfferPanel } from "./OfferPanel";
import { PartnershipsPanel } from "./PartnershipsPanel";
import { SharedPanel } from "./SharedPanel";
import { usePartnerReads } from "./partner-reads";
import { ReadOfferPanel } from "./ReadOfferPanel";
import { partnersInLedger } from "./partner-words";
import "./partners.css";

/** The most exchanges the screen lists; the purse's ledger (filter: Exchanges) holds every one. */
const SHOWN_EXCHANGES = 200;

/**
 * Between communes (issue 14, docs/partners.md): the partnerships and
 * what each partner shares, with the exchanges it offers us to answer;
 * offering a partnership, reading another commune's offer, exchanging with
 * a partner, and the account with each partner. Every rule is the host's and shared/'s; the
 * screen says in words what their answers mean.
 */
export function PartnersScreen({ communeId }: { communeId: string }) {
  const commune = useView("commune.show", { commune: communeId });
  const exchanges = useView("purse.ledger", { commune: communeId, kind: "exchange", limit: SHOWN_EXCHANGES });
  const [partner, setPartner] = useState("");
  const partners = useView("partner.list", { commune: communeId });
  const [reading, setReading] = useState<PartnerView>();
  const { read } = usePartnerReads(communeId);
  const view = commune.value;
  if (!view) return commune.error ? <ErrorText error={commune.error} /> : <p className="muted">Loading partners…</p>;
  const rows = exchanges.value?.rows ?? [];
  const known = partnersInLedger(rows);
  const partnerName = (id: string) =>
    partners.value?.find((candidate) => candidate.commune === id)?.name ?? known.find((candidate) => candidate.id === id)?.name;
  const canWrite = view.myStatus === "active";
  const choose = (id: string) => {
    setPartner(id);
    // The exchange form takes the focus too, so a keyboard carries on from the offer to the amount.
    const form = document.getElementById("partner-exchange");
    form?.scrollIntoView({ block: "start" });
    form?.focus();
  };
  const readPartner = (chosen: PartnerView) => {
    setReading(chosen);
    void read(chosen.commune);
    // The read shows below the list: the focus goes there, so a keyboard and a screen reader follow it.
    requestAnimationFrame(() => document.getElementById("partner-shared")?.focus());
  };
  return (
    <div className="stack partners-screen">
      <h1>Partners</h1>
      <PartnershipsPanel view={view} partners={partners} onRead={readPartner} onExchange={choose} />
      {reading ? (
        <div id="partner-shared" tabIndex={-1}>
          <SharedPanel
            key={reading.commune}
            communeId={communeId}
            partner={reading.commune}
            name={reading.name}
            currencies={view.balances.currencies}
            canWrite={canWrite}
          />
        </div>
      ) : null}
      <div className="partners-layout">
        <OfferPanel view={view} />
        <ReadOfferPanel communeId={communeId} communeName={view.name} onPartner={choose} />
      </div>
      {canWrite ? (
        <div id="partner-exchange" tabIndex={-1}>
          <ExchangePanel view={view} partner={partner} onPartner={setPartner} partnerName={partnerName} />
        </div>
      ) : null}
      <ErrorText error={exchanges.error} />
      <AccountsPanel communeId={communeId} rows={rows} currencies={view.balances.currencies} />
    </div>
  );
}
