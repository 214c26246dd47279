import { useView } from "../../link/hooks";
import { ErrorText, Panel } from "../../ui";

/** Where this computer keeps the data, which version runs, and how the app looks. */
export function HostPanel() {
  const info = useView("host.info", {});
  return (
    <Panel title="This computer">
      <ErrorText error={info.error} />
      {info.value ? (
        <dl className="settings-facts">
          <dt>Data folder</dt>
          <dd className="mono">{info.value.dataDir}</dd>
          <dt>Version</dt>
          <dd>Commune {info.value.version}</dd>
          <dt>Theme</dt>
          <dd>Follows your system's light or dark setting.</dd>
        </dl>
      ) : info.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
      <p className="muted">Back up the data folder to keep your key and your copy of every commune; anyone with it can act as you.</p>
    </Panel>
  );
}
