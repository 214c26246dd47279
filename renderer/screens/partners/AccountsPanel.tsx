import { useEffect, useState } from "react";
import type { LedgerRow, PartnerAccountView } from "../../../shared/commands/views";
import type { Currency } from "../../../shared/money/currency";
import { useCommand } from "../../link/hooks";
import { EmptyState, ErrorText, Panel, Select, Time, moneyText } from "../../ui";
import { AccountDetails } from "./AccountDetails";
import { usePartnerReads } from "./partner-reads";
import { exchangeStateWords, partnerLabel, partnersInLedger } from "./partner-words";

/**
 * The exchanges in the ledger with their state, and the account with each
 * partner commune they name. partner.account is a command, not a live view:
 * it is asked again whenever the ledger's exchanges change, and after
 * each read of the partner.
 */
export function AccountsPanel({ communeId, rows, currencies }: { communeId: string; rows: readonly LedgerRow[]; currencies: readonly Currency[] }) {
  const partners = partnersInLedger(rows);
  const [chosen, setChosen] = useState("");
  const partner = partners.some((candidate) => candidate.id === chosen) ? chosen : (partners[0]?.id ?? "");
  const [account, setAccount] = useState<PartnerAccountView>();
  const [ask, { error }] = useCommand("partner.account");
  // The rows' ids and states stand for the ledger's exchanges: a new one, a decline or a void asks again.
  const changed = rows.map((row) => `${row.id}:${row.status}:${row.declinedAt ?? ""}`).join(",");
  // Reading the partner files its answers (an acceptance, a decline) with the host: the account is asked again after each read too.
  const readAt = usePartnerReads(communeId).readOf(partner)?.at;
  useEffect(() => {
    if (partner === "") return;
    let current = true;
    void ask({ commune: communeId, partner }).then((answer) => {
      if (current) setAccount(answer);
    });
    return () => {
      current = false;
    };
  }, [ask, communeId, partner, changed, readAt]);

  return (
    <>
      <Panel title="Exchanges in the ledger">
        {rows.length === 0 ? (
          <EmptyState>No exchange with a partner commune yet.</EmptyState>
        ) : (
          <table className="partner-history">
            <caption className="visually-hidden">Exchanges in the ledger</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Partner</th>
                <th scope="col">Way</th>
                <th scope="col">Amount</th>
                <th scope="col">Memo</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>
                    <Time at={row.at} />
                  </td>
                  <td>{partnerLabel(row)}</td>
                  <td>{row.direction === "in" ? "In" : "Out"}</td>
                  <td className="num">{moneyText(row.amount, row.currency, currencies)}</td>
                  <td>{row.memo}</td>
                  <td>{exchangeStateWords(row)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Partner accounts">
        {partners.length === 0 ? (
          <EmptyState>An account shows here once the purse has exchanged with a partner commune.</EmptyState>
        ) : (
          <>
            <Select
              label="Partner"
              value={partner}
              onChange={setChosen}
              options={partners.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
            />
            <ErrorText error={error} />
            {account && account.partner === partner ? <AccountDetails account={account} currencies={currencies} /> : null}
          </>
        )}
      </Panel>
    </>
  );
}
