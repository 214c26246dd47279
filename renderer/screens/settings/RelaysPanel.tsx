import { useState } from "react";
import { parseRelayUrl } from "../../../shared/docs/link";
import { useCommand, useView } from "../../link/hooks";
import { HOST_FIELDS } from "../host-fields";
import { Button, EmptyState, ErrorText, fieldProblem, Form, Panel, TextField, sinceText, unplaced, useNow } from "../../ui";

const STATE_TEXT = { connecting: "Connecting", connected: "Connected", offline: "Offline", refused: "Refused" } as const;

/** The relays this commune syncs through, each with its state, and the form to add or remove one. */
export function RelaysPanel({ communeId }: { communeId: string }) {
  const sync = useView("sync.status", { commune: communeId });
  const now = useNow();
  const [url, setUrl] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const [change, state, clear] = useCommand("commune.relays");
  const [removing, setRemoving] = useState<string | undefined>();
  const parsed = parseRelayUrl(url.trim());
  const problem =
    url.trim() === "" ? (submitted ? "Enter a relay address, such as ws://192.168.1.20:3030" : undefined) : parsed.ok ? undefined : parsed.error.message;
  const relays = sync.value?.relays ?? [];

  const add = async () => {
    setSubmitted(true);
    if (!parsed.ok) return;
    const sent = url;
    if (await change({ commune: communeId, add: [parsed.value] })) {
      setUrl((current) => (current === sent ? "" : current));
      setSubmitted(false);
    }
  };
  const remove = async (relay: string) => {
    setRemoving(relay);
    await change({ commune: communeId, remove: [relay] });
    setRemoving(undefined);
  };

  return (
    <Panel title="Relays of this commune">
      <p className="muted">Members sync through relays. Without one, your changes stay on this computer until a relay is added.</p>
      <ErrorText error={sync.error} />
      {sync.value && relays.length === 0 ? <EmptyState>No relay yet. Add the address a member gave you, or host one below.</EmptyState> : null}
      {relays.length > 0 ? (
        <ul className="plain-list relay-list" aria-label="Relays">
          {relays.map((relay) => (
            <li key={relay.url} className="relay-list__item">
              <div>
                <span className="mono">{relay.url}</span>
                <div className={relay.state === "refused" ? "field__error" : "muted"}>
                  {STATE_TEXT[relay.state]} {sinceText(relay.since, now)}
                  {relay.reason ? `: ${relay.reason}` : ""}
                </div>
              </div>
              <Button variant="quiet" aria-label={`Remove relay ${relay.url}`} busy={removing === relay.url} onClick={() => void remove(relay.url)}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      <Form label="Add relay" onSubmit={() => void add()} error={unplaced(state.error, HOST_FIELDS.addRelay)}>
        <TextField
          label="Relay address"
          value={url}
          onChange={(value) => {
            setUrl(value);
            if (state.error) clear();
          }}
          error={problem ?? fieldProblem(state.error, "add")}
          placeholder="ws://192.168.1.20:3030"
          autoComplete="off"
          spellCheck={false}
          hint="Starts with ws:// or wss://"
        />
        <div className="button-row">
          <Button type="submit" busy={state.running && removing === undefined}>
            Add relay
          </Button>
        </div>
      </Form>
    </Panel>
  );
}
