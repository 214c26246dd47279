import { useState } from "react";
import type { CommuneView, LedgerRow } from "../../../shared/commands/views";
import { LIMITS } from "../../../shared/docs/fields";
import { useCommand } from "../../link/hooks";
import { Button, Dialog, Form, TextArea, TextField, currencyOf, moneyText } from "../../ui";
import { daysProblem } from "../proposals/proposal-draft";

/**
 * Another member's payment out of the purse is never taken back by one
 * member alone: this asks the commune, with a "reverse" proposal that names
 * the payment. Once it passes, any active member executes it from the
 * Proposals screen, which records the void.
 */
export function ProposeReversal({ row, view, onClose }: { row: LedgerRow | undefined; view: CommuneView; onClose(): void }) {
  return (
    <Dialog open={row !== undefined} onClose={onClose} title={row ? `Propose reversing payment #${row.n}` : "Propose reversing a payment"}>
      {row ? <ReversalForm key={row.id} row={row} view={view} onDone={onClose} /> : null}
    </Dialog>
  );
}

function ReversalForm({ row, view, onDone }: { row: LedgerRow; view: CommuneView; onDone(): void }) {
  const currency = currencyOf(row.currency, view.balances.currencies);
  const amount = currency ? moneyText(row.amount, row.currency, [currency]) : `${row.amount} ${row.currency}`;
  const payee = row.toName ?? row.payee ?? "";
  const [title, setTitle] = useState(`Reverse ${row.byName}'s payment of ${amount} to ${payee}`.slice(0, LIMITS.title));
  const [body, setBody] = useState("");
  const [days, setDays] = useState("7");
  const [attempted, setAttempted] = useState(false);
  const [propose, { running, error }] = useCommand("proposal.create");
  const problems = { title: title.trim() === "" ? "A proposal needs a title" : undefined, days: daysProblem(days) };

  const send = async () => {
    setAttempted(true);
    if (problems.title || problems.days) return;
    const made = await propose({
      commune: view.id,
      kind: "reverse",
      entry: row.id,
      author: row.by,
      title: title.trim(),
      body,
      deadline: { days: Number(days.trim()) },
    });
    if (made) onDone();
  };
  return (
    <Form label={`Propose reversing payment ${row.n}`} className="stack" onSubmit={() => void send()} error={error}>
      <p>
        {row.byName} paid {amount} to {payee}. If the commune passes this proposal, any member can execute it: a void that takes the payment back into the
        purse, shown beside it in the ledger. Nothing is deleted.
      </p>
      <TextField label="Title" value={title} onChange={setTitle} maxLength={LIMITS.title} error={attempted ? problems.title : undefined} />
      <TextArea label="Why" value={body} onChange={setBody} maxLength={LIMITS.body} />
      <TextField label="Deadline (days)" value={days} onChange={setDays} inputMode="decimal" error={attempted ? problems.days : undefined} />
      <div className="button-row">
        <Button type="submit" busy={running}>
          Propose
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}
