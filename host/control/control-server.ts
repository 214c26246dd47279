import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CommandName, CommandOutcome } from "../../shared/commands/commands";

/**
 * The running host's door for local front ends (the CLI now): HTTP on
 * 127.0.0.1 only, every request carrying the per-run token written to the
 * data directory's lock file (mode 0600). One endpoint, POST /command with
 * {name, input}; the body is capped and validated like any other untrusted
 * input, and the answer is always the same {ok, value | error} shape.
 */
export interface CommandRunner {
  run(name: unknown, input: unknown): Promise<CommandOutcome<CommandName>>;
}

export interface RunningControl {
  url: string;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
/** Past this much a command too large is no longer read to its end (to answer it in words); the connection is cut. */
const MAX_DRAINED = 16 * MAX_BODY;

export async function startControlServer(runner: CommandRunner, options: { port?: number; token?: string } = {}): Promise<RunningControl> {
  const token = options.token ?? randomBytes(24).toString("hex");
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer((request, response) => {
    handle(request, response).catch(() =>
      send(response, 500, { ok: false, error: { kind: "internal", code: "host.internal", message: "The host could not answer." } }),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const given = Buffer.from(request.headers.authorization ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return send(response, 401, { ok: false, error: { kind: "invalid-input", code: "control.badToken", message: "Missing or wrong token." } });
    }
    if (request.method !== "POST" || request.url !== "/command") {
      return send(response, 404, { ok: false, error: { kind: "not-found", code: "control.notFound", message: "Only POST /command is served here." } });
    }
    const body = await readBody(request);
    if (body === undefined)
      return send(response, 413, { ok: false, error: { kind: "invalid-input", code: "control.tooLarge", message: "The command is too large." } });
    let parsed: { name?: unknown; input?: unknown };
    try {
      parsed = JSON.parse(body) as { name?: unknown; input?: unknown };
    } catch {
      return send(response, 400, { ok: false, error: { kind: "invalid-input", code: "control.notJson", message: "The command is not JSON." } });
    }
    if (!parsed || typeof parsed !== "object")
      return send(response, 400, { ok: false, error: { kind: "invalid-input", code: "control.notAnObject", message: "The command is not an object." } });
    send(response, 200, await runner.run(parsed.name, parsed.input));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/**
 * The body as text, or undefined when it passes MAX_BODY. A body too large
 * is read on to its end and thrown away, so the sender gets the 413 in
 * words rather than a reset connection; only a body past MAX_DRAINED is cut.
 */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAINED) {
        resolve(undefined);
        request.destroy();
      } else if (size <= MAX_BODY) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on("end", () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** The CLI's side: sends one command to a running host. */
export async function sendCommand(control: { url: string; token: string }, name: string, input: unknown): Promise<CommandOutcome<CommandName>> {
  const response = await fetch(`${control.url}/command`, {
    method: "POST",
    headers: { authorization: `Bearer ${control.token}`, "content-type": "application/json" },
    body: JSON.stringify({ name, input }),
  });
  return (await response.json()) as CommandOutcome<CommandName>;
}
