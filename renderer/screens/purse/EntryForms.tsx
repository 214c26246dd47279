import { useCallback, useEffect, useState } from "react";
import type { CommuneView } from "../../../shared/commands/views";
import { parseAmount } from "../../../shared/money/amount";
import type { Currency } from "../../../shared/money/currency";
import { perMemberPer, spendPeriodIn } from "../../../shared/commune/spend-period";
import { useCommand } from "../../link/hooks";
import { PassedSpendSelect } from "./PassedSpendSelect";
import { AmountField, Button, fieldProblem, Form, RadioGroup, Select, TextField, amountProblem, currencyOf, moneyText, unplaced } from "../../ui";
import type { CommandError } from "../../../shared/commands/commands";
import { keptUnsaved } from "../../../shared/commands/disk-refusals";
import { HOST_FIELDS } from "../host-fields";
import { ConfirmUnusual } from "./ConfirmUnusual";
import { LIMITS } from "../../../shared/docs/fields";

/**
 * The three ways a member writes to the purse. Amounts are checked as they
 * are typed with shared/money's rule, so the message is the host's own; the
 * host checks everything again and its answer is shown beside the box its
 * `field` names (the command input's, as in shared/commands/commands.ts), or
 * under the form when no box shows it.
 */
interface MoneyDraft {
  amount: string;
  currency: string;
  memo: string;
}

/** How long after recording an entry its form offers "Undo": a slip noticed at once, not a way to rewrite the past. */
export const UNDO_WINDOW_MS = 10_000;

