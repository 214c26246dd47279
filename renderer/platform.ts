import { MAX_LINK_MESSAGE_BYTES } from "../shared/link/protocol";
import type { CommandResults, PageCommandInput } from "../shared/commands/commands";
import type { ChosenFile, DesktopApi } from "../shared/link/desktop-api";
import { EXPORT_FORMAT_INFO, type ExportFormat } from "../shared/snapshot/export-formats";

/**
 * What differs between the desktop app and browser mode, in one place: the
 * desktop app has the preload's `window.commune` with native file dialogs
 * (main hands the page a one-time grant for the chosen file, never its path,
 * and the host reads or writes the file itself); browser mode downloads and
 * uploads through the page.
 */
declare global {
  interface Window {
    /** Present only in the desktop app, exposed by the preload (shared/link/desktop-api.ts). */
    commune?: DesktopApi;
  }
}

export function desktopApi(): DesktopApi | undefined {
  return window.commune;
}

/** "vine-street-purse-2025-03-01.csv": a file name a person recognises later, with nothing a file system dislikes. */
export function exportFileName(communeName: string, format: ExportFormat, at: number): string {
  const slug =
    communeName
      .normalize("NFKD")
      .replace(/[^A-Za-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .toLowerCase()
      .slice(0, 40) || "commune";
  return `${slug}-${format === "automerge" ? "backup" : "purse"}-${new Date(at).toISOString().slice(0, 10)}.${EXPORT_FORMAT_INFO[format].extension}`;
}

type RunExport = (input: PageCommandInput<"snapshot.export">) => Promise<CommandResults["snapshot.export"] | undefined>;

export type ExportOutcome =
  { done: "saved"; fileName: string; entries: number } | { done: "downloaded"; fileName: string; entries: number } | { done: "cancelled" } | { done: "failed" };

/**
 * Exports the purse: in the desktop app to the file the member picks (the
 * host writes it, through the dialog's grant), in browser mode as a download of what the host returns.
 * A failed command leaves its error in the caller's command state.
 */
export async function exportSnapshot(
  run: RunExport,
  { communeId, communeName, format }: { communeId: string; communeName: string; format: ExportFormat },
): Promise<ExportOutcome> {
  const fileName = exportFileName(communeName, format, Date.now());
  const api = desktopApi();
  if (api) {
    const chosen = await api.chooseSaveFile({
      title: format === "automerge" ? "Save a backup" : "Export the purse",
      defaultName: fileName,
      extensions: [EXPORT_FORMAT_INFO[format].extension],
    });
    if (chosen === undefined) return { done: "cancelled" };
    const result = await run({ commune: communeId, format, grant: chosen.grant });
    return result ? { done: "saved", fileName: chosen.name, entries: result.entries } : { done: "failed" };
  }
  const result = await run({ commune: communeId, format });
  if (!result) return { done: "failed" };
  const body = result.encoding === "base64" ? base64Bytes(result.content) : result.content;
  download(new Blob([body], { type: EXPORT_FORMAT_INFO[format].mediaType }), fileName);
  return { done: "downloaded", fileName, entries: result.entries };
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = "none";
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The click has started the download; the URL is no longer needed once it has.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** In the desktop app: a grant for the snapshot or backup file the member picks, or undefined when they cancel. */
export function chooseSnapshotFile(api: DesktopApi, purpose: "verify" | "import" = "verify"): Promise<ChosenFile | undefined> {
  return purpose === "verify"
    ? api.chooseOpenFile({ title: "Verify a snapshot or backup", extensions: ["json", "automerge"] })
    : api.chooseOpenFile({ title: "Import a backup", extensions: ["automerge"] });
}

/**
 * The largest file an upload can carry: one link message (MAX_LINK_MESSAGE_BYTES)
 * holds the file as base64 (4 characters per 3 bytes) plus the command around
 * it. Larger files (the host takes backups up to 256 MiB) go through the
 * desktop app's file dialog (or the CLI's `commune verify FILE` / `commune import FILE`),
 * where the host reads the file itself.
 */
export const MAX_UPLOAD_BYTES = Math.floor(((MAX_LINK_MESSAGE_BYTES - 64 * 1024) * 3) / 4);

export type UploadedFile = { content: string; encoding: "utf8" | "base64" };

/**
 * In browser mode: an uploaded file as the host's snapshot commands take it.
 * A signed JSON snapshot travels as text; anything that is not UTF-8 text
 * (an Automerge backup) as base64. The host judges what it is.
 */
export async function readUpload(file: File): Promise<{ ok: true; file: UploadedFile } | { ok: false; error: string }> {
  if (file.size > MAX_UPLOAD_BYTES) {
    const limit = Math.floor(MAX_UPLOAD_BYTES / 1048576);
    return {
      ok: false,
      error: `${file.name} is ${Math.round(file.size / 1048576)} MB; in the browser Commune reads files up to ${limit} MB. Open larger ones in the desktop app, which reads backups up to 256 MB.`,
    };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch {
    return { ok: false, error: `${file.name} could not be read.` };
  }
  if (!file.name.toLowerCase().endsWith(".automerge")) {
    try {
      return { ok: true, file: { content: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf8" } };
    } catch {
      // Not text: send the bytes as they are.
    }
  }
  return { ok: true, file: { content: await bytesToBase64(file), encoding: "base64" } };
}

/** Base64 through the browser's own encoder (a data: URL), so a 256 MB backup is not built one character at a time. */
function bytesToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(file);
  });
}
