import {
  FILE_OPERATIONS,
  HOST_PATH_FIELDS,
  pageCommandInputs,
  parseCommand,
  type CommandError,
  type CommandName,
  type FileCommand,
  type FileOperation,
} from "../commands/commands";

/**
 * What a page may ask over the link, checked before anything runs. A page is
 * treated as possibly compromised (docs/desktop-app.md): it may never name a
 * file on the host's machine, since the host would read or write it as the
 * member (a CSV export over ~/.bashrc). A path field is refused by name, with
 * its own code, so that no schema change can quietly let one through; a file
 * the member chose comes as a grant the link resolves, or as its content.
 */
export type PageCommand =
  | { ok: true; name: CommandName; input: unknown; file?: { command: FileCommand; operation: FileOperation; grant: string } }
  | { ok: false; error: CommandError };

export const NO_PATHS_MESSAGE = "The app cannot name files on this computer; choose the file in the dialog.";

const isFileCommand = (name: CommandName): name is FileCommand => Object.hasOwn(HOST_PATH_FIELDS, name);

export function parsePageCommand(name: unknown, input: unknown): PageCommand {
  if (typeof name === "string" && Object.hasOwn(HOST_PATH_FIELDS, name) && typeof input === "object" && input !== null) {
    const field = HOST_PATH_FIELDS[name as FileCommand];
    if (Object.hasOwn(input, field)) return { ok: false, error: { kind: "rejected", code: "link.noPaths", field, message: NO_PATHS_MESSAGE } };
  }
  const parsed = parseCommand(name, input, pageCommandInputs);
  if (!parsed.ok) return parsed;
  const value = parsed.input as { grant?: unknown };
  if (!isFileCommand(parsed.name) || typeof value.grant !== "string") return parsed;
  return { ...parsed, file: { command: parsed.name, operation: FILE_OPERATIONS[parsed.name], grant: value.grant } };
}

/** The command as the host runs it once the grant is resolved to the chosen file: the grant's place taken by the path field. */
export function withGrantedPath(command: FileCommand, input: unknown, path: string): unknown {
  const { grant: _grant, ...rest } = input as Record<string, unknown>;
  return { ...rest, [HOST_PATH_FIELDS[command]]: path };
}
