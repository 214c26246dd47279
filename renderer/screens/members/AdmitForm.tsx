import { useState } from "react";
import { useCommand } from "../../link/hooks";
import { Button, fieldProblem, Form, TextField, unplaced } from "../../ui";
import { publicKeyProblem } from "../../../shared/docs/fields";
import { LIMITS } from "../../../shared/docs/fields";
import { HOST_FIELDS } from "../host-fields";

/** Admits someone by their public key at once: only while the rules say an invite or a member admits directly. */
export function AdmitForm({ communeId }: { communeId: string }) {
  const [key, setKey] = useState("");
  const [name, setName] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const [admitted, setAdmitted] = useState<string | undefined>();
  const [admit, state, clear] = useCommand("commune.admit");
  const keyProblem = publicKeyProblem(key.trim());
  const nameProblem = name.trim() === "" ? "Give the new member's name" : undefined;

  const edit = (set: (value: string) => void) => (value: string) => {
    set(value);
    setAdmitted(undefined);
    if (state.error) clear();
  };
  const submit = async () => {
    setSubmitted(true);
    if (keyProblem || nameProblem) return;
    const sent = { key, name };
    const done = await admit({ commune: communeId, member: key.trim(), name: name.trim() });
    if (!done) return;
    setAdmitted(sent.name.trim());
    // Whatever the member typed while the host answered stays.
    setKey((current) => (current === sent.key ? "" : current));
    setName((current) => (current === sent.name ? "" : current));
    setSubmitted(false);
  };

  return (
    <Form
      label="Admit a member"
      onSubmit={() => void submit()}
      error={unplaced(state.error, HOST_FIELDS.admit)}
      success={admitted ? `${admitted} is now a member.` : undefined}
    >
      <TextField
        label="Public key"
        value={key}
        onChange={edit(setKey)}
        error={(key !== "" || submitted ? keyProblem : undefined) ?? fieldProblem(state.error, "member")}
        hint="The 64 hex digits they find under Settings, in their own Commune."
        className="field--key"
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        label="Name"
        value={name}
        onChange={edit(setName)}
        error={(name !== "" || submitted ? nameProblem : undefined) ?? fieldProblem(state.error, "name")}
        maxLength={LIMITS.name}
      />
      <div className="button-row">
        <Button type="submit" busy={state.running}>
          Admit member
        </Button>
      </div>
    </Form>
  );
}
