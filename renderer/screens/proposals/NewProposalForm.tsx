import { useId, useMemo, useState } from "react";
import type { CommuneView, MemberView } from "../../../shared/commands/views";
import { useCommand } from "../../link/hooks";
import { Button, Checkbox, fieldProblem, Form, moneyText, RadioGroup, Select, TextArea, TextField, unplaced, type Option } from "../../ui";
import type { Rules } from "../../../shared/commune/rules";
import { draftInput, draftProblems, emptyDraft, type DraftField, type DraftKind, type ProposalDraft } from "./proposal-draft";
import { LIMITS } from "../../../shared/docs/fields";
import { MAX_DECIMALS } from "../../../shared/money/currency";
import { perMemberPer, SPEND_PERIODS, spendPeriodIn } from "../../../shared/commune/spend-period";
import { ProcessFields } from "./ProcessFields";
import { emptyProcessDraft, fitHow, processDraftProblems, processInputOf, type ProcessDraft, type ProcessField } from "./process-draft";

const KIND_OPTIONS: readonly Option[] = [
  { value: "general", label: "General decision" },
  { value: "spend", label: "Spend from the purse" },
  { value: "admit", label: "Admit a member" },
  { value: "remove", label: "Remove a member" },
  { value: "rule", label: "Change the rules" },
];

const memberOptions = (members: readonly MemberView[], placeholder: string): Option[] => [
  { value: "", label: placeholder },
  ...members.map((member) => ({ value: member.key, label: `${member.name} (${member.fingerprint})` })),
];

export interface NewProposalFormProps {
  commune: CommuneView;
  /** Fields to start from, e.g. the member an admit or remove proposal is about. */
  initial?: Partial<ProposalDraft>;
  /** Only these kinds are offered; all when absent. */
  kinds?: readonly DraftKind[];
  /** Called with the new proposal's id after the host accepted it. */
  onCreated?(id: string): void;
  label?: string;
}

/** Every kind of proposal the host accepts, checked as the member types with the host's own wording. */
/**
 * Which boxes show the host's answer about which command input
 * (shared/commands/commands.ts): a problem whose `field` is one of these
 * lands beside its box, any other under the form.
 */
const HOST_FIELDS: Partial<Record<DraftField, readonly string[]>> = {
  title: ["title"],
  amount: ["amount"],
  currency: ["currency"],
  memberKey: ["member"],
  removeMember: ["member"],
  memberName: ["name"],
  days: ["deadline"],
  quorum: ["change.quorumPercent"],
  threshold: ["change.thresholdPercent"],
  limitAmount: ["change.spendLimit"],
  spendPeriod: ["change.spendPeriod"],
  confirmAmount: ["change.confirmAbove"],
};
const PLACED = [...new Set(Object.values(HOST_FIELDS).flat()), "process", "process.options", "process.dots", "process.times"];

