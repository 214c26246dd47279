/**
 * The IPC messages between bench/relay-load.ts and its child processes
 * (bench/relay-load-child.ts). Both ends read what they receive through
 * these schemas: a child that misbehaves fails the figure with a clear
 * error instead of a wrong number.
 */
import { z } from "zod";
import type { Genesis } from "../shared/commune/genesis";
import { genesisSchema } from "../shared/docs/records";
import type { Signed } from "../shared/identity/signed";

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();

/**
 * "relay": the commune relay and members as automerge-repo peers (a plaintext
 * commune); "private": the same relay and members speaking its private
 * protocol (issue 13: each change sealed, put, forwarded, opened);
 * "broadcast": the bare ws baseline.
 */
export const loadModeSchema = z.enum(["relay", "private", "broadcast"]);
export type LoadMode = z.infer<typeof loadModeSchema>;

export const loadCommuneSchema = z.strictObject({
  /** Position among all communes of the run: spreads the writers' ticks over the write interval. */
  index: count,
  // Checked for shape here, and for its signature by the relay, as a registration always is.
  genesis: genesisSchema.transform((genesis) => genesis as unknown as Signed<Genesis>),
  /** The writer's (founder's) Ed25519 seed. */
  founderSecret: hex(32),
  /** The commune secret members prove to the relay. */
  secret: hex(32),
  /** The same commune founded private: its genesis names the first epoch's admission key, and members hold that epoch's key. */
  privately: z.strictObject({
    genesis: genesisSchema.transform((genesis) => genesis as unknown as Signed<Genesis>),
    epochKey: hex(32),
  }),
});
export type LoadCommune = z.infer<typeof loadCommuneSchema>;

export const toChildSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("members"),
    mode: loadModeSchema,
    url: z.string().min(1),
    members: z.number().int().min(2),
    totalCommunes: z.number().int().positive(),
    communes: z.array(loadCommuneSchema),
  }),
  /** Write from `startAt` (ms since the epoch) for warm-up then load; entries written during the load window are the ones timed. */
  z.strictObject({ type: z.literal("go"), startAt: ms, warmupMs: ms, loadMs: ms, graceMs: ms, rate: z.number().positive() }),
  /** Servers: the load window begins (peak RSS and CPU are measured from here). */
  z.strictObject({ type: z.literal("mark") }),
  /** Servers: report memory and CPU since the mark. */
  z.strictObject({ type: z.literal("report") }),
  z.strictObject({ type: z.literal("stop") }),
]);
export type ToChild = z.infer<typeof toChildSchema>;

export const serverReportSchema = z.strictObject({
  type: z.literal("server-report"),
  /** Right after listening, before any member connected. */
  rssStart: count,
  /** At the mark: every member connected and holding its commune's document. */
  rssConnected: count,
  /** Highest RSS sampled (every 100 ms) between the mark and the report. */
  rssLoadPeak: count,
  cpuMs: ms,
  windowMs: ms,
  /** Sockets closed and errors logged by the relay during the whole run (0 for the baseline). */
  closed: count,
  errors: count,
});
export type ServerReport = z.infer<typeof serverReportSchema>;

export const membersResultSchema = z.strictObject({
  type: z.literal("result"),
  /** One per delivery of a load-window entry to a member other than its writer, in ms. */
  latencies: z.array(z.number()),
  /** Entries the writers were due to write during the load window, and those they did write (fewer when the process could not keep up). */
  scheduledLoad: count,
  writtenLoad: count,
  writtenAll: count,
  /** Deliveries due (load-window entries written x other members), and those that arrived before the grace period after the window ran out. */
  expected: count,
  delivered: count,
  cpuMs: ms,
  windowMs: ms,
  /** Event-loop delay p99 of this member process during the load, in ms: high means the simulated members, not the relay, were the bottleneck. */
  loopDelayP99: ms,
});
export type MembersResult = z.infer<typeof membersResultSchema>;

export const fromChildSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("listening"), url: z.string().min(1) }),
  z.strictObject({ type: z.literal("ready"), setupMs: ms }),
  serverReportSchema,
  membersResultSchema,
  z.strictObject({ type: z.literal("failed"), message: z.string() }),
]);
export type FromChild = z.infer<typeof fromChildSchema>;
