import { useState } from "react";
import { useCommand } from "../../link/hooks";
import { Button, Form, TextField } from "../../ui";

/** The name the other members will see beside everything this member signs. */
export function NameForm({ initial = "", onSaved }: { initial?: string; onSaved?: () => void }) {
  const [name, setName] = useState(initial);
  const [attempted, setAttempted] = useState(false);
  const [rename, { running, error }] = useCommand("identity.rename");
  const trimmed = name.trim();
  const problem = trimmed === "" ? "Choose a name the other members will know you by" : [...trimmed].length > 100 ? "A name can be at most 100 characters" : undefined;

  const submit = async () => {
    setAttempted(true);
    if (problem) return;
    if (await rename({ name: trimmed })) onSaved?.();
  };

  return (
    <Form label="Choose a name" onSubmit={submit} error={error}>
      <TextField label="Your name" value={name} onChange={setName} error={attempted || trimmed !== "" ? problem : undefined} autoComplete="name" maxLength={100} />
      <div className="button-row">
        <Button type="submit" busy={running}>
          Save
        </Button>
      </div>
    </Form>
  );
}
