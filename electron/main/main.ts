/**
 * The desktop app's main process (bundled to dist/electron/main.js): app
 * lifecycle, the one window, the menu, native dialogs and notifications. The
 * member's host runs in a utility process (../utility/host-process.ts); the
 * main process only hands each page a MessagePort to it and keeps one port
 * of its own to watch proposal deadlines.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { app, BrowserWindow, dialog, Menu, MessageChannelMain, Notification, screen, session, shell, utilityProcess, type MessagePortMain } from "electron";
import type { MenuCommand } from "../../shared/link/desktop-api";
import { IPC } from "../preload/ipc-channels";
import { menuTemplate } from "./app-menu";
import { DeadlineWatcher } from "./deadline-watcher";
import { ExternalLinks } from "./external-links";
import { HostClient, type TextChannel } from "./host-client";
import { HostSupervisor, type HostProcessHandle } from "./host-supervisor";
import { registerIpcHandlers } from "./ipc-handlers";
import { denyPermissions, hardenEveryWebContents, registerAppScheme, serveRenderer } from "./security";
import { APP_ENTRY_URL } from "./url-policy";
import { devToolsAllowed, windowOptions } from "./window-options";
import { loadWindowState, placeWindow, saveWindowState, windowStatePath } from "./window-state";

const here = dirname(fileURLToPath(import.meta.url));
const devTools = devToolsAllowed(app.isPackaged, process.env);
const paths = {
  preload: join(here, "preload.cjs"),
  hostProcess: join(here, "host-process.js"),
  renderer: join(here, "..", "renderer"),
};

// These must happen before the app is ready: ESM evaluates this top level first.
app.enableSandbox();
registerAppScheme();
const externalLinks = new ExternalLinks({
  async ask(question) {
    const options = {
      type: "question" as const,
      message: question.message,
      detail: question.detail,
      buttons: ["Open in browser", "Cancel"],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
    };
    const answer = window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
    return answer.response === 0;
  },
  open: (url) => shell.openExternal(url),
});
hardenEveryWebContents(externalLinks);

let window: BrowserWindow | undefined;
let dataDir: string | undefined;
let readyBefore = false;
let pendingSave: Promise<void> = Promise.resolve();
let stopWatching = () => {};
const remindersShown = new Set<string>();

const supervisor = new HostSupervisor<MessagePortMain>(forkHost, {
  onReady(info) {
    dataDir = info.dataDir;
    watchDeadlines();
    // A host that replaces a dead one starts with no links: pages get fresh ones by reloading.
    if (readyBefore) for (const open of BrowserWindow.getAllWindows()) open.webContents.reload();
    readyBefore = true;
  },
  onFatal: (message) => void hostIsGone(message),
});

function forkHost(): HostProcessHandle<MessagePortMain> {
  const child = utilityProcess.fork(paths.hostProcess, [], { serviceName: "Commune host", stdio: "inherit" });
  return {
    send: (message, port) => child.postMessage(message, port ? [port] : []),
    onMessage: (listener) => void child.on("message", listener),
    onExit: (listener) => void child.on("exit", listener),
    kill: () => void child.kill(),
  };
}

async function hostIsGone(message: string): Promise<void> {
  stopWatching();
  const options = {
    type: "error" as const,
    title: "Commune",
    message: "Commune's host is not running",
    detail: message,
    buttons: ["Try again", "Quit"],
    defaultId: 0,
    cancelId: 1,
  };
  const { response } = window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  if (response === 0) supervisor.retry();
  else app.quit();
}

function portText(port: MessagePortMain): TextChannel {
  return {
    send: (text) => port.postMessage(text),
    onMessage(listener) {
      const onMessage = (event: { data: unknown }) => {
        if (typeof event.data === "string") listener(event.data);
      };
      port.on("message", onMessage);
      port.start();
      return () => port.off("message", onMessage);
    },
  };
}

function watchDeadlines(): void {
  stopWatching();
  const { port1, port2 } = new MessageChannelMain();
  if (!supervisor.connect(port1)) return;
  const watcher = new DeadlineWatcher(new HostClient(portText(port2)), { notify: showReminder }, remindersShown);
  stopWatching = () => {
    watcher.close();
    port2.close();
    stopWatching = () => {};
  };
}

function showReminder(reminder: { title: string; body: string }): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: reminder.title, body: reminder.body });
  notification.on("click", () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  notification.show();
}

function sendMenuCommand(command: MenuCommand): void {
  const target = BrowserWindow.getFocusedWindow() ?? window;
  if (target && !target.isDestroyed()) target.webContents.send(IPC.menu, command);
}

async function pageFailed(target: BrowserWindow, message: string): Promise<void> {
  if (target.isDestroyed()) return;
  const { response } = await dialog.showMessageBox(target, {
    type: "error",
    title: "Commune",
    message: "The Commune window stopped working",
    detail: message,
    buttons: ["Reload", "Quit"],
    defaultId: 0,
    cancelId: 1,
  });
  if (response === 0 && !target.isDestroyed()) target.webContents.reload();
  else if (response !== 0) app.quit();
}

function rememberPlace(target: BrowserWindow): void {
  if (target.isDestroyed()) return;
  const state = { ...target.getNormalBounds(), maximized: target.isMaximized() };
  pendingSave = pendingSave.then(() => saveWindowState(windowStatePath(app.getPath("userData")), state)).catch(() => {});
}

async function openWindow(): Promise<void> {
  const statePath = windowStatePath(app.getPath("userData"));
  const place = placeWindow(
    await loadWindowState(statePath),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const { maximized, ...bounds } = place;
  const opened = new BrowserWindow(windowOptions(bounds, paths.preload, devTools));
  window = opened;
  opened.once("ready-to-show", () => {
    if (maximized) opened.maximize();
    opened.show();
  });
  opened.on("close", () => rememberPlace(opened));
  opened.on("closed", () => {
    if (window === opened) window = undefined;
  });
  opened.webContents.on("render-process-gone", (_event, details) => {
    if (details.reason !== "clean-exit") void pageFailed(opened, `The page's process ended (${details.reason}).`);
  });
  opened.webContents.on("did-fail-load", (_event, code, description, url, isMainFrame) => {
    if (isMainFrame) void pageFailed(opened, `Could not load ${url}: ${description} (${code}).`);
  });
  await opened.loadURL(APP_ENTRY_URL).catch(() => {});
}

let quitting: "no" | "stopping" | "done" = "no";
app.on("before-quit", (event) => {
  if (quitting === "done") return;
  event.preventDefault();
  if (quitting === "stopping") return;
  quitting = "stopping";
  stopWatching();
  // Windows close only after this handler lets the quit go on, too late to wait for their save: save now.
  if (window) rememberPlace(window);
  void (async () => {
    await pendingSave;
    await supervisor.stop();
    quitting = "done";
    app.quit();
  })();
});

app.on("window-all-closed", () => {
  if (process.platform !== "darwin") app.quit();
});

app.on("second-instance", () => {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.focus();
});

// One app per machine user: a second would find the data directory locked by the first.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  await app.whenReady();
  if (!existsSync(join(paths.renderer, "index.html"))) {
    dialog.showErrorBox("Commune", `The app's page is missing (${join(paths.renderer, "index.html")}). Build it with "npm run build".`);
    app.exit(1);
  } else {
    serveRenderer(session.defaultSession, paths.renderer);
    denyPermissions(session.defaultSession);
    registerIpcHandlers({ connectToHost: (port) => supervisor.connect(port), grantFile: (request) => supervisor.grant(request), links: externalLinks });
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(
          process.platform,
          {
            menuCommand: sendMenuCommand,
            openDataFolder: () => void (dataDir ? shell.openPath(dataDir) : Promise.resolve()),
          },
          devTools,
        ),
      ),
    );
    supervisor.start();
    await openWindow();
    app.on("activate", () => {
      if (BrowserWindow.getAllWindows().length === 0) void openWindow();
    });
  }
}
