import type { CommandError } from "../../../shared/commands/commands";
import { Button, Dialog } from "../../ui";

/**
 * The host asks before it signs an unusual entry ("entry.unusual": far
 * above the member's usual amount, or taking their standing below zero),
 * with what it would do. Asked once: the member records it anyway, or goes
 * back to the form with nothing written.
 */
export function ConfirmUnusual({ error, onConfirm, onCancel }: { error: CommandError | undefined; onConfirm(): void; onCancel(): void }) {
  const open = error?.code === "entry.unusual";
  return (
    <Dialog open={open} onClose={onCancel} title="Record it anyway?">
      <p>{open ? error.message : ""}</p>
      <div className="button-row">
        <Button onClick={onConfirm}>Record it anyway</Button>
        <Button variant="secondary" onClick={onCancel}>
          Go back and check
        </Button>
      </div>
    </Dialog>
  );
}
