import type { RelayLinkFactory } from "../commune/relay-link";
import { RelayClientAdapter } from "./relay-client";

/**
 * The host's real relay links: one RelayClientAdapter per (commune, relay).
 * When the host knows the commune's genesis it offers it, so a relay that
 * does not serve the commune yet registers it (after the proof).
 */
export const relayLinks: RelayLinkFactory = ({ url, commune, relayKey, genesis, held }) => {
  const adapter = new RelayClientAdapter({ url, commune, relayKey, held, ...(genesis ? { register: { genesis } } : {}) });
  return {
    url,
    adapter,
    status: () => adapter.status,
    onStatus: (listener) => adapter.onStatus(listener),
  };
};
