import { app, protocol, shell, type Session } from "electron";
import { appResponse } from "./app-files";
import { APP_SCHEME, navigationDecision } from "./url-policy";

/**
 * Everything that keeps the page a page: the app:// origin it is served
 * from (with the CSP on every response), no permissions, no navigation away,
 * no new windows, no <webview>. Applied to every webContents the app ever
 * creates, not only the main window, so DevTools or a future window cannot
 * be the gap.
 */

/** Before app ready: app:// behaves like https (standard URL rules, a secure context, fetch). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves dist/renderer under app://commune/, and nothing else. */
export function serveRenderer(target: Session, rendererDir: string): void {
  target.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== "GET") return new Response("Method not allowed", { status: 405 });
    const answer = await appResponse(rendererDir, request.url);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
}

export function denyPermissions(target: Session): void {
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
  target.setDevicePermissionHandler(() => false);
}

async function openOutside(target: string): Promise<void> {
  const decision = navigationDecision(target);
  if (decision.action === "open-external") await shell.openExternal(decision.url);
}

export function hardenEveryWebContents(): void {
  app.on("web-contents-created", (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      void openOutside(url).catch(() => {});
      return { action: "deny" };
    });
    contents.on("will-navigate", (event, url) => {
      event.preventDefault();
      void openOutside(url).catch(() => {});
    });
    contents.on("will-attach-webview", (event) => event.preventDefault());
  });
}
