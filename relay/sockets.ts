import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";

/**
 * Every TCP socket the relay holds, counted from the accept, before a byte of
 * HTTP is read: idle ones, slow requests, /health, handshakes and members.
 * Each costs a file descriptor, and once the process runs out of them it can
 * accept nobody, not even /health. So the total stays under a cap below the
 * process's file limit, and when a newcomer would break it the oldest socket
 * that is not an admitted member makes way: a flood of idle connections then
 * only ever pushes out its own, and a fresh /health or handshake gets in.
 */
export class SocketTable {
  /** Insertion order is accept order: the first in the set is the oldest. */
  readonly #open = new Set<Socket>();
  readonly #members = new WeakSet<Socket>();
  readonly #cap: number;
  readonly #idleMs: number;
  #evicted = 0;

  /** `cap`: sockets held at most; `idleMs`: how long a socket may stay silent before it is upgraded. */
  constructor(options: { cap: number; idleMs: number }) {
    this.#cap = options.cap;
    this.#idleMs = options.idleMs;
  }

  get size(): number {
    return this.#open.size;
  }

  get cap(): number {
    return this.#cap;
  }

  /** Sockets closed to make room since the start. */
  get evicted(): number {
    return this.#evicted;
  }

  /** For the HTTP server's "connection" event. */
  accepted(socket: Socket): void {
    socket.on("error", () => {}); // a reset is that socket's end, nobody else's
    this.#open.add(socket);
    socket.once("close", () => this.#open.delete(socket));
    // Silent sockets are closed; the HTTP server's headersTimeout closes the ones that talk too slowly.
    socket.setTimeout(this.#idleMs, () => socket.destroy());
    if (this.#open.size > this.#cap) this.#makeRoom(socket);
  }

  /** The socket became a WebSocket: from now on the gateway's handshake timer and keepalive watch it. */
  upgraded(socket: Socket): void {
    socket.setTimeout(0);
  }

  /** The socket's member proved the commune key: it is never pushed out to make room. */
  admitted(socket: Socket): void {
    this.#members.add(socket);
  }

  #makeRoom(newcomer: Socket): void {
    for (const socket of this.#open) {
      if (this.#members.has(socket) || socket === newcomer) continue;
      this.#open.delete(socket);
      this.#evicted++;
      socket.destroy();
      return;
    }
    // Every other socket is a member's: the newcomer is the one turned away.
    this.#open.delete(newcomer);
    this.#evicted++;
    newcomer.destroy();
  }
}

/** File descriptors the relay keeps for itself beyond sockets: storage files, the registry, Node's own. */
export const FILE_HEADROOM = 64;

/**
 * The sockets the relay may hold under a soft file limit: the limit less the
 * headroom (at least 64, a tenth of a large limit), never fewer than 16.
 */
export function socketCapFor(fileLimit: number): number {
  return Math.max(16, fileLimit - Math.max(FILE_HEADROOM, Math.floor(fileLimit / 10)));
}

/**
 * This process's soft limit on open files, or undefined when it cannot be
 * read. Node 20 has no API for it: on Linux /proc/self/limits says it; other
 * systems ask a shell, whose `ulimit -n` is the limit it inherited from us.
 */
export function softFileLimit(platform: NodeJS.Platform = process.platform): number | undefined {
  try {
    if (platform === "linux") {
      const line = readFileSync("/proc/self/limits", "utf8")
        .split("\n")
        .find((row) => row.startsWith("Max open files"));
      return readLimit(line?.slice("Max open files".length).trim().split(/\s+/)[0]);
    }
    if (platform === "win32") return undefined;
    return readLimit(execFileSync("/bin/sh", ["-c", "ulimit -n"], { encoding: "utf8", timeout: 5_000 }).trim());
  } catch {
    return undefined;
  }
}

function readLimit(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined; // "unlimited" leaves the configured cap alone
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
