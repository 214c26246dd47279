import { useId, useState } from "react";
import type { CommandError } from "../../../shared/commands/commands";
import type { Currency } from "../../../shared/money/currency";
import { AmountField, Button, currencyOf, fieldProblem, Form, RadioGroup, Select, TextArea, TextField, unplaced } from "../../ui";
import { itemProblems, tagsOf, type ItemDraft } from "./item-draft";
import { LIMITS } from "../../../shared/docs/fields";

export interface ItemFormProps {
  label: string;
  /** The commune's currencies, for an offer's or a need's amount. */
  currencies: readonly Currency[];
  initial: ItemDraft;
  submitLabel: string;
  running: boolean;
  error: CommandError | undefined;
  success?: string | undefined;
  /** Resolves true when the host took it, so a new-item form can empty itself. */
  onSubmit(draft: ItemDraft): Promise<boolean>;
  onEdit?(): void;
  onCancel?(): void;
}

/** Title, description, link and tags of a knowledge item, checked as the member types. */
const ITEM_FIELDS: readonly string[] = ["title", "body", "link", "tags", "kind", "price"];

const KINDS = [
  { value: "knowledge", label: "Knowledge: something the commune knows or has" },
  { value: "offer", label: "An offer: a skill, a tool to lend" },
  { value: "need", label: "A need: help or something the commune lacks" },
] as const;

export function ItemForm({ label, currencies, initial, submitLabel, running, error, success, onSubmit, onEdit, onCancel }: ItemFormProps) {
  const idBase = useId();
  const [draft, setDraft] = useState<ItemDraft>(initial);
  const [touched, setTouched] = useState<ReadonlySet<keyof ItemDraft>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const problems = itemProblems(draft, currencies);
  // The draft's boxes are named as the command's input, so the host's answer lands beside the box its `field` names (the price is one field there).
  const problem = (field: keyof ItemDraft) =>
    (submitted || touched.has(field) ? problems[field] : undefined) ?? fieldProblem(error, field === "amount" || field === "currency" ? "price" : field);
  const set = (field: keyof ItemDraft) => (value: string) => {
    setDraft((previous) => ({ ...previous, [field]: value }));
    setTouched((previous) => new Set(previous).add(field));
    onEdit?.();
  };
  const submit = async () => {
    setSubmitted(true);
    if (Object.keys(problems).length > 0) return;
    const sent = draft;
    if (await onSubmit(sent)) {
      // Whatever the member typed while the host answered stays.
      setDraft((current) => (current === sent ? initial : current));
      setTouched(new Set());
      setSubmitted(false);
    }
  };
  const tags = tagsOf(draft.tags);
  const currency = currencyOf(draft.currency, currencies);
  return (
    <Form label={label} onSubmit={() => void submit()} error={unplaced(error, ITEM_FIELDS)} success={success}>
      <RadioGroup legend="What it is" name={`${idBase}-kind`} value={draft.kind} onChange={set("kind")} options={KINDS} />
      <TextField label="Title" value={draft.title} onChange={set("title")} error={problem("title")} maxLength={LIMITS.title} />
      <TextArea
        label="Description"
        value={draft.body}
        onChange={set("body")}
        error={problem("body")}
        hint="What it is, how to use it, whom to ask. Markdown works: **bold**, *italic*, lists, [links](https://…); images are named, never loaded."
      />
      <TextField
        label="Link"
        value={draft.link}
        onChange={set("link")}
        error={problem("link")}
        type="url"
        inputMode="url"
        autoComplete="off"
        placeholder="https://…"
        hint="Optional; http or https only."
      />
      {draft.kind !== "knowledge" && currencies.length > 0 ? (
        <div className="knowledge-price">
          <AmountField
            label={draft.kind === "offer" ? "Asks in return (optional)" : "Offers in return (optional)"}
            value={draft.amount}
            onChange={set("amount")}
            currency={currency}
            error={problem("amount")}
          />
          <Select
            label="Currency"
            value={draft.currency}
            onChange={set("currency")}
            options={currencies.map((option) => ({ value: option.code, label: `${option.code} (${option.name})` }))}
          />
        </div>
      ) : null}
      <TextField
        label="Tags"
        value={draft.tags}
        onChange={set("tags")}
        error={problem("tags")}
        autoComplete="off"
        hint={tags.length > 0 ? `Tags: ${tags.join(", ")}` : "Separated by commas, such as garden, tools"}
      />
      <div className="button-row">
        <Button type="submit" busy={running}>
          {submitLabel}
        </Button>
        {onCancel ? (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </Form>
  );
}