export function NewProposalForm({ commune, initial, kinds, onCreated, label = "New proposal" }: NewProposalFormProps) {
  const currencies = commune.rules.currencies;
  const start = (): ProposalDraft => ({ ...emptyDraft(kinds?.[0] ?? "general", currencies[0]?.code ?? ""), ...initial });
  const [draft, setDraft] = useState<ProposalDraft>(start);
  const [touched, setTouched] = useState<ReadonlySet<DraftField>>(new Set());
  const [how, setHow] = useState<ProcessDraft>(emptyProcessDraft);
  const [submitted, setSubmitted] = useState(false);
  const [created, setCreated] = useState<string | undefined>();
  const [create, state, clear] = useCommand("proposal.create");
  const payeeName = useId();

  const problems = useMemo(() => draftProblems(draft, currencies), [draft, currencies]);
  const fitted = useMemo(() => fitHow(how, draft.kind), [how, draft.kind]);
  const howProblems = useMemo(() => processDraftProblems(fitted, draft.kind), [fitted, draft.kind]);
  const howProblem = (field: ProcessField) =>
    (submitted ? howProblems[field] : undefined) ?? fieldProblem(state.error, field === "how" ? "process" : `process.${field}`);
  const problem = (field: DraftField) =>
    (submitted || touched.has(field) ? problems[field] : undefined) ?? fieldProblem(state.error, ...(HOST_FIELDS[field] ?? []));
  const set =
    <F extends keyof ProposalDraft>(field: F) =>
    (value: ProposalDraft[F]) => {
      setDraft((previous) => ({ ...previous, [field]: value }));
      setTouched((previous) => new Set(previous).add(field));
      setCreated(undefined);
      if (state.error) clear();
    };

  const active = commune.balances.members.filter((member) => member.status === "active");
  const removable = commune.balances.members.filter((member) => member.status === "active" || member.status === "applicant");
  const currencyOptions = currencies.map((currency) => ({ value: currency.code, label: `${currency.code} (${currency.name})` }));
  const kindOptions = kinds ? KIND_OPTIONS.filter((option) => kinds.includes(option.value as DraftKind)) : KIND_OPTIONS;

  const submit = async () => {
    setSubmitted(true);
    if (Object.keys(problems).length > 0 || Object.keys(howProblems).length > 0) return;
    const sent = draft;
    const process = processInputOf(fitted);
    const written = await create({ ...draftInput(sent, commune.id), ...(process ? { process } : {}) });
    if (!written) return;
    setCreated(sent.title.trim());
    // The view often shows the new proposal before the answer arrives; whatever the member typed since stays.
    setDraft((current) => (current === sent ? start() : current));
    setHow(emptyProcessDraft());
    setTouched(new Set());
    setSubmitted(false);
    onCreated?.(written.id);
  };

  return (
    <Form
      label={label}
      onSubmit={() => void submit()}
      error={unplaced(state.error, PLACED)}
      success={created ? `Proposal "${created}" is open for votes.` : undefined}
    >
      {kindOptions.length > 1 ? <Select label="Kind" value={draft.kind} onChange={(kind) => set("kind")(kind as DraftKind)} options={kindOptions} /> : null}
      <TextField label="Title" value={draft.title} onChange={set("title")} error={problem("title")} maxLength={LIMITS.title} required />
      <TextArea label="Description" value={draft.body} onChange={set("body")} maxLength={LIMITS.body} hint="Optional: why, and what exactly is decided." />
      {draft.kind === "spend" ? (
        <>
          <div className="form-grid">
            <TextField label="Amount" value={draft.amount} onChange={set("amount")} error={problem("amount")} inputMode="decimal" autoComplete="off" />
            <Select label="Currency" value={draft.currency} onChange={set("currency")} options={currencyOptions} error={problem("currency")} />
          </div>
          <RadioGroup
            legend="Payee"
            name={payeeName}
            value={draft.payeeKind}
            onChange={(value) => set("payeeKind")(value === "outside" ? "outside" : "member")}
            options={[
              { value: "member", label: "A member" },
              { value: "outside", label: "Someone outside the commune" },
            ]}
          />
          {draft.payeeKind === "member" ? (
            <Select
              label="Payee member"
              value={draft.payeeMember}
              onChange={set("payeeMember")}
              options={memberOptions(active, "Choose a member")}
              error={problem("payeeMember")}
            />
          ) : (
            <TextField label="Payee name" value={draft.payeeOutside} onChange={set("payeeOutside")} error={problem("payeeOutside")} maxLength={LIMITS.name} />
          )}
        </>
      ) : null}
      {draft.kind === "admit" ? (
        <div className="form-grid">
          <TextField
            label="Public key"
            value={draft.memberKey}
            onChange={set("memberKey")}
            error={problem("memberKey")}
            className="field--key"
            autoComplete="off"
            spellCheck={false}
          />
          <TextField label="Name" value={draft.memberName} onChange={set("memberName")} error={problem("memberName")} maxLength={LIMITS.name} />
        </div>
      ) : null}
      {draft.kind === "remove" ? (
        <Select
          label="Member"
          value={draft.removeMember}
          onChange={set("removeMember")}
          options={memberOptions(removable, "Choose a member")}
          error={problem("removeMember")}
        />
      ) : null}
      {draft.kind === "rule" ? <RuleFields draft={draft} set={set} problem={problem} commune={commune} /> : null}
      <TextField
        label="Deadline (days)"
        value={draft.days}
        onChange={set("days")}
        error={problem("days")}
        inputMode="decimal"
        autoComplete="off"
        hint="Voting closes this many days from now (at least 1 hour: 0.0417 days), or earlier once the outcome can no longer change."
      />
      <ProcessFields
        kind={draft.kind}
        value={how}
        onChange={(next) => {
          setHow(next);
          setCreated(undefined);
          if (state.error) clear();
        }}
        problem={howProblem}
      />
      <Checkbox label="Hide how members voted until it closes" checked={draft.hideVotes} onChange={set("hideVotes")} />
      <div className="button-row">
        <Button type="submit" busy={state.running}>
          Create proposal
        </Button>
      </div>
    </Form>
  );
}

interface RuleFieldsProps {
  draft: ProposalDraft;
  set: <F extends keyof ProposalDraft>(field: F) => (value: ProposalDraft[F]) => void;
  problem(field: DraftField): string | undefined;
  commune: CommuneView;
}

