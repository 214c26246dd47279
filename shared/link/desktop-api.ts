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
  /** Native save dialog; the chosen absolute path, or undefined when cancelled. */
  chooseSavePath(options: { title: string; defaultName: string; extensions: string[] }): Promise<string | undefined>;
  /** Native open dialog; the chosen absolute path, or undefined when cancelled. */
  chooseOpenPath(options: { title: string; extensions: string[] }): Promise<string | undefined>;
  /** Opens an http(s) link in the system browser, after the main process checks it. */
  openExternal(url: string): Promise<void>;
  /** Calls `listener` when the application menu asks the page to start something; returns the function that stops it. */
  onMenuCommand?(listener: (command: MenuCommand) => void): () => void;
}

/** What the application menu asks the page to start (File > Export purse…, File > Import snapshot…). */
export const MENU_COMMANDS = ["export-purse", "import-snapshot"] as const;

export type MenuCommand = (typeof MENU_COMMANDS)[number];
