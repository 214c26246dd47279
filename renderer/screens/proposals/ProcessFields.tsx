import { useId } from "react";
import { LIMITS } from "../../../shared/docs/fields";
import { PROCESS_LIMITS } from "../../../shared/proposals/processes/process";
import { Button, Checkbox, RadioGroup, TextField } from "../../ui";
import { howChoices, type ProcessDraft, type ProcessField } from "./process-draft";
import type { DraftKind } from "./proposal-draft";
import "./processes.css";

export interface ProcessFieldsProps {
  kind: DraftKind;
  value: ProcessDraft;
  onChange(value: ProcessDraft): void;
  problem(field: ProcessField): string | undefined;
}

/** "How we decide": the process and, for a poll or a meeting, the options or times to choose from. */
export function ProcessFields({ kind, value, onChange, problem }: ProcessFieldsProps) {
  const name = useId();
  const choices = howChoices(kind);
  const chosen = choices.find((choice) => choice.value === value.how) ?? choices[0]!;
  const change = (patch: Partial<ProcessDraft>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="process-fields">
      <legend>How we decide</legend>
      <RadioGroup
        legend="Process"
        name={name}
        value={chosen.value}
        onChange={(how) => change({ how: choices.find((choice) => choice.value === how)?.value ?? "vote" })}
        options={choices.map(({ value: how, label }) => ({ value: how, label }))}
      />
      <p className="muted">{chosen.hint}</p>
      {problem("how") ? <p className="field__error">{problem("how")}</p> : null}
      {chosen.value === "poll" ? (
        <>
          <ListEditor
            noun="Option"
            items={value.options}
            onChange={(options) => change({ options })}
            render={(text, i, set) => <TextField label={`Option ${i + 1}`} value={text} onChange={set} maxLength={LIMITS.option} autoComplete="off" />}
          />
          {problem("options") ? <p className="field__error">{problem("options")}</p> : null}
          <Checkbox label="Dot vote: each member spreads dots across the options" checked={value.dotVote} onChange={(dotVote) => change({ dotVote })} />
          {value.dotVote ? (
            <TextField
              label="Dots per member"
              value={value.dots}
              onChange={(dots) => change({ dots })}
              error={problem("dots")}
              inputMode="numeric"
              autoComplete="off"
              hint={`From ${PROCESS_LIMITS.minDots} to ${PROCESS_LIMITS.maxDots}.`}
            />
          ) : null}
        </>
      ) : null}
      {chosen.value === "meeting" ? (
        <>
          <ListEditor
            noun="Time"
            items={value.times}
            onChange={(times) => change({ times })}
            render={(text, i, set) => <TextField label={`Time ${i + 1}`} type="datetime-local" value={text} onChange={set} />}
          />
          {problem("times") ? <p className="field__error">{problem("times")}</p> : null}
        </>
      ) : null}
    </fieldset>
  );
}

interface ListEditorProps {
  noun: string;
  items: string[];
  onChange(items: string[]): void;
  render(text: string, index: number, set: (text: string) => void): React.ReactNode;
}

/** A list of boxes with "Add" and a "Remove" beside each beyond the least a process needs. */
function ListEditor({ noun, items, onChange, render }: ListEditorProps) {
  const { minOptions, maxOptions } = PROCESS_LIMITS;
  return (
    <div className="process-fields__list">
      {items.map((text, i) => (
        <div className="process-fields__item" key={i}>
          {render(text, i, (next) => onChange(items.map((item, j) => (j === i ? next : item))))}
          {items.length > minOptions ? (
            <Button variant="secondary" aria-label={`Remove ${noun.toLowerCase()} ${i + 1}`} onClick={() => onChange(items.filter((_, j) => j !== i))}>
              Remove
            </Button>
          ) : null}
        </div>
      ))}
      {items.length < maxOptions ? (
        <div className="button-row">
          <Button variant="secondary" onClick={() => onChange([...items, ""])}>
            Add {noun.toLowerCase()}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
