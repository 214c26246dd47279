import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { appFilePath, appResponse } from "./app-files";
import { CONTENT_SECURITY_POLICY } from "./window-options";

const root = resolve("/srv/commune/dist/renderer");

describe("the app:// protocol", () => {
  it("serves the page and its assets from the renderer folder", () => {
    expect(appFilePath(root, "app://commune/")).toBe(join(root, "index.html"));
    expect(appFilePath(root, "app://commune/index.html")).toBe(join(root, "index.html"));
    expect(appFilePath(root, "app://commune/assets/index-abc.js?v=1#x")).toBe(join(root, "assets", "index-abc.js"));
    expect(appFilePath(root, "app://commune/assets/my%20font.woff2")).toBe(join(root, "assets", "my font.woff2"));
  });

  it("answers a route of the page with the page", () => {
    expect(appFilePath(root, "app://commune/proposals")).toBe(join(root, "index.html"));
  });

  it.each([
    "app://commune/../../etc/passwd.txt",
    "app://commune/%2e%2e/%2e%2e/etc/passwd.txt",
    "app://commune/assets/..%2f..%2f..%2fsecret.js",
    "app://commune/assets/..%5c..%5csecret.js",
    "app://commune/a%00.js",
    "app://commune/%E0%A4%A.js",
    "app://other/index.html",
    "file:///etc/passwd",
    "https://commune/index.html",
    "not a url",
  ])("serves nothing outside the renderer folder for %s", (url) => {
    const path = appFilePath(root, url);
    expect(path === undefined || path.startsWith(join(root, "/"))).toBe(true);
  });

  it("refuses what cannot name a file inside the folder", () => {
    for (const url of ["app://commune/a%00.js", "app://commune/%E0%A4%A.js", "app://commune/assets/..%5csecret.js", "app://other/index.html", "file:///etc/passwd", "not a url"]) {
      expect(appFilePath(root, url)).toBeUndefined();
    }
  });

  it("sends the CSP and nosniff with every answer, found or not", async () => {
    const read = async () => new TextEncoder().encode("<!doctype html>");
    const page = await appResponse(root, "app://commune/index.html", read);
    expect(page.status).toBe(200);
    expect(page.headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["Content-Security-Policy"]).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers["X-Content-Type-Options"]).toBe("nosniff");

    const missing = await appResponse(root, "app://commune/assets/gone.js", async () => {
      throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
    });
    expect(missing.status).toBe(404);
    expect(missing.headers["Content-Security-Policy"]).toBe(CONTENT_SECURITY_POLICY);
  });

  it("does not serve file types it has no content type for", async () => {
    const response = await appResponse(root, "app://commune/notes.exe", async () => new Uint8Array([1]));
    expect(response.status).toBe(404);
  });
});
