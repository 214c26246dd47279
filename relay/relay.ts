import { mkdir } from "node:fs/promises";
import { ensureDataFolder } from "./data-folder";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { CommuneRepos } from "./communes";
import { RelayGateway } from "./gateway";
import { resolveLimits, type RelayLimits } from "./limits";
import { relayLogger, type RelayLogEvent } from "./log";
import { Registry } from "./registry";
import { socketCapFor, SocketTable, softFileLimit } from "./sockets";
import type { CommuneUsage } from "./counted-storage";
import { PrivateCommunes } from "./private/communes";

export type { RelayLimits } from "./limits";
export type { RelayLogEvent } from "./log";
export { DEFAULT_LIMITS } from "./limits";

export interface RelayOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** registry.json and communes/<id>/ live here. */
  dataDir: string;
  limits?: Partial<RelayLimits>;
  log?: (event: RelayLogEvent) => void;
}

export interface RelayStats {
  /** Communes registered on this relay. */
  communes: number;
  /** Communes with a Repo open in this run (a member was admitted since start). */
  openCommunes: number;
  /** WebSocket connections open, in the handshake or admitted. */
  connections: number;
  /** TCP sockets held, counted from the accept: idle, HTTP and WebSocket. */
  sockets: number;
  /** The most TCP sockets the relay holds: maxSockets, lowered to fit under the process's file limit. */
  maxSockets: number;
  /** Sockets closed since the start to make room under maxSockets. */
  socketsEvicted: number;
  admitted: number;
  /** Documents the open communes' Repos hold a handle for. */
  documentHandles: number;
  /** Each commune's quota on this relay, and the most any open commune holds (documents and stored bytes). */
  quota: { maxDocumentsPerCommune: number; maxBytesPerCommune: number; maxOperationsPerCommune: number; largestCommune: CommuneUsage & { operations: number } };
  /** Requests for documents this relay does not hold, answered without its Repos. */
  unavailableAnswers: number;
  uptimeSeconds: number;
}

export interface RunningRelay {
  /** ws://host:port */
  url: string;
  port: number;
  /** Stops accepting, closes every socket, flushes and shuts down every commune's Repo. */
  close(): Promise<void>;
  stats(): RelayStats;
}

/**
 * Starts a relay: an HTTP server with GET /health, and the relay's WebSocket
 * on "/". It holds no global state and never exits the process, so a
 * member's host can embed one.
 */
export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const limits = resolveLimits(options.limits);
  const host = options.host ?? "127.0.0.1";
  const log = relayLogger(options.log);
  const dataDir = options.dataDir;
  const folder = await ensureDataFolder(dataDir);
  if (!folder.ok) throw new Error(`cannot use the data folder ${dataDir}: ${folder.reason}`);
  await mkdir(join(dataDir, "communes"), { recursive: true, mode: 0o700 });
  const registry = await Registry.open(join(dataDir, "registry.json"));
  const communes = new CommuneRepos({
    dataDir,
    registry,
    log,
    movedChain: (commune) => privateCommunes.chainOf(commune),
    maxSnapshotBytes: limits.maxMessageBytes,
    maxEphemeralBytes: limits.maxEphemeralBytes,
    registrations: { perAddressPerHour: limits.registrationsPerAddressPerHour, perHour: limits.registrationsPerHour },
    quota: {
      maxDocumentsPerCommune: limits.maxDocumentsPerCommune,
      maxBytesPerCommune: limits.maxBytesPerCommune,
      maxOperationsPerCommune: limits.maxOperationsPerCommune,
    },
  });
  // A moved commune's plaintext copy is forgotten at a private member's word; its plaintext sockets are told it is now private.
  const gate: { gateway?: RelayGateway } = {};
  const privateCommunes = new PrivateCommunes({
    dataDir,
    log,
    forgetPlaintext: async (commune) => {
      if (await communes.forget(commune)) {
        log({ event: "forgotten", commune });
        gate.gateway?.dropPlaintext(commune);
      }
    },
    // Kept in registry.json once a commune moved: the relay-key route's proof is checked against it.
    relayKeyOf: (commune) => registry.get(commune)?.relayKey,
    quota: { documents: limits.privateDocumentsPerCommune, bytes: limits.privateBytesPerCommune },
    registrations: { perAddressPerHour: limits.registrationsPerAddressPerHour, perHour: limits.registrationsPerHour },
  });
  const fileLimit = softFileLimit();
  const sockets = new SocketTable({
    cap: fileLimit === undefined ? limits.maxSockets : Math.min(limits.maxSockets, socketCapFor(fileLimit)),
    idleMs: limits.handshakeTimeoutMs,
  });
  const gateway = (gate.gateway = new RelayGateway({ directory: communes, limits, log, sockets, privateCommunes }));
  const started = performance.now();

  const stats = (): RelayStats => ({
    communes: registry.size,
    openCommunes: communes.openCount,
    connections: gateway.connectionCount,
    sockets: sockets.size,
    maxSockets: sockets.cap,
    socketsEvicted: sockets.evicted,
    admitted: gateway.admittedCount,
    documentHandles: communes.documentHandles,
    quota: {
      maxDocumentsPerCommune: limits.maxDocumentsPerCommune,
      maxBytesPerCommune: limits.maxBytesPerCommune,
      maxOperationsPerCommune: limits.maxOperationsPerCommune,
      largestCommune: communes.largestUsage(),
    },
    unavailableAnswers: communes.unavailableAnswers,
    uptimeSeconds: Math.floor((performance.now() - started) / 1000),
  });

  // A client that sends its headers a line every few seconds is cut once headersTimeout has passed;
  // the check runs every connectionsCheckingInterval, which is otherwise 30 s.
  const headerMs = limits.handshakeTimeoutMs;
  const server = createServer(
    { headersTimeout: headerMs, requestTimeout: headerMs, connectionsCheckingInterval: Math.min(1_000, headerMs) },
    (request, response) => {
      try {
        answerHttp(request, response, stats);
      } catch {
        response.destroy();
      }
    },
  );
  server.on("connection", (socket: Socket) => sockets.accepted(socket));
  server.on("upgrade", (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  server.on("clientError", (_error, socket) => socket.destroy());

  let port: number;
  try {
    port = await listen(server, options.port, host);
  } catch (error) {
    await gateway.close();
    await communes.close();
    await privateCommunes.close();
    throw error;
  }
  const url = `ws://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log({ event: "listening", url, host, port, dataDir, maxSockets: sockets.cap, ...(fileLimit === undefined ? {} : { fileLimit }) });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const before = stats();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await gateway.close();
      await communes.close();
      await privateCommunes.close();
      await registry.flush();
      await stopped;
      log({ event: "shutdown", connections: before.connections, communes: before.openCommunes });
    })());

  return { url, port, close, stats };
}

function answerHttp(request: IncomingMessage, response: ServerResponse, stats: () => RelayStats): void {
  const path = new URL(request.url ?? "/", "http://relay.invalid").pathname;
  if (path !== "/health") return reply(response, 404, { ok: false, error: "not found" });
  if (request.method !== "GET") return reply(response, 405, { ok: false, error: "method not allowed" });
  const { communes, connections, sockets, maxSockets, uptimeSeconds, quota } = stats();
  reply(response, 200, { ok: true, communes, connections, sockets, maxSockets, uptimeSeconds, quota });
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      server.on("error", () => {}); // after listening, errors belong to single connections
      resolve((server.address() as AddressInfo).port);
    });
  });
}
