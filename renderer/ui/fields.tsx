import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

/**
 * Form fields with a visible <label>, an optional hint and an inline error
 * tied to the control (aria-invalid, aria-describedby), so a screen reader
 * hears the same message a sighted member reads.
 */
interface FieldFrame {
  label: string;
  hint?: ReactNode;
  /** Shown under the field and announced with it; the field is marked invalid. */
  error?: string | undefined;
  className?: string;
}

function describedBy(hintId: string, errorId: string, hint: unknown, error: unknown): string | undefined {
  return [hint ? hintId : "", error ? errorId : ""].filter(Boolean).join(" ") || undefined;
}

function Frame({ id, label, hint, error, className, children }: FieldFrame & { id: string; children: ReactNode }) {
  return (
    <div className={["field", className].filter(Boolean).join(" ")}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint ? (
        <span className="field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="field__error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

export interface TextFieldProps extends FieldFrame, Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value" | "className"> {
  value: string;
  onChange(value: string): void;
}

export function TextField({ label, hint, error, className, value, onChange, id: givenId, ...rest }: TextFieldProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <Frame id={id} label={label} hint={hint} error={error} className={className}>
      <input
        type="text"
        {...rest}
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
      />
    </Frame>
  );
}

/** A whole number typed as text, so the member sees what they typed and the form decides what it means. */
export function NumberField(props: TextFieldProps) {
  return <TextField inputMode="numeric" autoComplete="off" {...props} />;
}

export interface TextAreaProps extends FieldFrame, Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "onChange" | "value" | "className"> {
  value: string;
  onChange(value: string): void;
}

export function TextArea({ label, hint, error, className, value, onChange, id: givenId, ...rest }: TextAreaProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <Frame id={id} label={label} hint={hint} error={error} className={className}>
      <textarea
        {...rest}
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
      />
    </Frame>
  );
}

export interface Option {
  value: string;
  label: string;
}

export interface SelectProps extends FieldFrame, Omit<SelectHTMLAttributes<HTMLSelectElement>, "onChange" | "value" | "className"> {
  value: string;
  onChange(value: string): void;
  options: readonly Option[];
}

export function Select({ label, hint, error, className, value, onChange, options, id: givenId, ...rest }: SelectProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <Frame id={id} label={label} hint={hint} error={error} className={className}>
      <select
        {...rest}
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "checked" | "type"> {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
}

export function Checkbox({ label, checked, onChange, ...rest }: CheckboxProps) {
  return (
    <label className="checkbox">
      <input {...rest} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      {label}
    </label>
  );
}

export interface RadioGroupProps {
  legend: string;
  name: string;
  value: string;
  onChange(value: string): void;
  options: readonly Option[];
}

export function RadioGroup({ legend, name, value, onChange, options }: RadioGroupProps) {
  return (
    <fieldset className="radio-group">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option.value}>
          <input type="radio" name={name} value={option.value} checked={value === option.value} onChange={() => onChange(option.value)} />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
