/**
 * What one relay will put up with. Whoever breaks a limit loses that one
 * connection (or never gets one); nobody else notices.
 */
export interface RelayLimits {
  /** Largest single WebSocket message, in bytes. A compacted purse shard can be large. */
  maxMessageBytes: number;
  /** Open sockets from one IP address, handshaking or admitted. */
  maxConnectionsPerAddress: number;
  /** Open WebSocket connections in all, handshaking or admitted. */
  maxConnections: number;
  /**
   * TCP sockets held in all, counted from the accept (idle, HTTP, WebSocket). The relay lowers it further
   * to fit under the process's soft file limit (see sockets.ts); beyond it the oldest socket that is not an
   * admitted member is closed to make room.
   */
  maxSockets: number;
  /** Sustained frames per second per socket (token bucket refill rate)... */
  messagesPerSecond: number;
  /** ...and the bucket's size: how many frames may arrive at once. */
  messageBurst: number;
  /**
   * From the upgrade to the member's "join": hello, proof and join must all arrive within this.
   * Also how long a connected member has to answer a liveness probe, sent when a newcomer proves its peer id;
   * how long a new TCP socket may stay silent before its upgrade; and how long HTTP headers may take to arrive.
   */
  handshakeTimeoutMs: number;
  /** The relay pings every socket this often; one that has not answered the previous ping is dropped. */
  keepaliveMs: number;
  /** Bytes queued towards a socket that does not read; above this the socket is dropped as too slow. */
  maxBufferedBytes: number;
  /**
   * Largest payload of one ephemeral message. Ephemeral messages carry presence (who is looking at what),
   * never stored and passed on to every member of the document: a larger one closes its sender's socket unrelayed.
   */
  maxEphemeralBytes: number;
  /** New communes registered from one address within an hour; more are refused with a reason. */
  registrationsPerAddressPerHour: number;
  /** New communes registered from all addresses within an hour. */
  registrationsPerHour: number;
  /**
   * A commune's documents on this relay (one per member per year of purse, plus three): a member's sync of one
   * more is refused, closing its socket with the reason. 50 members over 10 years hold ~500.
   */
  maxDocumentsPerCommune: number;
  /**
   * A commune's stored bytes on this relay (100,000 entries take ~11 MB): past it, a sync message that carries
   * changes is refused, closing its socket with the reason; reading goes on. automerge-repo's NodeFS storage
   * keeps every chunk it writes in memory, so this bounds the relay's memory per open commune too.
   */
  maxBytesPerCommune: number;
  /**
   * Automerge operations in a commune's open documents on this relay (100,000 entries are about 1.03 million):
   * stored bytes do not bound memory, since a 2 KB change can carry two million operations, each about 200
   * bytes in memory. Past it a sync message that carries changes is refused like one past the byte quota. No
   * more than a member's machine accepts (INFLATION_LIMITS.communeOps).
   */
  maxOperationsPerCommune: number;
  /** A private commune's distinct documents on this relay (relay/private/store.ts); a put of a new one beyond is refused. */
  privateDocumentsPerCommune: number;
  /** A private commune's log bytes on this relay; a put that would pass it is refused. */
  privateBytesPerCommune: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<RelayLimits> = Object.freeze({
  maxMessageBytes: 64 * MiB,
  maxConnectionsPerAddress: 32,
  maxConnections: 2_000,
  maxSockets: 10_000,
  messagesPerSecond: 500,
  messageBurst: 2_000,
  handshakeTimeoutMs: 10_000,
  keepaliveMs: 30_000,
  maxBufferedBytes: 128 * MiB,
  maxEphemeralBytes: 16 * 1024,
  registrationsPerAddressPerHour: 10,
  registrationsPerHour: 200,
  maxDocumentsPerCommune: 2_000,
  maxBytesPerCommune: 256 * MiB,
  maxOperationsPerCommune: 4_000_000,
  privateDocumentsPerCommune: 10_000,
  privateBytesPerCommune: 1024 * MiB,
});

/** Handshake frames are small JSON; a registration's genesis is the largest part. */
export const MAX_HANDSHAKE_FRAME_BYTES = 64 * 1024;

/** The defaults overridden by `limits`; a limit that is not a positive integer is a bug and throws. */
export function resolveLimits(limits: Partial<RelayLimits> = {}): RelayLimits {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`Relay limit ${name} must be a positive integer, not ${String(value)}`);
  }
  return resolved;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Registrations within the last hour, per address and in all. Only allowed
 * registrations are remembered, so it holds at most `perHour` times.
 */
export class RegistrationWindow {
  readonly #times = new Map<string, number[]>();
  #total = 0;

  constructor(
    readonly perAddress: number,
    readonly perHour: number,
  ) {}

  /** Takes one registration for `address` at `now` if the limits allow it; "address" or "relay" names the limit that refused. */
  take(address: string, now: number): "ok" | "address" | "relay" {
    this.#forgetBefore(now - HOUR_MS);
    const times = this.#times.get(address) ?? [];
    if (times.length >= this.perAddress) return "address";
    if (this.#total >= this.perHour) return "relay";
    times.push(now);
    this.#times.set(address, times);
    this.#total++;
    return "ok";
  }

  /** Gives back a registration taken at `now` that did not happen (the registry could not be saved). */
  giveBack(address: string, now: number): void {
    const times = this.#times.get(address);
    const index = times?.lastIndexOf(now) ?? -1;
    if (!times || index < 0) return;
    times.splice(index, 1);
    this.#total--;
    if (times.length === 0) this.#times.delete(address);
  }

  #forgetBefore(cutoff: number): void {
    for (const [address, times] of this.#times) {
      const kept = times.filter((time) => time > cutoff);
      this.#total -= times.length - kept.length;
      if (kept.length === 0) this.#times.delete(address);
      else this.#times.set(address, kept);
    }
  }
}

/** A token bucket: `take()` is false once frames arrive faster than the rate allows beyond the burst. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.ratePerSecond);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
