import { useState } from "react";
import type { CommandResults } from "../../../shared/commands/commands";
import { useCommand } from "../../link/hooks";
import { HOST_FIELDS } from "../host-fields";
import { Button, fieldProblem, Form, Notice, ProgressBar, TextArea, unplaced } from "../../ui";

function joinedText({ name, status }: CommandResults["commune.join"]): string {
  if (status === "active") return `You joined ${name} and its documents have arrived: you are an active member.`;
  if (status === "applicant") return `You asked to join ${name}. The members decide by proposal; until then you can look around.`;
  return `You joined ${name} (status: ${status}).`;
}

/** Join by pasting an invite a member created; the host waits for a relay to admit it and send the commune. */
export function JoinCommuneForm({ onJoined }: { onJoined(communeId: string, message: string): void }) {
  const [invite, setInvite] = useState("");
  const [attempted, setAttempted] = useState(false);
  const [join, { running, error, progress }] = useCommand("commune.join");
  const trimmed = invite.trim();

  const submit = async () => {
    setAttempted(true);
    if (trimmed === "") return;
    const result = await join({ invite: trimmed });
    if (result) onJoined(result.commune, joinedText(result));
  };

  return (
    <Form label="Join a commune" onSubmit={submit} error={unplaced(error, HOST_FIELDS.join)}>
      <TextArea
        label="Invite"
        hint="Paste the invite a member of the commune gave you."
        value={invite}
        onChange={setInvite}
        error={(attempted && trimmed === "" ? "Paste the invite first" : undefined) ?? fieldProblem(error, "invite")}
        spellCheck={false}
        autoComplete="off"
        rows={4}
        onKeyDown={(event) => {
          // Enter submits, as in every other form; Shift+Enter still breaks a line.
          if (event.key === "Enter" && !event.shiftKey) {
            event.preventDefault();
            event.currentTarget.form?.requestSubmit();
          }
        }}
      />
      {running ? (
        <>
          <Notice>Waiting for a relay to admit you and send the commune… This can take a minute when the relay is far away.</Notice>
          <ProgressBar label="Joining" progress={progress} />
        </>
      ) : null}
      <div className="button-row">
        <Button type="submit" busy={running}>
          Join
        </Button>
      </div>
    </Form>
  );
}
