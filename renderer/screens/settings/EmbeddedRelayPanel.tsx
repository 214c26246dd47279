import { useState } from "react";
import { parseRelayUrl } from "../../../shared/docs/link";
import { useCommand, useView } from "../../link/hooks";
import { Button, Checkbox, Form, Panel, TextField } from "../../ui";
import { portProblem, RELAY_FORM_DEFAULTS } from "./relay-form";

function normalRelayUrl(url: string): string {
  const parsed = parseRelayUrl(url);
  return parsed.ok ? parsed.value : url;
}

/**
 * A relay run by this computer, so a commune can sync on a home network
 * without anyone's server. It relays only while this app runs.
 */
export function EmbeddedRelayPanel({ communeId }: { communeId: string | undefined }) {
  const info = useView("host.info", {});
  const sync = useView("sync.status", communeId ? { commune: communeId } : undefined);
  const [port, setPort] = useState<string>(RELAY_FORM_DEFAULTS.port);
  const [lan, setLan] = useState<boolean>(RELAY_FORM_DEFAULTS.lan);
  const [start, starting, clearStart] = useCommand("relay.host");
  const [stop, stopping] = useCommand("relay.stop");
  const [useRelay, using] = useCommand("commune.relays");
  const running = info.value?.embeddedRelay;
  const problem = portProblem(port);
  const known = new Set((sync.value?.relays ?? []).map((relay) => relay.url));
  // The commune keeps relay addresses in the URL parser's normal form ("ws://host:port/"), the embedded relay names them without the slash.
  const isKnown = (url: string) => known.has(url) || known.has(normalRelayUrl(url));

  const submit = async () => {
    if (problem) return;
    await start({ port: Number(port.trim()), lan });
  };

  const addresses = running ? (running.lan && running.lanUrls.length > 0 ? running.lanUrls : [running.url]) : [];
  return (
    <Panel title="Host a relay on this computer">
      {running ? (
        <>
          <p role="status">
            A relay runs here on port {running.port}, {running.lan ? "open to other computers on your network" : "for this computer only"}. It relays only while
            Commune runs.
          </p>
          <ul className="plain-list relay-list" aria-label="Addresses of the relay on this computer">
            {[running.url, ...running.lanUrls].map((url) => (
              <li key={url} className="relay-list__item">
                <span className="mono">{url}</span>
                {communeId && addresses.includes(url) && !isKnown(url) ? (
                  <Button
                    variant="secondary"
                    busy={using.running}
                    aria-label={`Use for this commune: ${url}`}
                    onClick={() => void useRelay({ commune: communeId, add: [url] })}
                  >
                    Use for this commune
                  </Button>
                ) : null}
                {isKnown(url) ? <span className="muted">used by this commune</span> : null}
              </li>
            ))}
          </ul>
          {running.lan ? (
            <p className="muted">
              Give other members an address starting with your network address (not 127.0.0.1); invites you make carry this commune's relays.
            </p>
          ) : null}
          {using.error ? (
            <p className="error-text" role="alert">
              {using.error.message}
            </p>
          ) : null}
          <div className="button-row">
            <Button variant="secondary" busy={stopping.running} onClick={() => void stop({})}>
              Stop relay
            </Button>
          </div>
          {stopping.error ? (
            <p className="error-text" role="alert">
              {stopping.error.message}
            </p>
          ) : null}
        </>
      ) : (
        <Form label="Host a relay" onSubmit={() => void submit()} error={starting.error}>
          <p className="muted">
            Run a relay here so members can sync on your home or office network without a server. It relays only while Commune runs on this computer.
          </p>
          <div className="form-grid">
            <TextField
              label="Relay port"
              value={port}
              onChange={(value) => {
                setPort(value);
                if (starting.error) clearStart();
              }}
              error={problem}
              inputMode="numeric"
              autoComplete="off"
            />
          </div>
          <Checkbox label="Let other computers on my network connect" checked={lan} onChange={setLan} />
          <div className="button-row">
            <Button type="submit" busy={starting.running}>
              Host relay
            </Button>
          </div>
        </Form>
      )}
    </Panel>
  );
}
