import { FILES_STAY_READABLE } from "../../../shared/privacy/what-relays-see";
import { useView } from "../../link/hooks";
import { ErrorText, Panel, Time } from "../../ui";

/** Whether this commune is private, who holds its current key, and what a relay's operator can and cannot see of it, in plain words. */
export function PrivacyPanel({ communeId }: { communeId: string }) {
  const privacy = useView("commune.privacy", { commune: communeId });
  const view = privacy.value;
  return (
    <Panel title="Privacy from relays">
      <ErrorText error={privacy.error} />
      {view ? (
        <>
          {view.private && view.epoch ? (
            <>
              <p>
                This commune is <strong>private</strong>: everything members write is encrypted on their own computers before any relay gets it. It is in epoch{" "}
                {view.epoch.number}
                {view.epoch.startedAt !== undefined ? (
                  <>
                    , begun <Time at={view.epoch.startedAt} />
                    {view.epoch.startedBy ? ` by ${view.epoch.startedBy}` : ""}
                  </>
                ) : null}
                ; a new epoch begins whenever a member leaves or is removed.
              </p>
              {view.epoch.holders ? (
                <>
                  <h3 className="privacy-heading">Who holds this epoch&apos;s key</h3>
                  <ul className="privacy-holders">
                    {view.epoch.holders.map((holder) => (
                      <li key={holder.key}>{holder.name}</li>
                    ))}
                  </ul>
                  <p className="muted">Members who joined since it began hold it too: their invite carried it.</p>
                </>
              ) : (
                <p className="muted">This computer holds the key the invite carried; who else holds it shows once the epoch&apos;s record has synced.</p>
              )}
            </>
          ) : (
            <>
              <p>
                This commune is <strong>not private</strong>: its relays store its documents as they are.
              </p>
              {view.plaintextWhy ? <p>{view.plaintextWhy}</p> : null}
            </>
          )}
          <h3 className="privacy-heading">A relay&apos;s operator can see</h3>
          <ul>
            {view.operatorSees.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <h3 className="privacy-heading">A relay&apos;s operator cannot see</h3>
          <ul>
            {view.operatorCannotSee.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p className="muted">{FILES_STAY_READABLE}</p>
        </>
      ) : privacy.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
    </Panel>
  );
}
