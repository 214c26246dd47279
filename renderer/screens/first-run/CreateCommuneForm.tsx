import { useState } from "react";
import { useCommand } from "../../link/hooks";
import { Button, Checkbox, fieldProblem, Form, RadioGroup, Select, TextField, unplaced } from "../../ui";
import { checkDraft, initialDraft, type CommuneDraft, type CurrencyDraft } from "./commune-draft";
import { LIMITS } from "../../../shared/docs/fields";
import { PERCENT_RANGES } from "../../../shared/commune/rules";
import { perMemberPer, SPEND_PERIODS } from "../../../shared/commune/spend-period";
import { MAX_CURRENCY_CODE_LENGTH, MAX_DECIMALS } from "../../../shared/money/currency";

/** The host's problems this form shows beside a box rather than at the bottom. */
const PLACED = ["name", "rules.quorumPercent", "rules.thresholdPercent", "rules.spendPeriod"];

/** Found a commune: its name, currencies, how it decides, and the relays it syncs through. */
export function CreateCommuneForm({ onCreated }: { onCreated(communeId: string): void }) {
  const [draft, setDraft] = useState<CommuneDraft>(initialDraft);
  const [attempted, setAttempted] = useState(false);
  const [create, { running, error }] = useCommand("commune.create");
  const checked = checkDraft(draft);
  const problems = checked.problems;

  const update = (change: Partial<CommuneDraft>) => setDraft((previous) => ({ ...previous, ...change }));
  const updateCurrency = (key: number, change: Partial<CurrencyDraft>) =>
    setDraft((previous) => ({ ...previous, currencies: previous.currencies.map((row) => (row.key === key ? { ...row, ...change } : row)) }));
  const nextKey = (rows: { key: number }[]) => Math.max(0, ...rows.map((row) => row.key)) + 1;

  const submit = async () => {
    setAttempted(true);
    if (!checked.input) return;
    const result = await create(checked.input);
    if (result) onCreated(result.commune);
  };

  return (
    <Form
      label="Create a commune"
      onSubmit={submit}
      error={unplaced(error, PLACED) ?? (attempted && problems ? "Some fields need attention: see the messages beside them." : undefined)}
    >
      <TextField
        label="Commune name"
        value={draft.name}
        onChange={(name) => update({ name })}
        error={(attempted ? problems?.name : undefined) ?? fieldProblem(error, "name")}
        maxLength={LIMITS.name}
        autoComplete="off"
      />

      <fieldset className="fieldset">
        <legend>Currencies</legend>
        <p className="field__hint">
          Money, labour hours or any other currency the commune keeps. The spend limit is the most each member may pay out without a proposal in a day, week,
          month or year (UTC), all their payments together; empty means every payment needs one.
        </p>
        <Select
          label="Spend limits run"
          value={draft.spendPeriod}
          onChange={(value) => update({ spendPeriod: SPEND_PERIODS.find((period) => period === value) ?? draft.spendPeriod })}
          options={SPEND_PERIODS.map((period) => ({ value: period, label: perMemberPer(period) }))}
          error={fieldProblem(error, "rules.spendPeriod")}
        />
        {draft.currencies.map((row, index) => {
          const rowProblems = problems?.currencies[row.key];
          return (
            <div className="currency-row" key={row.key} role="group" aria-label={`Currency ${index + 1}`}>
              <TextField
                label="Code"
                value={row.code}
                onChange={(code) => updateCurrency(row.key, { code: code.toUpperCase() })}
                error={rowProblems?.code}
                maxLength={MAX_CURRENCY_CODE_LENGTH}
                autoComplete="off"
              />
              <TextField
                label="Currency name"
                value={row.name}
                onChange={(name) => updateCurrency(row.key, { name })}
                error={rowProblems?.name}
                maxLength={LIMITS.currencyName}
                autoComplete="off"
              />
              <TextField
                label="Decimals"
                value={row.decimals}
                onChange={(decimals) => updateCurrency(row.key, { decimals })}
                error={rowProblems?.decimals}
                inputMode="numeric"
                maxLength={String(MAX_DECIMALS).length}
                autoComplete="off"
              />
              <TextField
                label={`Spend limit ${perMemberPer(draft.spendPeriod)}${row.code ? ` (${row.code})` : ""}`}
                value={row.spendLimit}
                onChange={(spendLimit) => updateCurrency(row.key, { spendLimit })}
                error={rowProblems?.spendLimit}
                inputMode="decimal"
                autoComplete="off"
              />
              <Button
                variant="quiet"
                aria-label={`Remove currency ${row.code || index + 1}`}
                disabled={draft.currencies.length === 1}
                onClick={() => update({ currencies: draft.currencies.filter((other) => other.key !== row.key) })}
              >
                Remove
              </Button>
            </div>
          );
        })}
        <div>
          <Button
            variant="secondary"
            onClick={() => update({ currencies: [...draft.currencies, { key: nextKey(draft.currencies), code: "", name: "", decimals: "2", spendLimit: "" }] })}
          >
            Add currency
          </Button>
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>How the commune decides</legend>
        <div className="form-grid">
          <TextField
            label="Quorum (%)"
            hint="Share of members who must vote"
            value={draft.quorum}
            onChange={(quorum) => update({ quorum })}
            error={problems?.quorum ?? fieldProblem(error, "rules.quorumPercent")}
            inputMode="numeric"
            maxLength={String(PERCENT_RANGES.quorumPercent.max).length}
          />
          <TextField
            label="Approval threshold (%)"
            hint="Share of yes among yes and no"
            value={draft.threshold}
            onChange={(threshold) => update({ threshold })}
            error={problems?.threshold ?? fieldProblem(error, "rules.thresholdPercent")}
            inputMode="numeric"
            maxLength={String(PERCENT_RANGES.thresholdPercent.max).length}
          />
        </div>
        <Checkbox label="A single block vote vetoes a proposal" checked={draft.allowBlock} onChange={(allowBlock) => update({ allowBlock })} />
        <RadioGroup
          legend="Admission"
          name="admission"
          value={draft.admission}
          onChange={(admission) => update({ admission: admission === "proposal" ? "proposal" : "direct" })}
          options={[
            { value: "direct", label: "An invite admits its holder directly" },
            { value: "proposal", label: "Newcomers wait for a passed admit proposal" },
          ]}
        />
      </fieldset>

      <fieldset className="fieldset">
        <legend>Relays</legend>
        <p className="field__hint">
          A relay passes the commune's changes between members' computers, so members need not be online at the same time; any member can run one.
        </p>
        {draft.relays.map((row, index) => (
          <div className="relay-row" key={row.key}>
            <TextField
              label={draft.relays.length === 1 ? "Relay URL" : `Relay URL ${index + 1}`}
              value={row.url}
              onChange={(url) => update({ relays: draft.relays.map((other) => (other.key === row.key ? { ...other, url } : other)) })}
              error={problems?.relays[row.key]}
              placeholder="ws://127.0.0.1:3030"
              autoComplete="off"
              spellCheck={false}
            />
            <Button
              variant="quiet"
              aria-label={`Remove relay ${index + 1}`}
              onClick={() => update({ relays: draft.relays.filter((other) => other.key !== row.key) })}
            >
              Remove
            </Button>
          </div>
        ))}
        {draft.relays.length === 0 ? <p className="muted">Without a relay the commune stays on this computer until you add one in Settings.</p> : null}
        <Checkbox
          label="Allow a relay on an older version to read everything (plaintext)"
          checked={draft.plaintext}
          onChange={(plaintext) => update({ plaintext })}
        />
        <p className="field__hint">
          Off, the commune is private: its relays store only what they cannot read. Choose plaintext only for a relay that cannot be updated yet.
        </p>
        <div>
          <Button variant="secondary" onClick={() => update({ relays: [...draft.relays, { key: nextKey(draft.relays), url: "" }] })}>
            Add relay
          </Button>
        </div>
      </fieldset>

      <div className="button-row">
        <Button type="submit" busy={running}>
          Create commune
        </Button>
      </div>
    </Form>
  );
}
