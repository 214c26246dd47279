import type { NetworkAdapterInterface } from "@automerge/automerge-repo";
import type { RelayStatus } from "../../shared/commands/views";
import type { Genesis } from "../../shared/commune/genesis";
import type { Signed } from "../../shared/identity/signed";

/** One connection from a commune's Repo to one relay, with its state for the sync status. */
export interface RelayLink {
  readonly url: string;
  readonly adapter: NetworkAdapterInterface;
  status(): RelayStatus;
  onStatus(listener: (status: RelayStatus) => void): () => void;
}

export interface RelayLinkOptions {
  url: string;
  commune: string;
  relayKey: string;
  /** Sent so a relay that does not serve the commune yet can start to; unknown while joining. */
  genesis: Signed<Genesis> | undefined;
}

export type RelayLinkFactory = (options: RelayLinkOptions) => RelayLink;
