import { open } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { fail, ok, type Result } from "../../shared/result";
import { AUTOMERGE_LIMITS, CONTAINER_MAGIC, isAutomergeContainer } from "../../shared/snapshot/automerge-container";
import { SNAPSHOT_LIMITS } from "../../shared/snapshot/snapshot-schema";

/**
 * A snapshot file handed to the host, read within the limits before it is
 * held in memory whole: an Automerge backup up to 256 MiB, a JSON snapshot
 * up to 200 MiB (its characters; the reader's own limit). A path is read
 * from this machine; content comes from browser mode's upload.
 */

export type SnapshotSource = { path: string } | { content: string; encoding: "utf8" | "base64" };

export type SnapshotFile = { kind: "automerge"; bytes: Uint8Array; name: string } | { kind: "text"; text: string; name: string };

const MB = 1024 * 1024;
const LIMITS_TEXT = `an Automerge backup can be at most ${AUTOMERGE_LIMITS.fileBytes / MB} MB, a JSON snapshot ${SNAPSHOT_LIMITS.textLength / MB} MB`;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export async function readSnapshotSource(source: SnapshotSource): Promise<Result<SnapshotFile>> {
  return "path" in source ? readPath(source.path) : readContent(source.content, source.encoding);
}

async function readPath(path: string): Promise<Result<SnapshotFile>> {
  if (!isAbsolute(path)) return fail("file.notAbsolute", "Give the snapshot file as an absolute path.", { field: "file" });
  let file;
  try {
    file = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail("file.unreadable", code === "ENOENT" ? `Cannot read ${path}: there is no such file.` : `Cannot read ${path}: ${code ?? String(error)}.`, {
      field: "file",
    });
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile()) return fail("file.notAFile", `${path} is not a file.`, { field: "file" });
    if (stats.size > AUTOMERGE_LIMITS.fileBytes)
      return fail("file.tooLarge", `${path} is ${Math.round(stats.size / MB)} MB; ${LIMITS_TEXT}.`, { field: "file" });
    const head = new Uint8Array(CONTAINER_MAGIC.length);
    await file.read(head, 0, head.length, 0);
    const automerge = stats.size >= head.length && isAutomergeContainer(head);
    if (!automerge && stats.size > SNAPSHOT_LIMITS.textLength)
      return fail("file.tooLarge", `${path} is ${Math.round(stats.size / MB)} MB; ${LIMITS_TEXT}.`, { field: "file" });
    const bytes = new Uint8Array(await file.readFile());
    // The file may have grown between stat and read; the limit holds for what was read.
    if (bytes.length > (automerge ? AUTOMERGE_LIMITS.fileBytes : SNAPSHOT_LIMITS.textLength))
      return fail("file.tooLarge", `${path} grew while it was read; ${LIMITS_TEXT}.`, { field: "file" });
    return classify(bytes, path);
  } catch (error) {
    return fail("file.unreadable", `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, { field: "file" });
  } finally {
    await file.close();
  }
}

function readContent(content: string, encoding: "utf8" | "base64"): Result<SnapshotFile> {
  const name = "The uploaded file";
  if (encoding === "utf8") {
    if (content.length > SNAPSHOT_LIMITS.textLength) return fail("file.tooLarge", `${name} is too large; ${LIMITS_TEXT}.`, { field: "file" });
    return ok({ kind: "text", text: content, name });
  }
  // The decoded size follows from the length, so the limit is checked before anything is decoded.
  if (Math.floor((content.length * 3) / 4) > AUTOMERGE_LIMITS.fileBytes + 2)
    return fail("file.tooLarge", `${name} is too large; ${LIMITS_TEXT}.`, { field: "file" });
  if (content.length % 4 !== 0 || !BASE64.test(content))
    return fail("file.badBase64", `${name} did not arrive intact: its content is not valid base64.`, { field: "file" });
  const bytes = new Uint8Array(Buffer.from(content, "base64"));
  if (!isAutomergeContainer(bytes) && bytes.length > SNAPSHOT_LIMITS.textLength)
    return fail("file.tooLarge", `${name} is too large; ${LIMITS_TEXT}.`, { field: "file" });
  return classify(bytes, name);
}

function classify(bytes: Uint8Array, name: string): Result<SnapshotFile> {
  if (isAutomergeContainer(bytes)) return ok({ kind: "automerge", bytes, name });
  try {
    return ok({ kind: "text", text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), name });
  } catch {
    return fail("file.notASnapshot", `${name} is neither a Commune backup nor a text file: it is not a Commune snapshot.`, { field: "file" });
  }
}
