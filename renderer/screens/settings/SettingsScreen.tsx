import { EmbeddedRelayPanel } from "./EmbeddedRelayPanel";
import { HostPanel } from "./HostPanel";
import { IdentityPanel } from "./IdentityPanel";
import { PrivacyPanel } from "./PrivacyPanel";
import { RelaysPanel } from "./RelaysPanel";
import { useView } from "../../link/hooks";
import { SnapshotPanel } from "../purse/SnapshotPanel";
import "./settings.css";

/** Settings of this host (identity, data, an embedded relay) and, with a commune open, of that commune (relays, privacy, snapshots). */
export function SettingsScreen({ communeId }: { communeId: string | undefined }) {
  return (
    <div className="stack settings-screen">
      <h1>Settings</h1>
      <div className="grid-2">
        <IdentityPanel />
        <HostPanel />
        {communeId ? <RelaysPanel communeId={communeId} /> : null}
        {communeId ? <PrivacyPanel communeId={communeId} /> : null}
        <EmbeddedRelayPanel communeId={communeId} />
        {communeId ? <CommuneSnapshots communeId={communeId} /> : null}
      </div>
    </div>
  );
}

function CommuneSnapshots({ communeId }: { communeId: string }) {
  const commune = useView("commune.show", { commune: communeId });
  return <SnapshotPanel communeId={communeId} communeName={commune.value?.name ?? "commune"} />;
}
