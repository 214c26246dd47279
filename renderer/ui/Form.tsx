import type { FormEvent, ReactNode } from "react";
import type { CommandError } from "../../shared/commands/commands";
import { useLinkState } from "../link/hooks";
import { ErrorText, SuccessText } from "./messages";

export interface FormProps {
  /** The form's accessible name. */
  label: string;
  onSubmit(): void;
  children: ReactNode;
  /** The host's answer when the command failed, shown beside the form. */
  error?: CommandError | string | undefined;
  /** What the last successful submit did. */
  success?: ReactNode;
  className?: string;
}

/** A form that submits with Enter, never reloads the page, and shows its own outcome. */
export function Form({ label, onSubmit, children, error, success, className }: FormProps) {
  // While no host answers, a form that looks usable would only lose what is typed into it on submit.
  const hostAnswers = useLinkState() === "open";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (hostAnswers) onSubmit();
  };
  return (
    <form className={["form", className].filter(Boolean).join(" ")} aria-label={label} onSubmit={submit} noValidate>
      <fieldset className="form__fields" disabled={!hostAnswers}>
        {children}
      </fieldset>
      <ErrorText error={error} />
      <SuccessText>{success}</SuccessText>
    </form>
  );
}
