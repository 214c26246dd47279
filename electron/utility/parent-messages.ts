import { z } from "zod";

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
]);

export type ToHostProcess = z.infer<typeof toHostProcess>;

export const fromHostProcess = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ready"), dataDir: z.string() }),
  /** The host could not start (the data directory is locked, unreadable...); `message` is for the member. */
  z.strictObject({ type: z.literal("failed"), message: z.string().max(2000) }),
]);

export type FromHostProcess = z.infer<typeof fromHostProcess>;
