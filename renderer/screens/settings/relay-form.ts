import { parsePort } from "../../../shared/sync/port";

/**
 * What the "Host a relay" form starts with. This computer only: a relay
 * open to the network is reachable by every device on it (a café's Wi-Fi,
 * a shared office), so the member ticks "Let other computers on my network
 * connect" themselves.
 */
export const RELAY_FORM_DEFAULTS = { port: "3030", lan: false } as const;

/** The host's rule (relay.host, shared/sync/port.ts): 0 lets the computer pick a free port; the system's ports under 1024 are refused. */
export function portProblem(text: string): string | undefined {
  const port = parsePort(text);
  return port.ok ? undefined : port.error.message;
}
