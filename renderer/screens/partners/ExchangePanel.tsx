import { useState } from "react";
import type { CommuneView } from "../../../shared/commands/views";
import { LIMITS } from "../../../shared/docs/fields";
import { parseAmount } from "../../../shared/money/amount";
import { useCommand } from "../../link/hooks";
import { PassedSpendSelect } from "../purse/PassedSpendSelect";
import { AmountField, Button, Form, Panel, Select, TextField, amountProblem, currencyOf, fieldProblem, moneyText, unplaced } from "../../ui";
import { HOST_FIELDS } from "../host-fields";
import { partnerIdProblem, unnamedPartner } from "./partner-words";

/**
 * An exchange out to a partner commune (purse.exchange): money or hours
 * the purse gives, named by the partner's commune id so both sides' records
 * share an offer id. Only "out" is typed here: what a partner gives is
 * accepted from its own signed record, never typed in (the host refuses it).
 */
export function ExchangePanel({
  view,
  partner,
  onPartner,
  partnerName,
}: {
  view: CommuneView;
  partner: string;
  onPartner(id: string): void;
  partnerName(id: string): string | undefined;
}) {
  const currencies = view.balances.currencies;
  const [amount, setAmount] = useState("");
  const [currency, setCurrency] = useState(currencies[0]?.code ?? "");
  const [memo, setMemo] = useState("");
  const [proposal, setProposal] = useState("");
  const [attempted, setAttempted] = useState(false);
  const [done, setDone] = useState<string>();
  const [exchange, { running, error }] = useCommand("purse.exchange");
  const chosen = currencyOf(currency, currencies);
  const edited = () => setDone(undefined);

  const send = async () => {
    setAttempted(true);
    if (amountProblem(amount, chosen) !== undefined || partnerIdProblem(partner) !== undefined || !chosen) return;
    const id = partner.trim();
    const parsed = parseAmount(amount, chosen);
    const written = await exchange({
      commune: view.id,
      amount: amount.trim(),
      currency,
      partner: id,
      direction: "out",
      memo: memo.trim(),
      ...(proposal ? { proposal } : {}),
    });
    if (!written) return;
    const name = partnerName(id) ?? unnamedPartner(id);
    const text = parsed.ok ? moneyText(parsed.value, currency, currencies) : `${amount.trim()} ${currency}`;
    setDone(`Offered ${text} to ${name}. It counts as given until ${name} accepts or declines it.`);
    setAmount("");
    setMemo("");
    setAttempted(false);
  };

  return (
    <Panel title="Exchange with a partner">
      <Form label="Exchange with a partner" onSubmit={() => void send()} error={unplaced(error, HOST_FIELDS.exchange)} success={done}>
        <p className="field__hint">
          Give money or hours from the purse to a partner commune. Above your spend limit, cite a passed spend proposal. What a partner gives you is not typed
          here: it is accepted from the partner&apos;s own signed record.
        </p>
        <TextField
          label="Partner commune id"
          value={partner}
          onChange={(value) => {
            onPartner(value);
            edited();
          }}
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
          hint="32 characters, from the partner's offer."
          error={(attempted ? partnerIdProblem(partner) : undefined) ?? fieldProblem(error, "partner")}
        />
        <div className="form-grid form-grid--money">
          <AmountField
            value={amount}
            onChange={(value) => {
              setAmount(value);
              edited();
            }}
            currency={chosen}
            showEmptyError={attempted}
            error={fieldProblem(error, "amount")}
          />
          <Select
            label="Currency"
            value={currency}
            onChange={(value) => {
              setCurrency(value);
              edited();
            }}
            options={currencies.map((option) => ({ value: option.code, label: `${option.code} (${option.name})` }))}
            error={fieldProblem(error, "currency")}
          />
        </div>
        <TextField label="Memo" value={memo} onChange={setMemo} maxLength={LIMITS.memo} autoComplete="off" error={fieldProblem(error, "memo")} />
        <PassedSpendSelect view={view} value={proposal} onChange={setProposal} error={error} />
        <div className="button-row">
          <Button type="submit" busy={running}>
            Offer the exchange
          </Button>
        </div>
      </Form>
    </Panel>
  );
}
