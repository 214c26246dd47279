import { randomBytes } from "node:crypto";
import { basename } from "node:path";
import type { ChosenFile } from "../../shared/link/desktop-api";
import { openDialogRequest, saveDialogRequest, type OpenDialogRequest, type SaveDialogRequest } from "./dialog-requests";
import type { GrantRequest } from "./host-supervisor";

/**
 * The save and open dialogs, apart from Electron: the page asks, main shows
 * the native dialog, and the member's choice goes to the host as a one-time
 * grant (host/link/file-grants.ts). The page gets the grant and the file's
 * name to show, never the path, so a compromised page can have the host
 * write or read only a file the member chose, once, for what it was chosen.
 */
export interface FileDialogDeps {
  /** The native save dialog: the chosen path, or undefined when cancelled. */
  showSave(request: SaveDialogRequest): Promise<string | undefined>;
  /** The native open dialog: the chosen path, or undefined when cancelled. */
  showOpen(request: OpenDialogRequest): Promise<string | undefined>;
  /** Hands the host the grant; true once it holds it. */
  grant(request: GrantRequest): Promise<boolean>;
  /** A fresh random grant; 32 bytes from the system's generator unless a test says otherwise. */
  newGrant?(): string;
}

const issueOf = (issues: { message: string }[]) => issues[0]?.message ?? "invalid";

export const randomGrant = (): string => randomBytes(32).toString("base64url");

/** The member's choice as a grant, or undefined when they cancelled. Throws, for the page's invoke to reject, on a malformed request or a host that did not take the grant. */
export async function chooseFile(operation: "save" | "open", raw: unknown, deps: FileDialogDeps): Promise<ChosenFile | undefined> {
  let path: string | undefined;
  if (operation === "save") {
    const request = saveDialogRequest.safeParse(raw);
    if (!request.success) throw new Error(`The save dialog request is invalid: ${issueOf(request.error.issues)}`);
    path = await deps.showSave(request.data);
  } else {
    const request = openDialogRequest.safeParse(raw);
    if (!request.success) throw new Error(`The open dialog request is invalid: ${issueOf(request.error.issues)}`);
    path = await deps.showOpen(request.data);
  }
  if (path === undefined || path === "") return undefined;
  const grant = (deps.newGrant ?? randomGrant)();
  if (!(await deps.grant({ grant, operation, path })))
    throw new Error("Commune's host did not take the chosen file (it is not running, or is restarting); choose the file again in a moment.");
  return { grant, name: basename(path) };
}
