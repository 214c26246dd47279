import { useEffect, useState } from "react";
import { useCommand, useView } from "../../link/hooks";
import { HOST_FIELDS } from "../host-fields";
import { Button, ErrorText, fieldProblem, Form, Panel, TextField, unplaced } from "../../ui";
import { CopyButton } from "../members/CopyButton";
import { characters, LIMITS } from "../../../shared/docs/fields";

const MAX_NAME = LIMITS.name;

function nameProblem(name: string): string | undefined {
  if (name.trim() === "") return "Your name cannot be empty";
  if (characters(name) > MAX_NAME) return `Your name can be at most ${MAX_NAME} characters`;
  return undefined;
}

/** Who I am to the other members: the name they see and the key fingerprint they can check aloud. */
export function IdentityPanel() {
  const identity = useView("identity.show", {});
  const [name, setName] = useState("");
  const [dirty, setDirty] = useState(false);
  const [saved, setSaved] = useState(false);
  const [rename, state, clear] = useCommand("identity.rename");
  const current = identity.value?.name;
  useEffect(() => {
    if (current !== undefined && !dirty) setName(current);
  }, [current, dirty]);

  const problem = dirty ? nameProblem(name) : undefined;
  const submit = async () => {
    if (nameProblem(name)) {
      setDirty(true);
      return;
    }
    if (await rename({ name: name.trim() })) {
      setDirty(false);
      setSaved(true);
    }
  };

  return (
    <Panel title="You">
      <ErrorText error={identity.error} />
      <Form
        label="Rename"
        onSubmit={() => void submit()}
        error={unplaced(state.error, HOST_FIELDS.rename)}
        success={saved ? "Saved. The other members see the new name in what you sign from now on." : undefined}
      >
        <TextField
          label="Your name"
          value={name}
          onChange={(value) => {
            setName(value);
            setDirty(true);
            setSaved(false);
            if (state.error) clear();
          }}
          error={problem ?? fieldProblem(state.error, "name")}
          maxLength={MAX_NAME}
          autoComplete="name"
        />
        <div className="button-row">
          <Button type="submit" busy={state.running} disabled={!dirty}>
            Save
          </Button>
        </div>
      </Form>
      {identity.value ? (
        <dl className="settings-facts">
          <dt>Key fingerprint</dt>
          <dd className="mono">{identity.value.fingerprint}</dd>
          <dt>Public key</dt>
          <dd>
            <span className="mono settings-key">{identity.value.publicKey}</span>
            <div className="button-row">
              <CopyButton text={identity.value.publicKey} label="Copy public key" />
            </div>
          </dd>
        </dl>
      ) : null}
      <p className="muted">Read the fingerprint aloud to another member to check that they have your real key. Your private key never leaves this computer.</p>
    </Panel>
  );
}
