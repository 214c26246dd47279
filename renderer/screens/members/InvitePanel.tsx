import { useId, useState } from "react";
import { useCommand } from "../../link/hooks";
import { Button, fieldProblem, Form, Panel, TextField, Time, unplaced } from "../../ui";
import { InviteQrCode } from "./InviteQrCode";
import { CopyButton } from "./CopyButton";
import { inviteDaysProblem } from "./invite-days";
import { HOST_FIELDS } from "../host-fields";

/** Makes an invite a new member pastes or scans; it admits one person and expires. */
export function InvitePanel({ communeId, communeName, admission }: { communeId: string; communeName: string; admission: "direct" | "proposal" }) {
  const [days, setDays] = useState("7");
  const [invite, setInvite] = useState<{ text: string; expiresAt: number } | undefined>();
  const [create, state] = useCommand("commune.invite");
  const problem = inviteDaysProblem(days);
  const textId = useId();

  const submit = async () => {
    if (problem) return;
    const made = await create({ commune: communeId, days: Number(days.trim()) });
    if (made) setInvite({ text: made.invite, expiresAt: made.expiresAt });
  };

  return (
    <Panel title="Invite someone">
      <p className="muted">
        {admission === "direct"
          ? `An invite admits one person to ${communeName} as soon as they join with it.`
          : `Whoever joins ${communeName} with an invite waits as an applicant until an admit proposal passes.`}
      </p>
      <Form label="Create invite" onSubmit={() => void submit()} error={unplaced(state.error, HOST_FIELDS.invite)}>
        <div className="form-grid">
          <TextField
            label="Valid for (days)"
            value={days}
            onChange={setDays}
            error={problem ?? fieldProblem(state.error, "days")}
            inputMode="decimal"
            autoComplete="off"
          />
        </div>
        <div className="button-row">
          <Button type="submit" busy={state.running}>
            Create invite
          </Button>
        </div>
      </Form>
      {invite ? (
        <div className="invite-result">
          <div className="field">
            <label className="field__label" htmlFor={textId}>
              Invite
            </label>
            <textarea
              id={textId}
              className="mono invite-result__text"
              readOnly
              value={invite.text}
              rows={4}
              onFocus={(event) => event.currentTarget.select()}
              aria-describedby={`${textId}-expiry`}
            />
            <span className="field__hint" id={`${textId}-expiry`}>
              Valid until <Time at={invite.expiresAt} />. Send it privately: it lets one person into the commune.
            </span>
          </div>
          <div className="button-row">
            <CopyButton text={invite.text} label="Copy invite" />
          </div>
          <InviteQrCode text={invite.text} />
        </div>
      ) : null}
    </Panel>
  );
}
