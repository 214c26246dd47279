import { MENU_COMMANDS, type ChosenFile, type DesktopApi, type MenuCommand } from "../../shared/link/desktop-api";
import { IPC } from "./ipc-channels";

/**
 * The DesktopApi the page gets as `window.commune`, built over a few IPC
 * primitives so its behaviour is tested without Electron: messages sent
 * before the host's port arrives wait and go out in order; a page reload
 * gets a fresh port; only strings cross in either direction; nothing of
 * ipcRenderer itself is reachable from the page.
 */
export interface LinkPort {
  postMessage(text: string): void;
  onMessage(listener: (data: unknown) => void): void;
  close(): void;
}

export interface PreloadIpc {
  requestLink(): void;
  onLink(listener: (port: LinkPort) => void): void;
  onMenu(listener: (command: unknown) => void): void;
  invoke(channel: string, request: unknown): Promise<unknown>;
}

const isMenuCommand = (value: unknown): value is MenuCommand => (MENU_COMMANDS as readonly unknown[]).includes(value);

/** Main's answer to a dialog, copied field by field so nothing else it might carry reaches the page. */
function chosenOrUndefined(answer: unknown): ChosenFile | undefined {
  if (typeof answer !== "object" || answer === null) return undefined;
  const { grant, name } = answer as { grant?: unknown; name?: unknown };
  return typeof grant === "string" && typeof name === "string" ? { grant, name } : undefined;
}

function requireFunction(listener: unknown): asserts listener is (...args: never[]) => unknown {
  if (typeof listener !== "function") throw new TypeError("The listener must be a function.");
}

export function createDesktopApi(ipc: PreloadIpc): DesktopApi {
  const messageListeners = new Set<(text: string) => void>();
  const menuListeners = new Set<(command: MenuCommand) => void>();
  const waiting: string[] = [];
  let port: LinkPort | undefined;

  ipc.onLink((next) => {
    port?.close();
    port = next;
    next.onMessage((data) => {
      if (typeof data !== "string") return;
      for (const listener of messageListeners) listener(data);
    });
    for (const text of waiting.splice(0)) next.postMessage(text);
  });
  ipc.onMenu((command) => {
    if (!isMenuCommand(command)) return;
    for (const listener of menuListeners) listener(command);
  });
  ipc.requestLink();

  return Object.freeze({
    platform: "electron" as const,
    send(text: string) {
      if (typeof text !== "string") throw new TypeError("A message to the host must be text.");
      if (port) port.postMessage(text);
      else waiting.push(text);
    },
    onMessage(listener: (text: string) => void) {
      requireFunction(listener);
      messageListeners.add(listener);
      return () => void messageListeners.delete(listener);
    },
    async chooseSaveFile(options: { title: string; defaultName: string; extensions: string[] }) {
      return chosenOrUndefined(await ipc.invoke(IPC.chooseSaveFile, options));
    },
    async chooseOpenFile(options: { title: string; extensions: string[] }) {
      return chosenOrUndefined(await ipc.invoke(IPC.chooseOpenFile, options));
    },
    async openExternal(url: string) {
      await ipc.invoke(IPC.openExternal, url);
    },
    onMenuCommand(listener: (command: MenuCommand) => void) {
      requireFunction(listener);
      menuListeners.add(listener);
      return () => void menuListeners.delete(listener);
    },
  });
}
