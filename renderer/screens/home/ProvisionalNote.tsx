import type { CommuneView } from "../../../shared/commands/views";
import { Time } from "../../ui";

/** Why the balances shown are not yet this machine's own count, while the purse is still loading. */
export function ProvisionalNote({ view }: { view: CommuneView }) {
  if (!view.provisional) return null;
  if (view.readOnly) {
    return (
      <p className="error-text" role="alert">
        {view.readOnly} This is the commune as it was last read, and nothing can be written until the document is repaired.
      </p>
    );
  }
  if (view.countedBy) {
    return (
      <p className="muted">
        These balances are {view.countedBy.name}’s signed count of <Time at={view.countedBy.at} />. Your copy is still receiving and checking the full history;
        its own count replaces this one when it is done.
      </p>
    );
  }
  return <p className="muted">loading… these balances were saved last time; the purse is still loading.</p>;
}