/** A rule proposal changes only what is filled in; the current rule is shown beside each field. */
function RuleFields({ draft, set, problem, commune }: RuleFieldsProps) {
  const { rules } = commune;
  const limitCodes = [
    ...rules.currencies.map((currency) => currency.code),
    ...(draft.addCode.trim() !== "" && !rules.currencies.some((c) => c.code === draft.addCode.trim()) ? [draft.addCode.trim()] : []),
  ];
  return (
    <fieldset className="rule-fields">
      <legend>Rules to change (leave a field empty to keep the rule)</legend>
      <div className="form-grid">
        <TextField
          label="Quorum (%)"
          value={draft.quorum}
          onChange={set("quorum")}
          error={problem("quorum")}
          inputMode="numeric"
          hint={`Now ${rules.quorumPercent}%`}
          autoComplete="off"
        />
        <TextField
          label="Approval threshold (%)"
          value={draft.threshold}
          onChange={set("threshold")}
          error={problem("threshold")}
          inputMode="numeric"
          hint={`Now ${rules.thresholdPercent}%`}
          autoComplete="off"
        />
        <Select
          label="Blocking"
          value={draft.allowBlock}
          onChange={(value) => set("allowBlock")(value === "yes" || value === "no" ? value : "")}
          options={[
            { value: "", label: "No change" },
            { value: "yes", label: "A single block vetoes" },
            { value: "no", label: "No blocking" },
          ]}
          hint={`Now: ${rules.allowBlock ? "a single block vetoes" : "no blocking"}`}
        />
        <Select
          label="Admission"
          value={draft.admission}
          onChange={(value) => set("admission")(value === "direct" || value === "proposal" ? value : "")}
          options={[
            { value: "", label: "No change" },
            { value: "direct", label: "An invite admits" },
            { value: "proposal", label: "Admission by proposal" },
          ]}
          hint={`Now: ${rules.admission === "direct" ? "an invite admits" : "admission by proposal"}`}
        />
        <Select
          label="Spend limit currency"
          value={draft.limitCurrency}
          onChange={set("limitCurrency")}
          options={limitCodes.map((code) => ({ value: code, label: code }))}
          error={problem("limitCurrency")}
        />
        <TextField
          label="Spend limit"
          value={draft.limitAmount}
          onChange={set("limitAmount")}
          error={problem("limitAmount")}
          inputMode="decimal"
          autoComplete="off"
          hint={`The most each member may pay out without a proposal, ${perMemberPer(spendPeriodIn(rules))} unless the period below changes; 0 means every spend needs one.`}
        />
        <Select
          label="Spend limits run"
          value={draft.spendPeriod}
          onChange={(value) => set("spendPeriod")(SPEND_PERIODS.find((period) => period === value) ?? "")}
          options={[{ value: "", label: "No change" }, ...SPEND_PERIODS.map((period) => ({ value: period, label: perMemberPer(period) }))]}
          error={problem("spendPeriod")}
          hint={`Now: ${perMemberPer(spendPeriodIn(rules))}`}
        />
        <Select
          label="Currency to confirm in"
          value={draft.confirmCurrency}
          onChange={set("confirmCurrency")}
          options={limitCodes.map((code) => ({ value: code, label: code }))}
          error={problem("confirmCurrency")}
        />
        <TextField
          label="Ask to confirm entries above"
          value={draft.confirmAmount}
          onChange={set("confirmAmount")}
          error={problem("confirmAmount")}
          inputMode="decimal"
          autoComplete="off"
          hint={`Before an entry above this is signed, its writer is asked once; 0 for never. Now: ${confirmNow(rules)}.`}
        />
      </div>
      <div className="form-grid">
        <TextField
          label="New currency code"
          value={draft.addCode}
          onChange={(value) => set("addCode")(value.toUpperCase())}
          error={problem("addCode")}
          autoComplete="off"
          hint="Optional, such as HOUR"
        />
        <TextField label="New currency name" value={draft.addName} onChange={set("addName")} error={problem("addName")} maxLength={LIMITS.currencyName} />
        <Select
          label="New currency decimals"
          value={draft.addDecimals}
          onChange={set("addDecimals")}
          options={Array.from({ length: MAX_DECIMALS + 1 }, (_, decimals) => ({ value: String(decimals), label: String(decimals) }))}
        />
      </div>
      {problem("rule") ? <p className="field__error">{problem("rule")}</p> : null}
    </fieldset>
  );
}

/** The commune's current "ask to confirm" amounts, in words. */
function confirmNow(rules: Rules): string {
  const set = Object.entries(rules.confirmAbove ?? {}).filter(([, threshold]) => threshold > 0);
  return set.length === 0 ? "never" : set.map(([code, threshold]) => `above ${moneyText(threshold, code, rules.currencies)}`).join(", ");
}
