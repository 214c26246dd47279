/**
 * What the desktop app's preload script exposes to the renderer as
 * `window.commune` (contextBridge), and nothing more: a text channel to the
 * host (the protocol of ./protocol.ts) and the native things a browser page
 * cannot do itself. In browser mode `window.commune` is absent and the
 * renderer uses a WebSocket and the browser's own download/upload instead.
 */
export interface DesktopApi {
  readonly platform: "electron";
  /** Sends one protocol message (JSON text) to the host. */
  send(text: string): void;
  /** Calls `listener` with every message from the host; returns the function that stops it. */
  onMessage(listener: (text: string) => void): () => void;
  /** Native save dialog; a one-time grant for the chosen file (the page never learns its path), or undefined when cancelled. */
  chooseSaveFile(options: { title: string; defaultName: string; extensions: string[] }): Promise<ChosenFile | undefined>;
  /** Native open dialog; a one-time grant for the chosen file, or undefined when cancelled. */
  chooseOpenFile(options: { title: string; extensions: string[] }): Promise<ChosenFile | undefined>;
  /** Opens an http(s) link in the system browser, after the main process checks it. */
  openExternal(url: string): Promise<void>;
  /** Calls `listener` when the application menu asks the page to start something; returns the function that stops it. */
  onMenuCommand?(listener: (command: MenuCommand) => void): () => void;
}

/**
 * A file the member chose in a native dialog, as the page holds it: `grant`
 * goes into the command in place of a path (shared/commands/commands.ts,
 * pageCommandInputs), good once, for what the dialog was for, for a few
 * minutes; `name` is the file's name without its folder, to show.
 */
export interface ChosenFile {
  grant: string;
  name: string;
}

/** What the application menu asks the page to start (File > Export purse…, File > Import snapshot…). */
export const MENU_COMMANDS = ["export-purse", "import-snapshot"] as const;

export type MenuCommand = (typeof MENU_COMMANDS)[number];
