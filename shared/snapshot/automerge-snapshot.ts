import * as A from "@automerge/automerge";
import { explain } from "../docs/reasons";
import type { DocType } from "../docs/version";
import type { KeyPair } from "../identity/keys";
import type { Crypto, Verifier } from "../identity/crypto";
import { checkSignature, sign } from "../identity/signed";
import { isoDay, memberName } from "../purse/wording";
import { fail, ok, type Result } from "../result";
import { AUTOMERGE_LIMITS, openContainer, writeContainer, type ContainerProblem } from "./automerge-container";
import { AUTOMERGE_FORMAT, AUTOMERGE_VERSION, manifestSchema, type Manifest, type ManifestBody } from "./automerge-manifest";
import { replayCommune, type CommuneDocuments, type Replayed } from "./commune-replay";
import { balanceMismatch, CLOCK_SKEW } from "./json-snapshot";
import { parseJsonText } from "./json-text";
import { INFLATION_LIMITS, measureAutomerge, type Inflater } from "../sync/automerge-chunks";

/**
 * The Automerge backup of a commune: every document with its full history,
 * in one file any Automerge 3 program can read (docs/snapshot-format.md), with
 * a manifest the exporter signs. Verifying loads each document, checks that
 * they are one commune's, replays them with the shared/ rules and compares
 * the balances and heads with what the exporter signed.
 */

export interface BackupDocument {
  role: DocType;
  url: string;
  doc: A.Doc<unknown>;
}

export interface Progress {
  onProgress?: (progress: { done: number; total?: number; label: string }) => void;
  /** Lets the caller's event loop run between steps (a host sends progress messages meanwhile). */
  pause?: () => Promise<void>;
}

/** Orders documents as the file holds them: commune, proposals, inventory, then the shards. */
function inFileOrder(documents: readonly BackupDocument[]): Result<{ docs: CommuneDocuments; ordered: BackupDocument[] }> {
  const one = (role: DocType) => documents.filter((document) => document.role === role);
  const [commune, proposals, inventory] = [one("commune"), one("proposals"), one("inventory")];
  if (commune.length !== 1 || proposals.length !== 1 || inventory.length !== 1) {
    return fail("backup.wrongDocuments", "A backup holds exactly one commune, one proposals and one knowledge inventory document.");
  }
  const shards = one("purse-shard");
  if (3 + shards.length !== documents.length)
    return fail("backup.wrongDocuments", "A backup holds only commune, proposals, inventory and purse shard documents.");
  const ordered = [commune[0]!, proposals[0]!, inventory[0]!, ...shards];
  return ok({ docs: { commune: commune[0]!, proposals: proposals[0]!, inventory: inventory[0]!, shards }, ordered });
}

export interface CreatedBackup {
  bytes: Uint8Array;
  entries: number;
}

export async function createAutomergeBackup(
  crypto: Crypto,
  documents: readonly BackupDocument[],
  exporter: KeyPair,
  now: number,
  progress: Progress = {},
): Promise<Result<CreatedBackup>> {
  const order = inFileOrder(documents);
  if (!order.ok) return order;
  const replayed = replayCommune(crypto, order.value.docs, now, { problems: false });
  if (!replayed.ok) return replayed;
  const saved: Uint8Array[] = [];
  const total = order.value.ordered.length;
  for (const [index, { doc }] of order.value.ordered.entries()) {
    saved.push(A.save(doc));
    progress.onProgress?.({ done: index + 1, total, label: "Saving documents" });
    await progress.pause?.();
  }
  const body: ManifestBody = {
    format: AUTOMERGE_FORMAT,
    version: AUTOMERGE_VERSION,
    commune: { id: replayed.value.id, name: replayed.value.state.name },
    createdAt: now,
    documents: order.value.ordered.map(({ role, url, doc }, index) => ({ role, url, bytes: saved[index]!.length, heads: A.getHeads(doc) })),
    entries: replayed.value.entries.length,
    balances: { purse: replayed.value.view.purse, members: replayed.value.view.members },
    by: exporter.publicKey,
  };
  const manifest = sign(crypto, "snapshot", body, exporter);
  const bytes = writeContainer(JSON.stringify(manifest), saved);
  if (bytes.length > AUTOMERGE_LIMITS.fileBytes) {
    return fail(
      "backup.tooLarge",
      `The backup would be ${Math.ceil(bytes.length / 1048576)} MB, over the ${AUTOMERGE_LIMITS.fileBytes / 1048576} MB a backup may be.`,
    );
  }
  return ok({ bytes, entries: replayed.value.entries.length });
}

