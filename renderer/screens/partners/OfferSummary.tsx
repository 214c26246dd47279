import type { PartnerOfferView } from "../../../shared/commands/views";
import { Time } from "../../ui";

/**
 * A pasted partner offer as the host read and checked it: who offers, the
 * key to check with them, where their commune syncs and until when, and
 * what comes next. Partnering is the commune's decision, by a proposal of
 * kind "partner" (docs/partners.md), which the panel below it offers to make.
 */
export function OfferSummary({ offer, ourName }: { offer: PartnerOfferView; ourName: string }) {
  return (
    <section className="partner-offer" aria-label={`Offer from ${offer.name}`}>
      <h3>{offer.name} offers a partnership</h3>
      <dl className="partner-facts">
        <dt>Commune</dt>
        <dd>
          {offer.name} <code className="partner-id">{offer.commune}</code>
        </dd>
        <dt>Offered by</dt>
        <dd>
          a member whose key&apos;s fingerprint is <code>{offer.fingerprint}</code>; ask them to read theirs to you before you rely on it
        </dd>
        <dt>Relays</dt>
        <dd>
          <ul className="plain-list">
            {offer.relays.map((relay) => (
              <li key={relay}>
                <code>{relay}</code>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Made</dt>
        <dd>
          <Time at={offer.at} />
        </dd>
        <dt>Valid until</dt>
        <dd>
          <Time at={offer.expiresAt} />
        </dd>
      </dl>
      <p>
        Becoming partners with {offer.name} is for {ourName} to decide together: a proposal of kind “partner”, decided by {ourName}&apos;s own rules. If it
        passes, {offer.name} may read what {ourName} shares with it and exchange with the purse; never the purse itself, members, proposals or votes.
      </p>
      <p className="notice">
        Nothing has been proposed or agreed: reading an offer commits no one. You can already record an exchange with {offer.name} below, by its commune id.
      </p>
    </section>
  );
}
