import { useId } from "react";
import type { Progress } from "../link/link";

/** How far long work has got; without a total it is an indeterminate bar with the host's label. */
export function ProgressBar({ progress, label }: { progress: Progress | undefined; label: string }) {
  const id = useId();
  return (
    <div className="progress" role="status" aria-live="polite">
      <span id={id}>
        {label}
        {progress ? `: ${progress.label}${progress.total ? ` (${progress.done} of ${progress.total})` : ""}` : "…"}
      </span>
      <progress aria-labelledby={id} {...(progress?.total ? { max: progress.total, value: progress.done } : {})} />
    </div>
  );
}