export interface VerifiedBackup {
  manifest: Manifest;
  /** In the file's order; each document's own bytes, for merging. */
  documents: (BackupDocument & { bytes: Uint8Array })[];
  replayed: Replayed;
  exporter: string;
}

export const NOT_A_BACKUP = "Not a Commune Automerge backup";

function containerMessage(problem: ContainerProblem): string {
  switch (problem.kind) {
    case "not a container":
      return `${NOT_A_BACKUP}: it does not start the way one does.`;
    case "too large":
      return `The file is too large to be a Commune backup (the limit is ${AUTOMERGE_LIMITS.fileBytes / 1048576} MB).`;
    case "newer version":
      return `This backup was written by a newer version of Commune (backup version ${problem.version}; this version reads up to 1). Update Commune to open it.`;
    case "unknown version":
      return `${NOT_A_BACKUP}: its version (${problem.version}) is not one Commune has ever written.`;
    case "truncated":
      return "The backup file is incomplete: it ends in the middle, perhaps cut off while saving or copying.";
    case "manifest too large":
      return `${NOT_A_BACKUP}: its table of contents claims to be over ${AUTOMERGE_LIMITS.manifestBytes / 1048576} MB.`;
    case "manifest not text":
      return "The backup file is damaged: its table of contents is not text.";
  }
}

const ROLE_NAMES: Record<DocType, string> = {
  commune: "commune",
  proposals: "proposals",
  inventory: "knowledge inventory",
  "purse-shard": "purse shard",
  shared: "shared document",
};

/**
 * Refuses a backup whose documents would inflate past INFLATION_LIMITS before
 * anything loads them: a 564 KiB file of compressed bombs made verify peak at
 * 1.6 GiB and import at 4.6 GiB. A file that is not a container passes here
 * and is refused by verifyAutomergeBackup in its own words.
 */
export function backupInflationProblem(bytes: Uint8Array, inflate: Inflater): Result<void> {
  const opened = openContainer(bytes);
  if (!opened.ok) return ok(undefined);
  const measured = measureAutomerge(opened.value.body, inflate);
  // Damage is left to verifyAutomergeBackup, which names it better (trailing
  // bytes, which document): the walk stops at the first damaged chunk, and
  // verifying stops loading at that same document, so nothing after it loads.
  if (measured.ok && measured.value.ops > INFLATION_LIMITS.communeOps)
    return fail(
      "backup.bomb",
      `This backup was refused: its documents hold more than ${INFLATION_LIMITS.communeOps.toLocaleString("en-US")} Automerge operations together, more than any honest commune.`,
      { params: { limit: INFLATION_LIMITS.communeOps } },
    );
  if (measured.ok || measured.error.code === "automerge.malformed") return ok(undefined);
  return fail("backup.bomb", `This backup was refused: ${measured.error.message}`, { params: measured.error.params });
}

/**
 * Checks a backup file, read-only, and reports the first problem in words.
 * Never throws: the file may be hostile.
 */
export async function verifyAutomergeBackup(verifier: Verifier, bytes: Uint8Array, now: number, progress: Progress = {}): Promise<Result<VerifiedBackup>> {
  try {
    return await verify(verifier, bytes, now, progress);
  } catch {
    return fail("backup.uncheckable", "This backup could not be checked: it is damaged in a way Commune does not recognise.");
  }
}

