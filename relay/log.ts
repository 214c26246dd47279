/**
 * One event per line of the relay's log (relay/main.ts writes each as one
 * JSON line). `connection` numbers the sockets of one relay run, so the lines
 * of one socket can be followed from "connection" to "closed".
 */
export type RelayLogEvent = { time: string } & (
  | { event: "listening"; url: string; host: string; port: number; dataDir: string; maxSockets: number; fileLimit?: number }
  | { event: "connection"; connection: number; address: string }
  | { event: "admitted"; connection: number; address: string; commune: string; peerId: string }
  /** Admitted to a private commune (relay/private/): by the epoch it proved, there is no peer id. */
  | { event: "admitted"; connection: number; address: string; commune: string; epoch: string }
  | { event: "refused"; connection?: number; address: string; commune?: string; reason: string }
  | { event: "registered"; connection: number; address: string; commune: string }
  /** A moved commune's plaintext copy was deleted (docs/relay.md, "Moving existing communes"). */
  | { event: "forgotten"; commune: string }
  | { event: "closed"; connection: number; address: string; commune?: string; peerId?: string; reason: string }
  | { event: "error"; message: string; commune?: string }
  | { event: "shutdown"; connections: number; communes: number }
);

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;
export type RelayLogInput = DistributiveOmit<RelayLogEvent, "time">;

export type RelayLog = (event: RelayLogInput) => void;

/** Stamps each event with the time and hands it to `sink`; a sink that throws is not the relay's problem. */
export function relayLogger(sink: ((event: RelayLogEvent) => void) | undefined): RelayLog {
  if (!sink) return () => {};
  return (event) => {
    try {
      sink({ time: new Date().toISOString(), ...event } as RelayLogEvent);
    } catch {
      // A broken log sink must not take a connection (or the relay) down with it.
    }
  };
}
