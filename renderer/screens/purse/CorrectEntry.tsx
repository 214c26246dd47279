import { useState } from "react";
import type { CommandError } from "../../../shared/commands/commands";
import type { CommuneView, LedgerRow } from "../../../shared/commands/views";
import { formatAmount } from "../../../shared/money/amount";
import { LIMITS } from "../../../shared/docs/fields";
import { useLink } from "../../link/hooks";
import { AmountField, Button, Dialog, Form, RadioGroup, TextField, amountProblem, currencyOf, moneyText, timeText } from "../../ui";

/**
 * Corrections are records (issue 16): a member's own entry is never edited.
 * "Correct" voids it and records the right amount in its place, one signed
 * record each (the host writes both, and asks first if the new amount is
 * unusual); "Void" only takes it back. Either way the reason stays beside
 * the pair in the ledger.
 */
export function CorrectEntry({ row, view, onClose }: { row: LedgerRow | undefined; view: CommuneView; onClose(): void }) {
  return (
    <Dialog open={row !== undefined} onClose={onClose} title={row ? `Correct entry #${row.n}` : "Correct an entry"}>
      {row ? <CorrectionForm key={row.id} row={row} view={view} onDone={onClose} /> : null}
    </Dialog>
  );
}

type Action = "correct" | "void";

function CorrectionForm({ row, view, onDone }: { row: LedgerRow; view: CommuneView; onDone(): void }) {
  const link = useLink();
  const currency = currencyOf(row.currency, view.balances.currencies);
  const [action, setAction] = useState<Action>("correct");
  const [amount, setAmount] = useState(currency ? formatAmount(row.amount, currency) : "");
  const [memo, setMemo] = useState(row.memo);
  const [reason, setReason] = useState("");
  const [attempted, setAttempted] = useState(false);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<CommandError>();

  const reasonProblem = reason.trim() === "" ? "Say why, for the ledger: “typed 5000 for 50”" : undefined;
  const send = async (confirmed: boolean) => {
    setAttempted(true);
    if (reasonProblem || (action === "correct" && amountProblem(amount, currency) !== undefined)) return;
    setRunning(true);
    const outcome = action === "void" ? await voidIt() : await correctIt(confirmed);
    setRunning(false);
    if (outcome.ok) onDone();
    else setError(outcome.error);
  };
  const voidIt = () => link.command("purse.void", { commune: view.id, entry: row.id, reason: reason.trim() });
  const correctIt = (confirmed: boolean) => {
    const base = { commune: view.id, amount: amount.trim(), currency: row.currency, memo: memo.trim(), correcting: { entry: row.id, reason: reason.trim() } };
    const asked = confirmed ? { ...base, confirmed } : base;
    const command = replacementOf(row);
    switch (command.name) {
      case "purse.contribute":
        return link.command("purse.contribute", asked);
      case "purse.transfer":
        return link.command("purse.transfer", { ...asked, ...command.fields });
      case "purse.disburse":
        return link.command("purse.disburse", { ...asked, ...command.fields });
      case "purse.exchange":
        return link.command("purse.exchange", { ...asked, ...command.fields });
    }
  };

  const unusual = error?.code === "entry.unusual";
  return (
    <Form label={`Correct entry ${row.n}`} className="stack" onSubmit={() => void send(false)} error={unusual ? undefined : error}>
      <p>
        Your {row.kind} of {currency ? moneyText(row.amount, row.currency, [currency]) : `${row.amount} ${row.currency}`}
        {row.toName ? ` to ${row.toName}` : row.payee ? ` to ${row.payee}` : ""} on {timeText(row.at)}. It stays in the ledger, marked as voided; nothing is
        deleted.
      </p>
      <RadioGroup
        legend="What to do"
        name={`correct-${row.id}`}
        value={action}
        onChange={(value) => {
          setAction(value === "void" ? "void" : "correct");
          setError(undefined);
        }}
        options={[
          { value: "correct", label: "Correct it: record the right amount in its place" },
          { value: "void", label: "Void it: take it back" },
        ]}
      />
      {action === "correct" ? (
        <div className="form-grid">
          <AmountField label={`Right amount (${row.currency})`} value={amount} onChange={setAmount} currency={currency} showEmptyError={attempted} />
          <TextField label="Memo" value={memo} onChange={setMemo} maxLength={LIMITS.memo} autoComplete="off" />
        </div>
      ) : null}
      <TextField
        label="Why"
        value={reason}
        onChange={setReason}
        maxLength={LIMITS.memo}
        autoComplete="off"
        error={attempted ? reasonProblem : undefined}
        hint="Shown beside both entries in the ledger."
      />
      {unusual ? (
        <div className="notice notice--warn" role="alert">
          <p>{error.message}</p>
          <div className="button-row">
            <Button onClick={() => void send(true)} busy={running}>
              Record it anyway
            </Button>
            <Button variant="secondary" onClick={() => setError(undefined)}>
              Go back and check
            </Button>
          </div>
        </div>
      ) : null}
      <div className="button-row">
        <Button type="submit" busy={running} disabled={unusual}>
          {action === "void" ? "Void the entry" : "Record the correction"}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}

/** The command that writes an entry like this one again: same kind and counterpart, the amount and memo as corrected. */
function replacementOf(
  row: LedgerRow,
):
  | { name: "purse.contribute" }
  | { name: "purse.transfer"; fields: { to: string } }
  | { name: "purse.disburse"; fields: { payee: { member: string } | { outside: string }; proposal?: string } }
  | { name: "purse.exchange"; fields: { partner: string; direction: "in" | "out"; proposal?: string } } {
  const cited = row.proposal ? { proposal: row.proposal } : {};
  switch (row.kind) {
    case "transfer":
      return { name: "purse.transfer", fields: { to: row.to ?? "" } };
    case "disbursement":
      return { name: "purse.disburse", fields: { payee: row.to ? { member: row.to } : { outside: row.payee ?? "" }, ...cited } };
    case "exchange":
      return { name: "purse.exchange", fields: { partner: row.partner ?? "", direction: row.direction ?? "in", ...cited } };
    default:
      return { name: "purse.contribute" };
  }
}

/** Whether the member may correct this row: their own entry that counts, is not a void and was not voided. */
export const correctable = (row: LedgerRow, me: string): boolean => row.by === me && row.status === "counted" && row.kind !== "void" && !row.voidedBy;

/** Whether the member may propose taking this row back: another member's payment out of the purse that counts and was not voided. */
export const reversible = (row: LedgerRow, me: string): boolean => row.by !== me && row.status === "counted" && row.kind === "disbursement" && !row.voidedBy;
