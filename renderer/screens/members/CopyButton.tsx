import { useEffect, useState } from "react";
import { Button } from "../../ui";

/** Copies text to the clipboard and says so in a live region; where the clipboard is refused, it says to copy by hand. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<"copied" | "refused" | undefined>();
  useEffect(() => setOutcome(undefined), [text]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome("copied");
    } catch {
      setOutcome("refused");
    }
  };
  return (
    <>
      <Button variant="secondary" onClick={() => void copy()}>
        {label}
      </Button>
      <span role="status" aria-live="polite" className="muted">
        {outcome === "copied" ? "Copied." : outcome === "refused" ? "This window may not use the clipboard: select the text and copy it." : ""}
      </span>
    </>
  );
}
