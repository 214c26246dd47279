import { fail, ok, type Result } from "../result";

/**
 * The ports Commune listens on: 0 (the system picks a free one) or 1024 to
 * 65535. Ports under 1024 are the system's services (80 is the web, 22 is
 * ssh); taking one needs privileges a member's app should never run with,
 * and a relay answering on 80 invites mistaking it for a web server. One
 * rule for the app's relay panel, the relay.host command, `commune host
 * --relay-port`, `npm run relay -- --port` and `npm run serve -- --port`.
 */
export const MIN_PORT = 1024;
export const MAX_PORT = 65_535;

export function portProblem(port: number): string | undefined {
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) return `A port is a whole number from ${MIN_PORT} to ${MAX_PORT}, or 0 to pick a free one`;
  if (port !== 0 && port < MIN_PORT)
    return `Port ${port} is reserved for the system's own services: choose one from ${MIN_PORT} to ${MAX_PORT}, or 0 to pick a free one`;
  return undefined;
}

/** A port as typed: plain digits, then portProblem's rule. */
export function parsePort(text: string): Result<number> {
  const trimmed = text.trim();
  if (trimmed === "") return fail("port.missing", "Enter a port number, such as 3030", { field: "port" });
  if (!/^[0-9]{1,5}$/.test(trimmed))
    return fail("port.unreadable", `A port is a whole number from ${MIN_PORT} to ${MAX_PORT}, or 0 to pick a free one`, { field: "port" });
  const port = Number(trimmed);
  const problem = portProblem(port);
  if (problem) return fail(port > MAX_PORT ? "port.outOfRange" : "port.reserved", problem, { field: "port", params: { port } });
  return ok(port);
}
