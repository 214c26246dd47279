import { useEffect, useState } from "react";
import type { PartnerAccountView, PartnerOfferedView } from "../../../shared/commands/views";
import type { Currency } from "../../../shared/money/currency";
import { useCommand } from "../../link/hooks";
import { Button, EmptyState, ErrorText, Notice, Panel, ProgressBar, Time } from "../../ui";
import { AccountDetails } from "./AccountDetails";
import { OfferedExchange } from "./OfferedExchange";
import { SharedItems } from "./SharedItems";
import { usePartnerReads } from "./partner-reads";

/**
 * What one partner shares with us, as last read through its relay
 * (`partner.shared`): its items, its offers and needs, the exchanges it
 * offers us with Accept and Decline, and then the account with it, which
 * the host counts from what that read filed. Answering an exchange reads
 * the partner again, so its state and the account are the ones now.
 */
export function SharedPanel({
  communeId,
  partner,
  name,
  currencies,
  canWrite,
}: {
  communeId: string;
  partner: string;
  name: string;
  currencies: readonly Currency[];
  canWrite: boolean;
}) {
  const { readOf, read } = usePartnerReads(communeId);
  const last = readOf(partner);
  const [ask, asking] = useCommand("partner.account");
  const [account, setAccount] = useState<PartnerAccountView>();
  const [accept, accepting] = useCommand("exchange.accept");
  const [decline, declining] = useCommand("exchange.decline");
  const [answering, setAnswering] = useState<{ offer: string; how: "accept" | "decline" }>();
  const [answered, setAnswered] = useState<string>();

  // The account is counted from what the last read filed, so it is asked again after each one.
  const readAt = last?.at;
  useEffect(() => {
    if (readAt === undefined) return;
    let current = true;
    void ask({ commune: communeId, partner, name }).then((answer) => {
      if (current && answer) setAccount(answer);
    });
    return () => {
      current = false;
    };
  }, [ask, communeId, partner, name, readAt]);

  const answer = async (exchange: PartnerOfferedView, how: "accept" | "decline", reason = "") => {
    setAnswering({ offer: exchange.offer, how });
    setAnswered(undefined);
    // Our entry takes the partner's memo, so both ledgers say what the exchange was for.
    const done =
      how === "accept"
        ? await accept({ commune: communeId, exchange: exchange.record, memo: exchange.memo })
        : await decline({ commune: communeId, exchange: exchange.record, reason });
    if (!done) return false;
    setAnswered(how === "accept" ? `Accepted from ${name}: it is in our purse.` : `Declined: ${name} reads why, and the exchange counts for nothing.`);
    await read(partner);
    return true;
  };

  const view = last?.view;
  return (
    <Panel
      title={`What ${name} shares`}
      actions={
        <Button variant="secondary" busy={last?.reading} onClick={() => void read(partner)}>
          Read {name} again
        </Button>
      }
    >
      {last?.reading ? <ProgressBar progress={last.progress} label={`Reading what ${name} shares through its relay`} /> : null}
      <ErrorText error={last?.error} />
      {view && last?.at !== undefined ? (
        <div className="partner-shared">
          <p className="muted">
            Read through {name}&apos;s relay on <Time at={last.at} />.
          </p>
          {view.ended ? <Notice>{name} ended the partnership: nothing new comes from it, and it reads nothing new of ours.</Notice> : null}
          {view.problems.length > 0 ? (
            <>
              <h3>What did not open or count</h3>
              <ul className="partner-mismatches">
                {view.problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </>
          ) : null}
          <SharedItems name={name} items={view.items} />
          <h3>Exchanges {name} offers us</h3>
          {view.exchanges.length === 0 ? (
            <EmptyState>{name} has offered us no exchange.</EmptyState>
          ) : (
            <ul className="plain-list partner-offered-list" aria-label={`Exchanges ${name} offers us`}>
              {view.exchanges.map((exchange) => {
                const mine = answering?.offer === exchange.offer;
                return (
                  <li key={exchange.offer}>
                    <OfferedExchange
                      exchange={exchange}
                      canAnswer={canWrite}
                      name={name}
                      currencies={currencies}
                      busy={mine && (accepting.running || declining.running)}
                      error={mine ? (answering?.how === "accept" ? accepting.error : declining.error) : undefined}
                      onAccept={() => answer(exchange, "accept")}
                      onDecline={(reason) => answer(exchange, "decline", reason)}
                    />
                  </li>
                );
              })}
            </ul>
          )}
          {answered ? (
            <p role="status" className="notice">
              {answered}
            </p>
          ) : null}
          <h3>Account with {name}</h3>
          <ErrorText error={asking.error} />
          {account && account.partner === partner ? (
            <AccountDetails account={account} currencies={currencies} />
          ) : (
            <p className="muted">Counting the account…</p>
          )}
        </div>
      ) : null}
    </Panel>
  );
}
