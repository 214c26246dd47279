import { app, protocol, type Session } from "electron";
import { appResponse } from "./app-files";
import type { ExternalLinks } from "./external-links";
import { APP_SCHEME } from "./url-policy";

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

/** The window never leaves the app: a link or window.open goes to `links`, which asks the member before the system browser opens an http(s) link. */
export function hardenEveryWebContents(links: ExternalLinks): void {
  app.on("web-contents-created", (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      void links.request(url).catch(() => {});
      return { action: "deny" };
    });
    contents.on("will-navigate", (event, url) => {
      event.preventDefault();
      void links.request(url).catch(() => {});
    });
    contents.on("will-attach-webview", (event) => event.preventDefault());
  });
}
