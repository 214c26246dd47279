import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { PeerId } from "@automerge/automerge-repo";
import WebSocket, { WebSocketServer } from "ws";
import type { CommuneServerAdapter, PeerLink } from "./commune-adapter";
import { RelayHandshake, type CommuneDirectory, type HandshakeStep } from "./handshake";
import { MAX_HANDSHAKE_FRAME_BYTES, TokenBucket, type RelayLimits } from "./limits";
import type { RelayLog } from "./log";
import type { SocketTable } from "./sockets";
import type { Crypto } from "../shared/identity/crypto";
import type { Problem } from "../shared/result";
import { relayCrypto } from "./private/admission";
import type { PrivateCommunes } from "./private/communes";
import { privateHelloIn, PrivateSession, type PrivateLink } from "./private/session";

/** The WebSocket path the relay answers on: ws://host:port/ */
export const RELAY_PATH = "/";
/** After asking a socket to close, how long it may take before it is cut. */
const CLOSE_GRACE_MS = 1_000;
export const PEER_ID_IN_USE = "That peer id is in use";

interface Connection {
  readonly id: number;
  readonly address: string;
  readonly ws: WebSocket;
  /** The TCP socket under the WebSocket, as the relay's socket table counts it. */
  readonly tcp: Socket;
  readonly bucket: TokenBucket;
  readonly handshake: RelayHandshake;
  readonly closed: Promise<void>;
  state: "handshake" | "admitted" | "closing";
  /** A handshake step is being worked out; the member must wait for its answer. */
  busy: boolean;
  alive: boolean;
  commune?: string;
  peerId?: PeerId;
  link?: PeerLink;
  adapter?: CommuneServerAdapter;
  reason?: string;
  /** A text frame arrived: only the first may open the private protocol. */
  spoke: boolean;
  /** The socket speaks the private protocol (relay/private/). */
  session?: PrivateSession;
  /** Runs until the member's "join": hello, proof and join must all arrive in time. */
  handshakeTimer?: NodeJS.Timeout;
  /** Cuts a socket that was asked to close and did not. */
  graceTimer?: NodeJS.Timeout;
  /** Cuts an admitted socket that does not answer a probe (see CommuneServerAdapter.attach). */
  probeTimer?: NodeJS.Timeout;
}

/**
 * The relay's front door: takes WebSocket upgrades, enforces the limits, runs
 * the handshake on each socket and, once a member is admitted, hands its
 * frames to the commune's adapter. Whatever a socket sends can at worst close
 * that socket: every handler is wrapped, every socket has an error listener.
 */
export class RelayGateway {
  readonly #directory: CommuneDirectory;
  readonly #limits: RelayLimits;
  readonly #log: RelayLog;
  readonly #sockets: SocketTable | undefined;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  readonly #perAddress = new Map<string, number>();
  readonly #keepalive: NodeJS.Timeout;
  readonly #private: { communes: PrivateCommunes; crypto: Crypto } | undefined;
  #nextId = 1;
  #closing = false;

  /** `sockets`: the table counting every TCP socket from its accept; an admitted member's is never pushed out. */
  /** `privateCommunes`: where a hello naming the private protocol is served (docs/relay.md, "The private commune"). */
  constructor(options: { directory: CommuneDirectory; limits: RelayLimits; log: RelayLog; sockets?: SocketTable; privateCommunes?: PrivateCommunes }) {
    this.#directory = options.directory;
    this.#private = options.privateCommunes && { communes: options.privateCommunes, crypto: relayCrypto() };
    this.#sockets = options.sockets;
    this.#limits = options.limits;
    this.#log = options.log;
    this.#wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: this.#limits.maxMessageBytes, perMessageDeflate: false });
    this.#wss.on("error", (error) => this.#log({ event: "error", message: `websocket server: ${error.message}` }));
    this.#keepalive = setInterval(() => this.#ping(), this.#limits.keepaliveMs);
  }

