import type { ShareKeys } from "../../shared/partners/keys";
import type { DocHandle, NetworkAdapterInterface, Repo } from "@automerge/automerge-repo";
import type { Crypto } from "../../shared/identity/crypto";
import type { KeyPair } from "../../shared/identity/keys";
import type { PrivacyCrypto } from "../../shared/privacy/crypto";
import type { EpochKeyring } from "../sync/epoch-keyring";
import type { RefusedItems } from "../sync/refused-items";
import type { RelayStatus } from "../../shared/commands/views";
import type { Genesis } from "../../shared/commune/genesis";
import type { Signed } from "../../shared/identity/signed";
import type { HeldOperations } from "../../shared/sync/automerge-chunks";

/** One connection from a commune's Repo to one relay, with its state for the sync status. */
export interface RelayLink {
  readonly url: string;
  readonly adapter: NetworkAdapterInterface;
  status(): RelayStatus;
  onStatus(listener: (status: RelayStatus) => void): () => void;
  /**
   * For a link that does not sync through the Repo (a private commune's,
   * host/sync/private-link.ts): whether this relay holds the document as it
   * is now. Links through the Repo leave it out: the Repo's sync state says it.
   */
  holds?(handle: DocHandle<unknown>): boolean;
  /**
   * A plaintext link: the relay refused us because the commune moved to
   * private there, and handed us its epoch records (base64); the host opens
   * its lockbox in them (host/commune/moving-over.ts).
   */
  onNowPrivate?(listener: (records: string[]) => void): () => void;
  /** A private link of a moved commune: the relay has deleted its plaintext copy, so the plaintext link to it is done. */
  onForgotten?(listener: () => void): () => void;
  /**
   * A private link reading a relay's latest snapshots (a newcomer's): an
   * item of a document `waits` names waits until `until` settles, so the
   * join is not queued behind the purse's shards.
   */
  holdSnapshots?(waits: (documentId: string) => boolean, until: Promise<unknown>): void;
}

export interface RelayLinkOptions {
  url: string;
  commune: string;
  relayKey: string;
  /** Sent so a relay that does not serve the commune yet can start to; unknown while joining. */
  genesis: Signed<Genesis> | undefined;
  /** What the commune's Repo holds, so the link refuses changes past INFLATION_LIMITS before the Repo sees them. */
  held: (documentId: string) => HeldOperations;
  /** For a private commune (one whose epoch keys this machine holds): the link speaks commune-private/1 instead of automerge-repo's sync. */
  private?: PrivateLinkContext & { repo: () => Repo | undefined; shares?: () => ReadonlyMap<string, ShareKeys> };
}

/** What a private commune's links are made with (host/commune/private-communes.ts). */
export interface PrivateLinkContext {
  keyring: EpochKeyring;
  privacy: PrivacyCrypto;
  crypto: Crypto;
  me: KeyPair;
  /** Where each relay's link keeps what it has read and sent. */
  stateDir: string;
  /** What the commune's links refused to apply, for its problems (shared by all of them). */
  refused: RefusedItems;
}

export type RelayLinkFactory = (options: RelayLinkOptions) => RelayLink;
