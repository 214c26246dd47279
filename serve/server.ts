import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { realpath } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { contentSecurityPolicy } from "../shared/link/content-security-policy";
import { MAX_LINK_MESSAGE_BYTES } from "../shared/link/protocol";
import type { Host } from "../host/host";
import { serveLink } from "../host/link/serve-link";
import { socketChannel } from "./socket-channel";
import { resolveStatic } from "./static-files";

/**
 * Browser mode: the built renderer and the host's link served to a browser
 * on this machine. Anyone on the machine can reach 127.0.0.1, and any web
 * page the member visits can make their browser try, so the link answers
 * only a socket that carries the per-run token (given to the member in the
 * printed URL's fragment) and comes from this server's own page (Origin),
 * and every request must name this server in its Host header (a DNS
 * rebinding page names its own). docs/browser-mode.md explains why.
 */
export interface BrowserServerOptions {
  host: Host;
  /** The built renderer: index.html and its assets. */
  rendererDir: string;
  /** 0 or absent picks a free port. */
  port?: number;
  /** Defaults to a fresh random one per run. */
  token?: string;
  /** Browser tabs connected at once (default 16). */
  maxSockets?: number;
}

export interface BrowserServer {
  /** http://127.0.0.1:PORT/#token=...: the address to open, secret included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{16,128}$/;
const LINK_PATH = "/link";

const digest = (text: string) => createHash("sha256").update(text).digest();

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString("base64url");
  if (!TOKEN_FORMAT.test(token)) throw new Error("The browser-mode token must be 16-128 letters, digits, '-' or '_'.");
  const expectedToken = digest(token);
  const root = await realpath(options.rendererDir);
  const maxSockets = options.maxSockets ?? 16;
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: MAX_LINK_MESSAGE_BYTES, perMessageDeflate: false });
  let port = 0;
  const origin = () => `http://127.0.0.1:${port}`;
  const headers = () => ({
    "content-security-policy": contentSecurityPolicy({ linkSocket: `ws://127.0.0.1:${port}` }),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
  });

  const answer = (response: ServerResponse, status: number, text: string) => {
    response.writeHead(status, { ...headers(), "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
    response.end(`${text}\n`);
  };

  async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.host !== `127.0.0.1:${port}`) return answer(response, 403, `Open Commune at ${origin()}/.`);
    if (request.method !== "GET" && request.method !== "HEAD") return answer(response, 405, "Only GET and HEAD are served here.");
    const rawPath = (request.url ?? "/").split("?")[0]!;
    const target = await resolveStatic(root, rawPath);
    if (!target.ok) return answer(response, target.status, target.status === 400 ? "Bad path." : "Not found.");
    response.writeHead(200, {
      ...headers(),
      "content-type": target.type,
      "content-length": String(target.size),
      // index.html names the hashed assets of the current build; only the assets may be cached.
      "cache-control": target.type.startsWith("text/html") ? "no-store" : "no-cache",
    });
    if (request.method === "HEAD") return void response.end();
    const stream = createReadStream(target.file);
    stream.on("error", () => response.destroy());
    stream.pipe(response);
  }

  /** Why a WebSocket upgrade is refused, or undefined when it may link to the host. */
  function refusal(request: IncomingMessage): { status: number; text: string } | undefined {
    let url: URL;
    try {
      url = new URL(request.url ?? "/", origin());
    } catch {
      return { status: 400, text: "Bad Request" };
    }
    if (url.pathname !== LINK_PATH) return { status: 404, text: "Not Found" };
    if (request.headers.host !== `127.0.0.1:${port}`) return { status: 403, text: "Forbidden" };
    if (request.headers.origin !== origin()) return { status: 403, text: "Forbidden" };
    const given = url.searchParams.get("token");
    if (given === null || !timingSafeEqual(digest(given), expectedToken)) return { status: 401, text: "Unauthorized" };
    if (sockets.size >= maxSockets) return { status: 503, text: "Service Unavailable" };
    return undefined;
  }

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    const refused = refusal(request);
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.status} ${refused.text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("error", () => ws.terminate());
      ws.on("close", () => sockets.delete(ws));
      serveLink(options.host, socketChannel(ws));
    });
  }

  const server = createServer((request, response) => {
    serveFile(request, response).catch(() => {
      if (!response.headersSent) answer(response, 500, "The file could not be read.");
      else response.destroy();
    });
  });
  server.on("upgrade", (request, socket, head) => {
    try {
      upgrade(request, socket, head);
    } catch {
      socket.destroy();
    }
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      server.on("error", () => {});
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      server.closeAllConnections();
      wss.close();
      await stopped;
    })());

  return { url: `${origin()}/#token=${token}`, port, token, close };
}
