import type { MenuItemConstructorOptions } from "electron";
import type { MenuCommand } from "../../shared/link/desktop-api";

/**
 * The application menu: the platform's usual roles, plus the app's own
 * File > Export purse… and Import snapshot…, which ask the page to start
 * those flows (the page knows which commune is open; the menu does not).
 */
export interface MenuActions {
  menuCommand(command: MenuCommand): void;
  openDataFolder(): void;
}

/** `devTools` adds View > Toggle Developer Tools (and its key): only in development (window-options.ts, devToolsAllowed). */
export function menuTemplate(platform: NodeJS.Platform, actions: MenuActions, devTools = false): MenuItemConstructorOptions[] {
  const mac = platform === "darwin";
  const appMenu: MenuItemConstructorOptions[] = mac ? [{ role: "appMenu" }] : [];
  return [
    ...appMenu,
    {
      label: "File",
      submenu: [
        { label: "Export purse…", accelerator: "CmdOrCtrl+E", click: () => actions.menuCommand("export-purse") },
        { label: "Import snapshot…", accelerator: "CmdOrCtrl+O", click: () => actions.menuCommand("import-snapshot") },
        { type: "separator" },
        mac ? { role: "close" } : { role: "quit" },
      ],
    },
    { role: "editMenu" },
    {
      label: "View",
      submenu: [
        { role: "reload" },
        ...(devTools ? [{ role: "toggleDevTools" } as const] : []),
        { type: "separator" },
        { role: "resetZoom" },
        { role: "zoomIn" },
        { role: "zoomOut" },
        { type: "separator" },
        { role: "togglefullscreen" },
      ],
    },
    { role: "windowMenu" },
    {
      role: "help",
      submenu: [{ label: "Open data folder", click: () => actions.openDataFolder() }, ...(mac ? [] : [{ role: "about" } as const])],
    },
  ];
}
