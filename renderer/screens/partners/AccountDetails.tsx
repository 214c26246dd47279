import type { PartnerAccountView } from "../../../shared/commands/views";
import type { Currency } from "../../../shared/money/currency";
import { EmptyState, Time, moneyText } from "../../ui";

const STATE_LABELS = { offered: "Offered", accepted: "Accepted", declined: "Declined" } as const;

/** The account with one partner as shared/partners/account.ts counts it: the net position in words, each exchange with its state, each mismatch. */
export function AccountDetails({ account, currencies }: { account: PartnerAccountView; currencies: readonly Currency[] }) {
  const offered = Object.entries(account.offeredByUs)
    .filter(([, minor]) => minor !== 0)
    .map(([code, minor]) => moneyText(minor, code, currencies));
  return (
    <div className="partner-account">
      <p className="partner-account__position">{account.words}</p>
      {offered.length > 0 ? <p>Offered by us and not yet accepted: {offered.join(" and ")}. It counts as owed only once accepted.</p> : null}
      {account.checked ? null : (
        <p className="muted">
          Only our side is shown: {account.name}&apos;s own records have not reached this commune, so nothing of theirs can be matched or checked yet.
        </p>
      )}
      {account.exchanges.length === 0 ? (
        <EmptyState>No exchange with {account.name} yet.</EmptyState>
      ) : (
        <table className="partner-history">
          <caption className="visually-hidden">Exchanges with {account.name}</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Way</th>
              <th scope="col">Amount</th>
              <th scope="col">State</th>
              <th scope="col">In words</th>
            </tr>
          </thead>
          <tbody>
            {account.exchanges.map((exchange) => (
              <tr key={`${exchange.direction}-${exchange.offer}`}>
                <td>
                  <Time at={exchange.at} withTime={false} />
                </td>
                <td>{exchange.direction === "out" ? "Out" : "In"}</td>
                <td className="num">{moneyText(exchange.amount, exchange.currency, currencies)}</td>
                <td>{STATE_LABELS[exchange.state]}</td>
                <td>{exchange.words}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {account.mismatches.length > 0 ? (
        <>
          <h3>Where the two sides disagree</h3>
          <ul className="partner-mismatches">
            {account.mismatches.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      ) : account.checked ? (
        <p className="muted">No mismatches: both sides&apos; records agree.</p>
      ) : null}
    </div>
  );
}