async function verify(verifier: Verifier, bytes: Uint8Array, now: number, progress: Progress): Promise<Result<VerifiedBackup>> {
  const opened = openContainer(bytes);
  if (!opened.ok) return fail("backup.container", containerMessage(opened.error));
  const parsed = parseJsonText(opened.value.manifestText, { maxLength: AUTOMERGE_LIMITS.manifestBytes, maxDepth: AUTOMERGE_LIMITS.manifestDepth });
  if (!parsed.ok && parsed.error === "duplicate key")
    return fail(
      "backup.duplicateKey",
      `The backup was altered: its table of contents names "${parsed.key ?? ""}" twice in one record, so two programs could read it two ways.`,
    );
  if (!parsed.ok) return fail("backup.manifestUnreadable", "The backup file is damaged: its table of contents is not readable JSON.");
  const raw = parsed.value as { format?: unknown; version?: unknown } | null;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || raw.format !== AUTOMERGE_FORMAT) {
    return fail("backup.notABackup", `${NOT_A_BACKUP}: its table of contents does not say it is one.`);
  }
  if (typeof raw.version === "number" && Number.isSafeInteger(raw.version) && raw.version > AUTOMERGE_VERSION) {
    return fail(
      "backup.newerVersion",
      `This backup was written by a newer version of Commune (manifest version ${raw.version}; this version reads up to ${AUTOMERGE_VERSION}). Update Commune to open it.`,
    );
  }
  const checked = manifestSchema.safeParse(raw);
  if (!checked.success) return fail("backup.manifestMalformed", `The backup's table of contents is malformed: ${explain(checked.error.issues, raw)}.`);
  const manifest: Manifest = checked.data;

  const declared = manifest.documents.reduce((sum, document) => sum + document.bytes, 0);
  const body = opened.value.body;
  if (declared > body.length)
    return fail("backup.truncated", "The backup file is incomplete: it ends before its last document, perhaps cut off while saving or copying.");
  if (declared < body.length)
    return fail("backup.trailingBytes", `The backup file has ${body.length - declared} bytes after its last document: it was changed after it was written.`);
  const urls = new Set(manifest.documents.map((document) => document.url));
  if (urls.size !== manifest.documents.length) return fail("backup.documentTwice", "The backup lists one document twice.");

  const documents: VerifiedBackup["documents"] = [];
  let at = 0;
  for (const [index, entry] of manifest.documents.entries()) {
    const slice = body.subarray(at, at + entry.bytes);
    at += entry.bytes;
    let doc: A.Doc<unknown>;
    try {
      doc = A.load(slice);
    } catch {
      return fail("backup.documentDamaged", `Document #${index + 1} (the ${ROLE_NAMES[entry.role]}) is damaged: Automerge cannot load it.`);
    }
    documents.push({ role: entry.role, url: entry.url, doc, bytes: slice });
    progress.onProgress?.({ done: index + 1, total: manifest.documents.length, label: "Loading documents" });
    await progress.pause?.();
  }
  const order = inFileOrder(documents);
  if (!order.ok) return order;
  if (order.value.ordered.some((document, index) => document !== documents[index])) {
    return fail("backup.outOfOrder", "The backup's documents are out of order: the commune, proposals and inventory documents come first.");
  }

  progress.onProgress?.({ done: 0, label: "Checking signatures and balances" });
  await progress.pause?.();
  const replayed = replayCommune(verifier, order.value.docs, manifest.createdAt);
  if (!replayed.ok) return replayed;
  const { state, view, entries } = replayed.value;
  if (replayed.value.id !== manifest.commune.id)
    return fail("backup.foreignDocuments", "The backup's documents belong to another commune than the one it names.");
  if (manifest.createdAt > now + CLOCK_SKEW) return fail("backup.fromTheFuture", `The backup is dated ${isoDay(manifest.createdAt)}, in the future.`);
  if (replayed.value.problem) return fail("backup.replayProblem", replayed.value.problem);
  if (manifest.entries !== entries.length)
    return fail("backup.entryCountMismatch", `The backup says it holds ${manifest.entries} entries; its documents hold ${entries.length}.`);
  const mismatch = balanceMismatch(manifest.balances, view, state);
  if (mismatch) return fail("backup.balancesMismatch", `The balances in the file do not match its entries: ${mismatch}.`);

  const exporter = memberName(state, manifest.by);
  for (const [index, document] of documents.entries()) {
    const heads = [...A.getHeads(document.doc)].sort().join(",");
    if (heads !== [...manifest.documents[index]!.heads].sort().join(",")) {
      return fail("backup.documentAltered", `The ${ROLE_NAMES[document.role]} document (#${index + 1}) was changed after ${exporter} exported the backup.`);
    }
  }
  if (checkSignature(verifier, "snapshot", manifest)) return fail("backup.altered", `The backup was altered after ${exporter} exported it.`);
  if (!Object.hasOwn(state.members, manifest.by))
    return fail("backup.signedByStranger", `The backup was signed by ${exporter}, who was never a member of ${state.name}.`);
  progress.onProgress?.({ done: 1, total: 1, label: "Checking signatures and balances" });
  return ok({ manifest, documents, replayed: replayed.value, exporter });
}
