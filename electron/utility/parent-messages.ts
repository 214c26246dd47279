import { z } from "zod";
import { FILE_GRANT } from "../../shared/commands/commands";

/**
 * What the main process and the host's utility process say to each other
 * over process.parentPort. Commands and views never travel here: they go over
 * the MessagePorts that "connect" hands over, in the link protocol of
 * shared/link/protocol.ts. Both sides parse what arrives.
 */
export const toHostProcess = z.discriminatedUnion("type", [
  /** Serve the link protocol on the one MessagePort that comes with this message. */
  z.strictObject({ type: z.literal("connect") }),
  /** Close the documents, release the data directory and exit. */
  z.strictObject({ type: z.literal("stop") }),
  /**
   * The member chose `path` in a native dialog: a page may have it written
   * ("save") or read ("open") once, by presenting `grant` (host/link/file-grants.ts).
   * Only main can say this; pages never reach this channel.
   */
  z.strictObject({ type: z.literal("grant"), grant: z.string().regex(FILE_GRANT), operation: z.enum(["save", "open"]), path: z.string().min(1).max(4096) }),
]);

export type ToHostProcess = z.infer<typeof toHostProcess>;

export const fromHostProcess = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ready"), dataDir: z.string() }),
  /** The host could not start (the data directory is locked, unreadable...); `message` is for the member. */
  z.strictObject({ type: z.literal("failed"), message: z.string().max(2000) }),
  /** The answer to "grant": held (`ok`), so main may hand the grant to the page, or refused. */
  z.strictObject({ type: z.literal("granted"), grant: z.string().max(100), ok: z.boolean() }),
]);

export type FromHostProcess = z.infer<typeof fromHostProcess>;
