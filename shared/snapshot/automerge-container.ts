/**
 * The framing of a Commune Automerge backup (docs/snapshot-format.md,
 * "Automerge backup"): a fixed header, a JSON manifest, then each document's
 * `Automerge.save()` bytes back to back in the manifest's order.
 *
 *   offset 0   8 bytes  magic 0x89 "COMMUNE"
 *   offset 8   4 bytes  container version, unsigned big-endian (1)
 *   offset 12  4 bytes  manifest length M in bytes, unsigned big-endian
 *   offset 16  M bytes  manifest, UTF-8 JSON
 *   then                the documents, lengths from the manifest
 *
 * The first byte is not ASCII, so no JSON, CSV or journal file starts like
 * this one and no text tool mistakes it for text (PNG's trick). Only the
 * framing is read here: what the manifest says is checked by
 * automerge-snapshot.ts.
 */

export const CONTAINER_MAGIC = new Uint8Array([0x89, 0x43, 0x4f, 0x4d, 0x4d, 0x55, 0x4e, 0x45]);
export const CONTAINER_VERSION = 1;
const HEADER_BYTES = 16;

export const AUTOMERGE_LIMITS = {
  /** The whole file: 256 MiB, about a million entries. */
  fileBytes: 256 * 1024 * 1024,
  /** The manifest alone. */
  manifestBytes: 16 * 1024 * 1024,
  /** Nesting in the manifest's JSON. */
  manifestDepth: 16,
  documents: 10_000,
  headsPerDocument: 1_000,
} as const;

export const isAutomergeContainer = (bytes: Uint8Array): boolean =>
  bytes.length >= CONTAINER_MAGIC.length && CONTAINER_MAGIC.every((byte, i) => bytes[i] === byte);

export type ContainerProblem =
  | { kind: "not a container" }
  | { kind: "too large" }
  | { kind: "newer version"; version: number }
  | { kind: "unknown version"; version: number }
  | { kind: "truncated" }
  | { kind: "manifest too large" }
  | { kind: "manifest not text" };

export interface OpenedContainer {
  manifestText: string;
  /** Everything after the manifest: the documents' bytes, still to be cut up by the manifest's lengths. */
  body: Uint8Array;
}

export function openContainer(bytes: Uint8Array): { ok: true; value: OpenedContainer } | { ok: false; error: ContainerProblem } {
  if (!isAutomergeContainer(bytes)) return { ok: false, error: { kind: "not a container" } };
  if (bytes.length > AUTOMERGE_LIMITS.fileBytes) return { ok: false, error: { kind: "too large" } };
  if (bytes.length < HEADER_BYTES) return { ok: false, error: { kind: "truncated" } };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8);
  if (version > CONTAINER_VERSION) return { ok: false, error: { kind: "newer version", version } };
  if (version !== CONTAINER_VERSION) return { ok: false, error: { kind: "unknown version", version } };
  const manifestLength = view.getUint32(12);
  if (manifestLength > AUTOMERGE_LIMITS.manifestBytes) return { ok: false, error: { kind: "manifest too large" } };
  if (HEADER_BYTES + manifestLength > bytes.length) return { ok: false, error: { kind: "truncated" } };
  let manifestText: string;
  try {
    manifestText = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + manifestLength));
  } catch {
    return { ok: false, error: { kind: "manifest not text" } };
  }
  return { ok: true, value: { manifestText, body: bytes.subarray(HEADER_BYTES + manifestLength) } };
}

/** The file: header, manifest, then the documents in order. */
export function writeContainer(manifestText: string, documents: readonly Uint8Array[]): Uint8Array {
  const manifest = new TextEncoder().encode(manifestText);
  if (manifest.length > AUTOMERGE_LIMITS.manifestBytes) throw new Error("writeContainer: the manifest is over its limit");
  const total = HEADER_BYTES + manifest.length + documents.reduce((sum, doc) => sum + doc.length, 0);
  const out = new Uint8Array(total);
  out.set(CONTAINER_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CONTAINER_VERSION);
  view.setUint32(12, manifest.length);
  out.set(manifest, HEADER_BYTES);
  let at = HEADER_BYTES + manifest.length;
  for (const doc of documents) {
    out.set(doc, at);
    at += doc.length;
  }
  return out;
}
