import { isPlaintextGenesis } from "../../shared/privacy/moving-over";
import type { RelayLinkFactory } from "../commune/relay-link";
import { PrivateRelayLink } from "./private-link";
import { RelayClientAdapter } from "./relay-client";

/**
 * The host's real relay links: one RelayClientAdapter per (commune, relay).
 * When the host knows the commune's genesis it offers it, so a relay that
 * does not serve the commune yet registers it (after the proof).
 */
export const relayLinks: RelayLinkFactory = ({ url, commune, relayKey, genesis, held, private: privately }) => {
  // A private commune's relays store ciphertext: the link sends sealed batches instead of syncing documents (private-link.ts).
  // A moved commune proves its old relay key to its relays (a second first epoch, the relay-key route); a founded-private one has none to prove.
  if (privately) return new PrivateRelayLink({ url, commune, genesis, held, ...(genesis && isPlaintextGenesis(genesis) ? { relayKey } : {}), ...privately });
  const nowPrivate = new Set<(records: string[]) => void>();
  const adapter = new RelayClientAdapter({
    url,
    commune,
    relayKey,
    held,
    ...(genesis ? { register: { genesis } } : {}),
    onNowPrivate: (records) => {
      for (const listener of nowPrivate) listener(records);
    },
  });
  return {
    url,
    adapter,
    status: () => adapter.status,
    onStatus: (listener) => adapter.onStatus(listener),
    onNowPrivate: (listener) => {
      nowPrivate.add(listener);
      return () => nowPrivate.delete(listener);
    },
  };
};
