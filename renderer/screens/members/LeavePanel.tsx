import { useState } from "react";
import { useCommand } from "../../link/hooks";
import { Button, Dialog, ErrorText, Panel } from "../../ui";

/** Leaving, behind a dialog that says plainly what it does before anything is signed. */
export function LeavePanel({ communeId, communeName }: { communeId: string; communeName: string }) {
  const [confirming, setConfirming] = useState(false);
  const [leave, state, clear] = useCommand("commune.leave");
  const close = () => {
    setConfirming(false);
    clear();
  };
  const confirm = async () => {
    if (await leave({ commune: communeId })) setConfirming(false);
  };
  return (
    <Panel title="Leave the commune">
      <p className="muted">You can leave {communeName} at any time. The other members see that you left.</p>
      <div className="button-row">
        <Button variant="danger" onClick={() => setConfirming(true)}>
          Leave commune
        </Button>
      </div>
      <Dialog open={confirming} onClose={close} title={`Leave ${communeName}?`}>
        <div className="stack">
          <p>If you leave, you are no longer a member of {communeName}:</p>
          <ul className="leave-consequences">
            <li>you can no longer vote, make proposals, invite or record anything in the purse;</li>
            <li>what you recorded so far stays in the commune's history, and your standing stays as it is;</li>
            <li>the other members see that you left;</li>
            <li>to come back you need a new invite from a member (and, if the commune admits by proposal, a passed admit proposal).</li>
          </ul>
          <ErrorText error={state.error} />
          <div className="button-row">
            <Button variant="danger" busy={state.running} onClick={() => void confirm()}>
              Leave {communeName}
            </Button>
            <Button variant="secondary" onClick={close} autoFocus>
              Cancel
            </Button>
          </div>
        </div>
      </Dialog>
    </Panel>
  );
}
