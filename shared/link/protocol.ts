import { z } from "zod";
import { COMMAND_ERROR_KINDS, type CommandName, type CommandOutcome } from "../commands/commands";

/**
 * The link between a front end (the renderer, in Electron or a browser) and a
 * member's host: one protocol of JSON text messages, carried over a
 * MessagePort in the desktop app and over a WebSocket in browser mode, so the
 * renderer's code is the same in both and only the channel differs.
 *
 * The front end sends commands (answered once) and subscribes to views
 * (answered at once and again whenever what they show may have changed). Both
 * sides treat what arrives as untrusted: the host parses every message with
 * `parseClientMessage`, the renderer with `parseHostMessage`.
 */

/** Read-only commands a front end may subscribe to: the host re-runs them when the commune changes and pushes the answer if it differs. */
export const VIEW_NAMES = [
  "identity.show",
  "host.info",
  "commune.list",
  "commune.show",
  "purse.ledger",
  "purse.history",
  "proposal.list",
  "inventory.list",
  "commune.privacy",
  "partner.list",
  "sync.status",
] as const satisfies readonly CommandName[];

export type ViewName = (typeof VIEW_NAMES)[number];

export const isViewName = (name: string): name is ViewName => (VIEW_NAMES as readonly string[]).includes(name);

/** The largest message either side accepts; an uploaded snapshot file is the biggest thing that travels. */
export const MAX_LINK_MESSAGE_BYTES = 64 * 1024 * 1024;

const requestId = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

export const clientMessage = z.discriminatedUnion("type", [
  /** Run one command; answered by one "result" with the same id. */
  z.strictObject({ type: z.literal("command"), id: requestId, name: z.string().max(100), input: z.unknown() }),
  /** Watch one view; answered by a "view" now and on every change, until "unsubscribe". */
  z.strictObject({ type: z.literal("subscribe"), id: requestId, name: z.string().max(100), input: z.unknown() }),
  z.strictObject({ type: z.literal("unsubscribe"), id: requestId }),
]);

export type ClientMessage = z.infer<typeof clientMessage>;

const outcome = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({
      kind: z.enum(COMMAND_ERROR_KINDS),
      code: z.templateLiteral([z.string().min(1), ".", z.string().min(1)]),
      field: z.string().max(200).optional(),
      message: z.string(),
      params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    }),
  }),
]);

export const hostMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("result"), id: requestId, outcome }),
  z.strictObject({ type: z.literal("view"), id: requestId, outcome }),
  /** Long work (export, import, join) reports how far it has got; `total` is undefined when unknown. */
  z.strictObject({
    type: z.literal("progress"),
    id: requestId,
    done: z.number().nonnegative(),
    total: z.number().nonnegative().optional(),
    label: z.string().max(200),
  }),
  /** The host could not read a message: sent instead of crashing or staying silent. */
  z.strictObject({ type: z.literal("refused"), message: z.string() }),
]);

export type HostMessage =
  | { type: "result"; id: number; outcome: CommandOutcome<CommandName> }
  | { type: "view"; id: number; outcome: CommandOutcome<CommandName> }
  | { type: "progress"; id: number; done: number; total?: number; label: string }
  | { type: "refused"; message: string };

export type Parsed<T> = { ok: true; message: T } | { ok: false; reason: string };

function parseWith<T>(schema: z.ZodType, text: unknown): Parsed<T> {
  if (typeof text !== "string") return { ok: false, reason: "A link message must be text." };
  if (text.length > MAX_LINK_MESSAGE_BYTES) return { ok: false, reason: "The link message is too large." };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "The link message is not JSON." };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `The link message is malformed${issue?.path.length ? ` at ${issue.path.join(".")}` : ""}: ${issue?.message ?? "invalid"}` };
  }
  return { ok: true, message: parsed.data as T };
}

/** For the host: a message from a front end, or why it cannot be read. */
export const parseClientMessage = (text: unknown): Parsed<ClientMessage> => parseWith<ClientMessage>(clientMessage, text);

/** For the renderer: a message from the host, or why it cannot be read. */
export const parseHostMessage = (text: unknown): Parsed<HostMessage> => parseWith<HostMessage>(hostMessage, text);
