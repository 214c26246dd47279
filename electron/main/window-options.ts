import type { BrowserWindowConstructorOptions, WebPreferences } from "electron";

/**
 * The one window's security settings, kept apart from main.ts so a test can
 * pin every one of them. The renderer is an ordinary web page that talks to
 * the host only through the preload's `window.commune`; it gets no Node, no
 * Electron, and nothing a compromised page could use to reach the machine.
 */
export function secureWebPreferences(preload: string, devTools = false): WebPreferences {
  return {
    preload,
    // DevTools let whoever sits at the window run code in the page: only in development (devToolsAllowed).
    devTools,
    // The preload runs in its own JavaScript world; the page cannot touch its objects or Electron's.
    contextIsolation: true,
    // The renderer runs in Chromium's OS sandbox; the preload gets only a small require (electron, events, timers, url).
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: "",
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

/**
 * Development is a checkout started with COMMUNE_DEVTOOLS=1; a packaged app
 * never is, whatever its environment says. Elsewhere DevTools are neither in
 * the menu nor on a key, and the window refuses to open them.
 */
export function devToolsAllowed(packaged: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return !packaged && env.COMMUNE_DEVTOOLS === "1";
}

export function windowOptions(bounds: WindowBounds, preload: string, devTools = false): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 640,
    minHeight: 480,
    title: "Commune",
    // Shown once the page has painted, so the first frame is the app, not a white rectangle.
    show: false,
    backgroundColor: "#f7f5f0",
    webPreferences: secureWebPreferences(preload, devTools),
  };
}