  /** Sockets open now, in the handshake or admitted. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  get admittedCount(): number {
    let count = 0;
    for (const connection of this.#connections) if (connection.state === "admitted") count++;
    return count;
  }

  /** For the HTTP server's "upgrade" event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {}); // a reset during the upgrade is not our problem
    const address = request.socket.remoteAddress ?? "unknown";
    try {
      if (pathOf(request.url) !== RELAY_PATH) return reject(socket, 404, "Not Found");
      const refusal = this.#closing
        ? "relay shutting down"
        : this.#connections.size >= this.#limits.maxConnections
          ? "too many connections"
          : (this.#perAddress.get(address) ?? 0) >= this.#limits.maxConnectionsPerAddress
            ? "too many connections from this address"
            : undefined;
      if (refusal) {
        this.#log({ event: "refused", address, reason: refusal });
        return reject(socket, 503, "Service Unavailable");
      }
      this.#sockets?.upgraded(request.socket);
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, address, request.socket));
    } catch (error) {
      this.#log({ event: "error", message: `upgrade: ${String(error)}` });
      socket.destroy();
    }
  }

  /**
   * Closes the plaintext sockets of a commune whose plaintext copy was just
   * forgotten: they reconnect, prove the relay key again, and are told the
   * commune is now private, with its chain of epochs.
   */
  dropPlaintext(commune: string): void {
    for (const connection of this.#connections) {
      if (!connection.session && connection.state === "admitted" && connection.commune === commune) this.#close(connection, "the commune is now private", 1000);
    }
  }

