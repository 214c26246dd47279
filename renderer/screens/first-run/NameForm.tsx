import { useState } from "react";
import { useCommand } from "../../link/hooks";
import { HOST_FIELDS } from "../host-fields";
import { Button, fieldProblem, Form, TextField, unplaced } from "../../ui";
import { characters, LIMITS } from "../../../shared/docs/fields";

/** The name the other members will see beside everything this member signs. */
export function NameForm({ initial = "", onSaved }: { initial?: string; onSaved?: () => void }) {
  const [name, setName] = useState(initial);
  const [attempted, setAttempted] = useState(false);
  const [rename, { running, error }] = useCommand("identity.rename");
  const trimmed = name.trim();
  const problem =
    trimmed === ""
      ? "Choose a name the other members will know you by"
      : characters(trimmed) > LIMITS.name
        ? `A name can be at most ${LIMITS.name} characters`
        : undefined;

  const submit = async () => {
    setAttempted(true);
    if (problem) return;
    if (await rename({ name: trimmed })) onSaved?.();
  };

  return (
    <Form label="Choose a name" onSubmit={submit} error={unplaced(error, HOST_FIELDS.rename)}>
      <TextField
        label="Your name"
        value={name}
        onChange={setName}
        error={(attempted || trimmed !== "" ? problem : undefined) ?? fieldProblem(error, "name")}
        autoComplete="name"
        maxLength={LIMITS.name}
      />
      <div className="button-row">
        <Button type="submit" busy={running}>
          Save
        </Button>
      </div>
    </Form>
  );
}
