import {
  isValidDocumentId,
  type DocumentId,
  type PeerId,
  type PeerMetadata,
  type RepoMessage,
  type SessionId,
  type StorageId,
} from "@automerge/automerge-repo/slim";
import { z } from "zod";
import { peerIdSchema } from "./relay-handshake";

/**
 * The frames that follow a relay's "welcome": automerge-repo's stock
 * websocket protocol, version "1" (binary CBOR; see the package
 * @automerge/automerge-repo-network-websocket, messages.ts). A member sends
 * "join", the relay answers "peer", then both exchange repo messages.
 *
 * Every frame is untrusted on both sides, so each one is read through a
 * schema here: only the six repo message types pass, with every field the
 * repo will touch typed and bounded. Unknown fields are dropped, so nothing
 * the sender made up travels further. Who may send what (the proven peer id,
 * the relay's peer id) is the caller's check; these readers check shape.
 */
export const PROTOCOL_V1 = "1";

const peerId = peerIdSchema.transform((id) => id as PeerId);
const documentId = z.custom<DocumentId>((value) => isValidDocumentId(value), "not a document id");
const storageId = z
  .string()
  .min(1)
  .max(100)
  .transform((id) => id as StorageId);
const bytes = z.instanceof(Uint8Array);
const nonEmptyBytes = bytes.refine((data) => data.byteLength > 0, "empty data");
const heads = z.array(z.string().max(100)).max(1_000);

const peerMetadata = z.object({ storageId: storageId.optional(), isEphemeral: z.boolean().optional() });

export const joinMessageSchema = z.object({
  type: z.literal("join"),
  senderId: peerId,
  peerMetadata: peerMetadata,
  supportedProtocolVersions: z.array(z.string().max(20)).max(20),
});
export const peerMessageSchema = z.object({
  type: z.literal("peer"),
  senderId: peerId,
  targetId: peerId,
  peerMetadata: peerMetadata,
  selectedProtocolVersion: z.literal(PROTOCOL_V1),
  /** Set by a relay that answers snapshot requests (see below); a relay without it would close a socket that sends one. */
  snapshots: z.literal(true).optional(),
});
export const errorMessageSchema = z.object({ type: z.literal("error"), senderId: peerId, targetId: peerId, message: z.string().max(1_000) });

const routed = { senderId: peerId, targetId: peerId };
const repoMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("sync"), ...routed, documentId, data: nonEmptyBytes }),
  z.object({ type: z.literal("request"), ...routed, documentId, data: nonEmptyBytes }),
  z.object({ type: z.literal("doc-unavailable"), ...routed, documentId }),
  z.object({
    type: z.literal("ephemeral"),
    ...routed,
    documentId,
    data: bytes,
    count: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    sessionId: z
      .string()
      .min(1)
      .max(100)
      .transform((id) => id as SessionId),
  }),
  z.object({
    type: z.literal("remote-subscription-change"),
    ...routed,
    add: z.array(storageId).max(1_000).optional(),
    remove: z.array(storageId).max(1_000).optional(),
  }),
  z.object({
    type: z.literal("remote-heads-changed"),
    ...routed,
    documentId,
    newHeads: z.record(storageId, z.object({ heads, timestamp: z.number() })),
  }),
]);

/**
 * Compacted documents, outside automerge-repo's sync: a member that has
 * nothing of a document asks the relay for the whole of it in one message
 * (`Automerge.save`, or the chunks the relay stored), loads it with
 * `Automerge.load`, and lets the normal sync fill in anything newer. Receiving
 * the same document through sync replays it change by change and builds a
 * patch for every value, several times the cost at 100,000 entries.
 *
 *   member -> relay   { type: "snapshot-request", senderId, targetId, documentId }
 *   relay  -> member  { type: "snapshot", senderId, targetId, documentId, data? }
 *
 * No `data` means the relay has no such document in this commune (or it is
 * too large for one message): the member falls back to sync. A snapshot is
 * no more trusted than a sync message: whatever it holds is read through the
 * same document readers and signature checks.
 */
export const snapshotRequestSchema = z.object({ type: z.literal("snapshot-request"), ...routed, documentId });
export const snapshotMessageSchema = z.object({ type: z.literal("snapshot"), ...routed, documentId, data: nonEmptyBytes.optional() });
export type SnapshotRequest = z.infer<typeof snapshotRequestSchema>;
export interface SnapshotMessage {
  type: "snapshot";
  senderId: PeerId;
  targetId: PeerId;
  documentId: DocumentId;
  data?: Uint8Array;
}

export function readSnapshotRequest(value: unknown): SnapshotRequest | undefined {
  const parsed = snapshotRequestSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function readSnapshot(value: unknown): SnapshotMessage | undefined {
  const parsed = snapshotMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export type RepoMessageType = RepoMessage["type"];
export const REPO_MESSAGE_TYPES: readonly RepoMessageType[] = [
  "sync",
  "request",
  "doc-unavailable",
  "ephemeral",
  "remote-subscription-change",
  "remote-heads-changed",
];

export interface JoinMessage {
  type: "join";
  senderId: PeerId;
  peerMetadata: PeerMetadata;
  supportedProtocolVersions: string[];
}
export interface PeerMessage {
  type: "peer";
  senderId: PeerId;
  targetId: PeerId;
  peerMetadata: PeerMetadata;
  selectedProtocolVersion: typeof PROTOCOL_V1;
  snapshots?: true;
}
export interface ErrorMessage {
  type: "error";
  senderId: PeerId;
  targetId: PeerId;
  message: string;
}

/** The decoded value as a repo message, or undefined when it is anything else. */
export function readRepoMessage(value: unknown): RepoMessage | undefined {
  const parsed = repoMessageSchema.safeParse(value);
  return parsed.success ? (parsed.data as RepoMessage) : undefined;
}

export function readJoin(value: unknown): JoinMessage | undefined {
  const parsed = joinMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function readPeer(value: unknown): PeerMessage | undefined {
  const parsed = peerMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function readError(value: unknown): ErrorMessage | undefined {
  const parsed = errorMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