  /** Closes every socket and stops the keepalive; resolves once all are closed. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#keepalive);
    const connections = [...this.#connections];
    for (const connection of connections) this.#close(connection, "relay shutting down", 1001);
    await Promise.all(connections.map((connection) => connection.closed));
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket, address: string, tcp: Socket): void {
    let resolveClosed!: () => void;
    const connection: Connection = {
      id: this.#nextId++,
      address,
      ws,
      tcp,
      bucket: new TokenBucket(this.#limits.messagesPerSecond, this.#limits.messageBurst),
      handshake: new RelayHandshake(fromAddress(this.#directory, address)),
      closed: new Promise<void>((resolve) => (resolveClosed = resolve)),
      state: "handshake",
      spoke: false,
      busy: false,
      alive: true,
    };
    this.#connections.add(connection);
    this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
    this.#log({ event: "connection", connection: connection.id, address });

    ws.on("error", (error) => {
      connection.reason ??= `socket error: ${error.message}`;
    });
    ws.on("pong", () => {
      connection.alive = true;
      clearTimeout(connection.probeTimer);
      connection.probeTimer = undefined;
    });
    ws.on("ping", () => {
      // ws answers pings itself; they still count against the socket's rate.
      if (!connection.bucket.take()) this.#close(connection, "too many messages");
    });
    ws.on("message", (data, isBinary) => {
      try {
        this.#onFrame(connection, toBuffer(data), isBinary);
      } catch (error) {
        this.#log({ event: "error", commune: connection.commune, message: `frame handler: ${String(error)}` });
        this.#close(connection, "internal error");
      }
    });
    ws.on("close", (code) => {
      try {
        this.#onClosed(connection, code);
      } finally {
        resolveClosed();
      }
    });
    connection.handshakeTimer = setTimeout(() => this.#close(connection, "handshake timed out"), this.#limits.handshakeTimeoutMs);
  }

  #onFrame(connection: Connection, frame: Buffer, isBinary: boolean): void {
    if (connection.state === "closing") return;
    if (!connection.bucket.take()) return this.#close(connection, "too many messages");
    if (connection.session) {
      connection.session.frame(frame, isBinary).catch((error: unknown) => this.#failed(connection, error));
      return;
    }
    if (connection.state === "admitted") {
      if (!isBinary) return this.#close(connection, "text frame after the handshake");
      const verdict = connection.adapter!.receive(connection.link!, frame);
      if (!verdict.ok) return this.#close(connection, verdict.reason);
      if (verdict.joined) clearTimeout(connection.handshakeTimer);
      return;
    }
    if (isBinary) return this.#close(connection, "binary frame before the welcome");
    if (connection.busy) return this.#close(connection, "frame before the relay answered");
    const first = !connection.spoke;
    connection.spoke = true;
    if (first && this.#private) {
      const hello = privateHelloIn(frame);
      if (hello !== undefined) return this.#openPrivate(connection, hello, this.#private);
    }
    if (frame.byteLength > MAX_HANDSHAKE_FRAME_BYTES) return this.#close(connection, "handshake frame too large");
    connection.busy = true;
    connection.handshake
      .next(frame.toString("utf8"))
      .then((step) => {
        connection.busy = false;
        this.#onStep(connection, step);
      })
      .catch((error: unknown) => {
        this.#log({ event: "error", commune: connection.commune, message: `handshake: ${String(error)}` });
        this.#close(connection, "internal error");
      });
  }

  #onStep(connection: Connection, step: HandshakeStep): void {
    if (connection.state === "closing") return;
    switch (step.kind) {
      case "reply":
        connection.ws.send(step.text);
        return;
      case "violation":
        return this.#close(connection, step.reason);
      case "refuse":
        return this.#refuse(connection, step.reason, step.chain);
      case "admit": {
        if (this.#closing) return this.#refuse(connection, "The relay is shutting down");
        const { hello, adapter } = step;
        const peerId = hello.peerId as PeerId;
        const { ws } = connection;
        const link: PeerLink = {
          peerId,
          get isOpen() {
            return connection.state === "admitted" && ws.readyState === WebSocket.OPEN;
          },
          send: (bytes) => this.#send(connection, bytes),
          probe: () => this.#probe(connection),
        };
        connection.commune = hello.commune;
        connection.peerId = peerId;
        if (step.registered) this.#log({ event: "registered", connection: connection.id, address: connection.address, commune: hello.commune });
        // Checked and taken in one step: of two sockets proving one peer id, the second is refused.
        if (!adapter.attach(link)) return this.#refuse(connection, PEER_ID_IN_USE);
        connection.state = "admitted";
        this.#sockets?.admitted(connection.tcp);
        connection.link = link;
        connection.adapter = adapter;
        ws.send(step.welcome);
        this.#log({ event: "admitted", connection: connection.id, address: connection.address, commune: hello.commune, peerId });
        return;
      }
    }
  }

  /** Hands a socket whose hello names the private protocol to a PrivateSession; the limits, timers and logging stay here. */
  #openPrivate(connection: Connection, hello: unknown, gate: { communes: PrivateCommunes; crypto: Crypto }): void {
    const { ws } = connection;
    const link: PrivateLink = {
      address: connection.address,
      send: (data) => this.#send(connection, data),
      sendAwaited: (data) =>
        new Promise<void>((resolve) => {
          if (ws.readyState !== WebSocket.OPEN || connection.state === "closing") return resolve();
          ws.send(data, () => resolve());
        }),
      refuse: (refusal) => this.#refusePrivate(connection, refusal),
      end: (last, reason) => {
        try {
          if (ws.readyState === WebSocket.OPEN && connection.state !== "closing") ws.send(last);
        } finally {
          this.#close(connection, reason, 1000);
        }
      },
      close: (reason) => this.#close(connection, reason),
      admitted: (commune, epoch) => {
        if (connection.state === "closing") return;
        clearTimeout(connection.handshakeTimer);
        connection.state = "admitted";
        connection.commune = commune;
        this.#sockets?.admitted(connection.tcp);
        this.#log({ event: "admitted", connection: connection.id, address: connection.address, commune, epoch });
      },
      registered: (commune) => this.#log({ event: "registered", connection: connection.id, address: connection.address, commune }),
    };
    const session = new PrivateSession(gate.communes, gate.crypto, link);
    connection.session = session;
    session.hello(hello).catch((error: unknown) => this.#failed(connection, error));
  }

