import { join } from "node:path";
import { app, BrowserWindow, dialog, ipcMain, MessageChannelMain, type IpcMainEvent, type IpcMainInvokeEvent, type MessagePortMain } from "electron";
import { IPC } from "../preload/ipc-channels";
import { dialogFilters } from "./dialog-requests";
import { chooseFile } from "./file-dialogs";
import type { GrantRequest } from "./host-supervisor";
import { isTrustedSender } from "./ipc-senders";
import type { ExternalLinks } from "./external-links";

/**
 * The main process's IPC surface, all of it: a page asks for its link to the
 * host, for the native save and open dialogs, and to open a link in the
 * system browser. Each handler first checks that the sender is the top frame
 * of one of our windows showing the app's page, then parses what it was sent.
 * A dialog answers with a one-time grant for the chosen file, never its path
 * (file-dialogs.ts).
 */
export interface IpcDeps {
  /** Hands one end of a new link to the host; false when no host is running. */
  connectToHost(port: MessagePortMain): boolean;
  /** Hands the host a grant for a file the member chose; true once the host holds it. */
  grantFile(request: GrantRequest): Promise<boolean>;
  /** Asks the member, showing the link's host, before the system browser opens it. */
  links: ExternalLinks;
}

function senderWindow(event: IpcMainEvent | IpcMainInvokeEvent): BrowserWindow | undefined {
  const window = BrowserWindow.fromWebContents(event.sender);
  if (!window || window.isDestroyed()) return undefined;
  return isTrustedSender(event.senderFrame, [window.webContents.mainFrame]) ? window : undefined;
}

function trustedWindow(event: IpcMainInvokeEvent): BrowserWindow {
  const window = senderWindow(event);
  if (!window) throw new Error("This request did not come from Commune's own page.");
  return window;
}

export function registerIpcHandlers(deps: IpcDeps): void {
  ipcMain.on(IPC.linkRequest, (event) => {
    const frame = event.senderFrame;
    if (!senderWindow(event) || !frame) return;
    const { port1, port2 } = new MessageChannelMain();
    if (!deps.connectToHost(port1)) {
      port1.close();
      port2.close();
      return;
    }
    frame.postMessage(IPC.link, null, [port2]);
  });

  ipcMain.handle(IPC.chooseSaveFile, async (event, raw: unknown) => {
    const window = trustedWindow(event);
    return chooseFile("save", raw, {
      showSave: async ({ title, defaultName, extensions }) => {
        const result = await dialog.showSaveDialog(window, {
          title,
          defaultPath: join(app.getPath("documents"), defaultName),
          filters: dialogFilters(extensions),
        });
        return result.canceled ? undefined : result.filePath;
      },
      showOpen: () => Promise.resolve(undefined),
      grant: deps.grantFile,
    });
  });

  ipcMain.handle(IPC.chooseOpenFile, async (event, raw: unknown) => {
    const window = trustedWindow(event);
    return chooseFile("open", raw, {
      showSave: () => Promise.resolve(undefined),
      showOpen: async ({ title, extensions }) => {
        const result = await dialog.showOpenDialog(window, { title, properties: ["openFile"], filters: dialogFilters(extensions) });
        return result.canceled ? undefined : result.filePaths[0];
      },
      grant: deps.grantFile,
    });
  });

  ipcMain.handle(IPC.openExternal, async (event, raw: unknown) => {
    trustedWindow(event);
    if ((await deps.links.request(raw)) === "refused") throw new Error("Only http and https links open outside Commune.");
  });
}
