import { useEffect, useState } from "react";
import type { LedgerRow, PartnerAccountView } from "../../../shared/commands/views";
import type { Currency } from "../../../shared/money/currency";
import { useCommand } from "../../link/hooks";
import { EmptyState, ErrorText, Panel, Select, Time, moneyText } from "../../ui";
import { AccountDetails } from "./AccountDetails";
import { usePartnerReads } from "./partner-reads";
import { acceptedOffers, exchangeStateWords, partnerLabel, partnersInLedger } from "./partner-words";

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
  const [accounts, setAccounts] = useState<Readonly<Record<string, PartnerAccountView>>>({});
  const [ask, { error }] = useCommand("partner.account");
  // The rows' ids and states stand for the ledger's exchanges: a new one, a decline or a void asks again.
  const changed = rows.map((row) => `${row.id}:${row.status}:${row.declinedAt ?? ""}`).join(",");
  // Reading a partner files its answers (an acceptance, a decline) with the host: the accounts are asked again after each read too.
  const { readOf } = usePartnerReads(communeId);
  const reads = partners.map((candidate) => readOf(candidate.id)?.at ?? "").join(",");
  // Every partner's account (a local count, no network), so each row of the ledger can say whether its partner accepted it.
  const ids = partners.map((candidate) => candidate.id).join(",");
  useEffect(() => {
    if (ids === "") return;
    let current = true;
    void Promise.all(ids.split(",").map((id) => ask({ commune: communeId, partner: id }))).then((answers) => {
      if (current) setAccounts(Object.fromEntries(answers.flatMap((answer) => (answer ? [[answer.partner, answer] as const] : []))));
    });
    return () => {
      current = false;
    };
  }, [ask, communeId, ids, changed, reads]);
  const account = accounts[partner];
  const accepted = acceptedOffers(Object.values(accounts));

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
                  <td>{exchangeStateWords(row, accepted)}</td>
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
            {account ? <AccountDetails account={account} currencies={currencies} /> : null}
          </>
        )}
      </Panel>
    </>
  );
}