  #refusePrivate(connection: Connection, refusal: Problem): void {
    const reason = refusal.message;
    this.#log({ event: "refused", connection: connection.id, address: connection.address, commune: connection.session?.commune, reason });
    try {
      if (connection.state !== "closing") connection.ws.send(JSON.stringify({ type: "refused", code: refusal.code, reason }));
    } finally {
      this.#close(connection, `refused: ${reason}`, 1000);
    }
  }

  #failed(connection: Connection, error: unknown): void {
    this.#log({ event: "error", commune: connection.commune ?? connection.session?.commune, message: `private protocol: ${String(error)}` });
    this.#close(connection, "internal error");
  }

  #send(connection: Connection, bytes: Uint8Array | string): void {
    const { ws } = connection;
    if (ws.readyState !== WebSocket.OPEN || connection.state === "closing") return;
    if (ws.bufferedAmount > this.#limits.maxBufferedBytes) return this.#close(connection, "too slow: not reading what the relay sends");
    ws.send(bytes);
  }

  #refuse(connection: Connection, reason: string, chain?: string[]): void {
    this.#log({ event: "refused", connection: connection.id, address: connection.address, commune: connection.handshake.commune, reason });
    try {
      connection.ws.send(JSON.stringify({ type: "refused", reason }));
      // After the words an older host shows: the epoch records this version's host opens its lockbox in.
      if (chain && chain.length > 0) connection.ws.send(JSON.stringify({ type: "private-chain", records: chain }));
    } finally {
      this.#close(connection, `refused: ${reason}`, 1000);
    }
  }

  /** Starts closing a socket; it is detached from its commune at once and cut if it does not finish closing in time. */
  #close(connection: Connection, reason: string, code = 1008): void {
    if (connection.state === "closing") return;
    connection.state = "closing";
    connection.reason ??= reason;
    if (connection.link) connection.adapter?.detach(connection.link);
    connection.session?.closed();
    clearTimeout(connection.handshakeTimer);
    try {
      connection.ws.close(code, reason.slice(0, 120));
    } catch {
      connection.ws.terminate();
    }
    connection.graceTimer = setTimeout(() => connection.ws.terminate(), CLOSE_GRACE_MS);
  }

  #onClosed(connection: Connection, code: number): void {
    clearTimeout(connection.handshakeTimer);
    clearTimeout(connection.graceTimer);
    clearTimeout(connection.probeTimer);
    if (connection.link) connection.adapter?.detach(connection.link);
    connection.session?.closed();
    connection.state = "closing";
    this.#connections.delete(connection);
    const count = (this.#perAddress.get(connection.address) ?? 1) - 1;
    if (count > 0) this.#perAddress.set(connection.address, count);
    else this.#perAddress.delete(connection.address);
    this.#log({
      event: "closed",
      connection: connection.id,
      address: connection.address,
      commune: connection.commune ?? connection.session?.commune ?? connection.handshake.commune,
      peerId: connection.peerId,
      reason: connection.reason ?? `closed by the peer (${code})`,
    });
  }

  /** Pings one socket now; it has the handshake's time to answer. */
  #probe(connection: Connection): void {
    if (connection.probeTimer || connection.state === "closing") return;
    connection.probeTimer = setTimeout(() => {
      connection.reason ??= "did not answer a liveness probe";
      if (connection.link) connection.adapter?.detach(connection.link);
      connection.ws.terminate();
    }, this.#limits.handshakeTimeoutMs);
    try {
      connection.ws.ping();
    } catch {
      connection.ws.terminate();
    }
  }

  /** Drops every socket that did not answer the previous ping, and pings the rest. */
  #ping(): void {
    for (const connection of this.#connections) {
      try {
        if (!connection.alive) {
          connection.reason ??= "missed a keepalive ping";
          if (connection.link) connection.adapter?.detach(connection.link);
          connection.ws.terminate();
          continue;
        }
        connection.alive = false;
        connection.ws.ping();
      } catch {
        connection.ws.terminate();
      }
    }
  }
}

/** The directory as one socket's handshake sees it: what it opens is counted against its address. */
function fromAddress(directory: CommuneDirectory, address: string): CommuneDirectory {
  return { lookup: (hello) => directory.lookup(hello), open: (hello, lookup) => directory.open(hello, lookup, address) };
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? "", "http://relay.invalid").pathname;
  } catch {
    return undefined;
  }
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.once("finish", () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
