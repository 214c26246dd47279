import type { SyncStatusView } from "../../shared/commands/views";
import { useView } from "../link/hooks";
import { sinceText } from "./Time";
import { useNow } from "./useNow";

/** One line a member can read at a glance: Online/Offline, peers, last sync, changes waiting. */
export function syncSummary(status: SyncStatusView, now: number): string {
  const connected = status.relays.filter((relay) => relay.state === "connected").length;
  // Offline, the time it last matched a relay is the news ("Offline since 14:02"), not a detail at the end.
  const offlineSince = connected === 0 && status.relays.length > 0 && status.lastSynced !== undefined ? ` since ${clockText(status.lastSynced, now)}` : "";
  const parts = [connected > 0 ? "Online" : `Offline${offlineSince}`];
  // A commune that did not load fully shows less than is there: say so first, not as a detail.
  if (status.loadProblem !== undefined) parts.unshift("Not fully loaded");
  if (status.relays.length === 0) parts.push("no relay");
  else parts.push(`${connected} of ${status.relays.length} ${status.relays.length === 1 ? "relay" : "relays"}`);
  parts.push(`${status.peers} ${status.peers === 1 ? "peer" : "peers"}`);
  if (status.lastSynced === undefined) parts.push("not synced yet");
  else if (connected > 0) parts.push(`last synced ${sinceText(status.lastSynced, now)}`);
  if (status.waiting > 0) parts.push(`${status.waiting} ${status.waiting === 1 ? "document" : "documents"} with changes waiting to go out`);
  return parts.join(" · ");
}

/** "14:02" today, "3 Dec, 14:02" before: when the member last saw it in sync. */
function clockText(at: number, now: number): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return new Intl.DateTimeFormat(undefined, sameDay ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" }).format(new Date(at));
}

/**
 * The commune's sync state, always on screen. Offline is a normal state for
 * a local-first app, so it is shown plainly, never as an error.
 */
export function SyncStatus({ communeId }: { communeId: string }) {
  const { value, error } = useView("sync.status", { commune: communeId });
  const now = useNow();
  const online = value ? value.relays.some((relay) => relay.state === "connected") : false;
  return (
    <div role="status" aria-label="Sync status" aria-live="polite" className={`sync-status ${online ? "sync-status--online" : ""}`}>
      <span className="sync-status__dot" aria-hidden="true" />
      {value ? syncSummary(value, now) : error ? `Sync status unavailable: ${error.message}` : "Checking sync…"}
    </div>
  );
}

const relayStateText = { connecting: "connecting", connected: "connected", offline: "offline", refused: "refused" } as const;

/** Every relay with its state and the reason it refused or dropped, for the home screen. */
export function SyncDetail({ status }: { status: SyncStatusView }) {
  const now = useNow();
  const loadProblem = status.loadProblem === undefined ? null : <p role="alert">This machine could not load everything: {status.loadProblem}</p>;
  if (status.relays.length === 0) {
    return (
      <>
        {loadProblem}
        <p className="muted">This commune has no relay, so it syncs with nobody. Add one in Settings.</p>
      </>
    );
  }
  return (
    <>
      {loadProblem}
      <ul className="plain-list" aria-label="Relays">
        {status.relays.map((relay) => (
          <li key={relay.url}>
            <span className="mono">{relay.url}</span> — {relayStateText[relay.state]} {sinceText(relay.since, now)}
            {relay.reason ? <span className="muted"> ({relay.reason})</span> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