function useMoneyDraft(communeId: string, currencies: readonly Currency[]) {
  const [draft, setDraft] = useState<MoneyDraft>({ amount: "", currency: currencies[0]?.code ?? "", memo: "" });
  const [attempted, setAttempted] = useState(false);
  const [message, setDone] = useState<string>();
  const [undoable, setUndoable] = useState<string>();
  const undo = useUndo(communeId, undoable, (said) => {
    setUndoable(undefined);
    setDone(said);
  });
  useEffect(() => {
    if (undoable === undefined) return;
    const timer = setTimeout(() => setUndoable(undefined), UNDO_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [undoable]);
  const done =
    message === undefined ? undefined : (
      <>
        {message}
        {undo}
      </>
    );
  const currency = currencyOf(draft.currency, currencies);
  const cleared = useCallback(() => {
    setDraft((previous) => ({ ...previous, amount: "", memo: "" }));
    setAttempted(false);
  }, []);
  const update = (change: Partial<MoneyDraft>) => {
    setDone(undefined);
    setUndoable(undefined);
    setDraft((previous) => ({ ...previous, ...change }));
  };
  const amountText = (): string => {
    const parsed = currency ? parseAmount(draft.amount, currency) : undefined;
    return parsed?.ok && currency ? moneyText(parsed.value, currency.code, [currency]) : `${draft.amount} ${draft.currency}`;
  };
  return {
    draft,
    currency,
    update,
    attempted,
    done,
    /** Marks the submit attempt; true when the amount can be sent. */
    ready: () => {
      setAttempted(true);
      return amountProblem(draft.amount, currency) === undefined;
    },
    /** `id`: the entry just written, offered for undoing for a few seconds. */
    succeeded: (message: string, id: string) => {
      setDraft((previous) => ({ ...previous, amount: "", memo: "" }));
      setAttempted(false);
      setDone(message);
      setUndoable(id);
    },
    cleared,
    amountText,
  };
}

/**
 * "Undo" beside the message of an entry just written. Nothing signed is
 * taken back silently: undoing writes a void of the entry, which the ledger
 * shows with it, like any correction.
 */
function useUndo(communeId: string, entry: string | undefined, onUndone: (message: string) => void) {
  const [undo, { running, error }] = useCommand("purse.void");
  // Inside the form's success paragraph: a span, not ErrorText's paragraph.
  const problem = error ? (
    <span className="error-text" role="alert">
      {" "}
      {error.message}
    </span>
  ) : null;
  if (entry === undefined) return problem;
  const run = async () => {
    if (await undo({ commune: communeId, entry, reason: "undone right after recording" })) onUndone("Undone: the entry was voided, and the ledger shows both.");
  };
  return (
    <>
      {" "}
      <Button variant="secondary" busy={running} onClick={() => void run()}>
        Undo
      </Button>
      {problem}
    </>
  );
}

/**
 * An entry the disk refused is made and kept all the same (the host's words,
 * shown under the form, say so and say not to record it again): the amount
 * and memo are cleared, so the form does not offer the same entry a second
 * time.
 */
function useClearedWhenKept(error: CommandError | undefined, cleared: () => void): void {
  useEffect(() => {
    if (error && keptUnsaved(error)) cleared();
  }, [error, cleared]);
}

function MoneyFields({
  form,
  currencies,
  error,
}: {
  form: ReturnType<typeof useMoneyDraft>;
  currencies: readonly Currency[];
  error: CommandError | undefined;
}) {
  return (
    <>
      <div className="form-grid form-grid--money">
        <AmountField
          value={form.draft.amount}
          onChange={(amount) => form.update({ amount })}
          currency={form.currency}
          showEmptyError={form.attempted}
          error={fieldProblem(error, "amount")}
        />
        <Select
          label="Currency"
          value={form.draft.currency}
          onChange={(currency) => form.update({ currency })}
          options={currencies.map((currency) => ({ value: currency.code, label: currency.code }))}
          error={fieldProblem(error, "currency")}
        />
      </div>
      <TextField
        label="Memo"
        value={form.draft.memo}
        onChange={(memo) => form.update({ memo })}
        maxLength={LIMITS.memo}
        autoComplete="off"
        error={fieldProblem(error, "memo")}
      />
    </>
  );
}

export function ContributeForm({ view }: { view: CommuneView }) {
  const currencies = view.balances.currencies;
  const form = useMoneyDraft(view.id, currencies);
  const [contribute, { running, error }, clear] = useCommand("purse.contribute");
  useClearedWhenKept(error, form.cleared);
  const send = async (confirmed: boolean) => {
    if (!form.ready()) return;
    const text = form.amountText();
    const input = { commune: view.id, amount: form.draft.amount.trim(), currency: form.draft.currency, memo: form.draft.memo.trim() };
    const written = await contribute(confirmed ? { ...input, confirmed } : input);
    if (written) form.succeeded(`Contributed ${text}.`, written.id);
  };
  return (
    <Form label="Contribute" onSubmit={() => send(false)} error={unplaced(error, HOST_FIELDS.contribute)} success={form.done}>
      <ConfirmUnusual error={error} onConfirm={() => void send(true)} onCancel={clear} />
      <p className="field__hint">Money or time you put into the common purse.</p>
      <MoneyFields form={form} currencies={currencies} error={error} />
      <div className="button-row">
        <Button type="submit" busy={running}>
          Contribute
        </Button>
      </div>
    </Form>
  );
}

export function TransferForm({ view }: { view: CommuneView }) {
  const currencies = view.balances.currencies;
  const form = useMoneyDraft(view.id, currencies);
  const others = view.balances.members.filter((member) => member.key !== view.me && member.status === "active");
  const [to, setTo] = useState("");
  const [transfer, { running, error }, clear] = useCommand("purse.transfer");
  useClearedWhenKept(error, form.cleared);
  const recipient = others.find((member) => member.key === to);
  const send = async (confirmed: boolean) => {
    const amountOk = form.ready();
    if (!amountOk || !recipient) return;
    const text = form.amountText();
    const input = { commune: view.id, amount: form.draft.amount.trim(), currency: form.draft.currency, to: recipient.key, memo: form.draft.memo.trim() };
    const written = await transfer(confirmed ? { ...input, confirmed } : input);
    if (written) form.succeeded(`Transferred ${text} to ${recipient.name}.`, written.id);
  };
  return (
    <Form label="Transfer" onSubmit={() => send(false)} error={unplaced(error, HOST_FIELDS.transfer)} success={form.done}>
      <ConfirmUnusual error={error} onConfirm={() => void send(true)} onCancel={clear} />
      <p className="field__hint">Move your own standing to another member; the purse stays the same.</p>
      <Select
        label="To member"
        value={to}
        onChange={setTo}
        options={[
          { value: "", label: others.length === 0 ? "No other active member yet" : "Choose a member" },
          ...others.map((member) => ({ value: member.key, label: member.name })),
        ]}
        error={(form.attempted && !recipient ? "Choose who receives it" : undefined) ?? fieldProblem(error, "to")}
      />
      <MoneyFields form={form} currencies={currencies} error={error} />
      <div className="button-row">
        <Button type="submit" busy={running}>
          Transfer
        </Button>
      </div>
    </Form>
  );
}

export function DisburseForm({ view }: { view: CommuneView }) {
  const currencies = view.balances.currencies;
  const form = useMoneyDraft(view.id, currencies);
  const members = view.balances.members.filter((member) => member.status === "active");
  const [payeeKind, setPayeeKind] = useState<"member" | "outside">("outside");
  const [member, setMember] = useState("");
  const [outside, setOutside] = useState("");
  const [proposal, setProposal] = useState("");
  const [disburse, { running, error }, clear] = useCommand("purse.disburse");
  useClearedWhenKept(error, form.cleared);
  const payeeMember = members.find((candidate) => candidate.key === member);
  const payeeProblem =
    payeeKind === "member" ? (payeeMember ? undefined : "Choose the member who is paid") : outside.trim() === "" ? "Say who is paid" : undefined;
  const limit = form.currency ? (view.rules.spendLimit[form.currency.code] ?? 0) : 0;

  const send = async (confirmed: boolean) => {
    const amountOk = form.ready();
    if (!amountOk || payeeProblem) return;
    const text = form.amountText();
    const payee = payeeKind === "member" && payeeMember ? { member: payeeMember.key } : { outside: outside.trim() };
    const written = await disburse({
      commune: view.id,
      amount: form.draft.amount.trim(),
      currency: form.draft.currency,
      payee,
      memo: form.draft.memo.trim(),
      ...(proposal ? { proposal } : {}),
      ...(confirmed ? { confirmed } : {}),
    });
    if (written) form.succeeded(`Paid out ${text} to ${payeeMember && payeeKind === "member" ? payeeMember.name : outside.trim()}.`, written.id);
  };
  return (
    <Form label="Disburse" onSubmit={() => send(false)} error={unplaced(error, HOST_FIELDS.disburse)} success={form.done}>
      <ConfirmUnusual error={error} onConfirm={() => void send(true)} onCancel={clear} />
      <p className="field__hint">
        Pay out of the purse.{" "}
        {form.currency
          ? limit > 0
            ? `Each member may pay out up to ${moneyText(limit, form.currency.code, [form.currency])} ${perMemberPer(spendPeriodIn(view.rules))} without a proposal, all their payments together; beyond that, cite a passed spend proposal.`
            : `Every payment in ${form.currency.code} needs a passed spend proposal: choose it under "Proposal" below.`
          : ""}
      </p>
      <RadioGroup
        legend="Pay to"
        name={`payee-${view.id}`}
        value={payeeKind}
        onChange={(value) => setPayeeKind(value === "member" ? "member" : "outside")}
        options={[
          { value: "outside", label: "Someone outside the commune" },
          { value: "member", label: "A member" },
        ]}
      />
      {payeeKind === "member" ? (
        <Select
          label="Payee member"
          value={member}
          onChange={setMember}
          options={[{ value: "", label: "Choose a member" }, ...members.map((candidate) => ({ value: candidate.key, label: candidate.name }))]}
          error={(form.attempted ? payeeProblem : undefined) ?? fieldProblem(error, "payee")}
        />
      ) : (
        <TextField
          label="Payee"
          value={outside}
          onChange={setOutside}
          maxLength={LIMITS.name}
          autoComplete="off"
          error={(form.attempted ? payeeProblem : undefined) ?? fieldProblem(error, "payee")}
        />
      )}
      <MoneyFields form={form} currencies={currencies} error={error} />
      <PassedSpendSelect view={view} value={proposal} onChange={setProposal} error={error} />
      <div className="button-row">
        <Button type="submit" busy={running}>
          Disburse
        </Button>
      </div>
    </Form>
  );
}
