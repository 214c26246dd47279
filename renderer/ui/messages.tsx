import type { ReactNode } from "react";
import type { CommandError } from "../../shared/commands/commands";

/** A host's or a form's error, shown as written beside what caused it, and announced. */
export function ErrorText({ error }: { error: CommandError | string | undefined }) {
  if (!error) return null;
  return (
    <p className="error-text" role="alert">
      {typeof error === "string" ? error : error.message}
    </p>
  );
}

/** What a command did, announced politely; the region stays mounted so screen readers hear changes. */
export function SuccessText({ children }: { children: ReactNode }) {
  return (
    <div role="status" aria-live="polite">
      {children ? <p className="success-text">{children}</p> : null}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty-state">{children}</p>;
}

export function Notice({ children }: { children: ReactNode }) {
  return <p className="notice">{children}</p>;
}
