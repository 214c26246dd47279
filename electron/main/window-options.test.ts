import { describe, expect, it } from "vitest";
import { APP_ENTRY_URL, externalUrl, isAppUrl } from "./url-policy";
import { contentSecurityPolicy, CSP_DIRECTIVES } from "../../shared/link/content-security-policy";
import { secureWebPreferences, windowOptions } from "./window-options";

const directives = (policy: string) =>
  new Map(
    policy.split(";").map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

describe("the window's web preferences", () => {
  const prefs = secureWebPreferences("/app/dist/electron/preload.cjs");

  it("isolates the preload from the page and sandboxes the renderer", () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.preload).toBe("/app/dist/electron/preload.cjs");
  });

  it("gives the page, its workers and its subframes no Node", () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it("keeps web security on, insecure content and experimental features off, and no <webview>", () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.enableBlinkFeatures ?? "").toBe("");
    expect(prefs.webviewTag).toBe(false);
  });

  it("is what the window is built with", () => {
    expect(windowOptions({ width: 900, height: 700 }, "/p.cjs").webPreferences).toEqual(secureWebPreferences("/p.cjs"));
  });
});

describe("the content security policy", () => {
  const CONTENT_SECURITY_POLICY = contentSecurityPolicy();
  const policy = directives(CONTENT_SECURITY_POLICY);

  it("allows scripts, styles and connections only from the app itself", () => {
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("script-src")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("img-src")).toEqual(["'self'", "data:"]);
  });

  it("forbids plugins, <base>, being framed and form posts", () => {
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("form-action")).toEqual(["'none'"]);
  });

  it("never allows eval or inline code", () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(eval|inline|hashes)|wasm-unsafe-eval|\*/);
    expect(Object.keys(CSP_DIRECTIVES).length).toBe(policy.size);
  });
});

describe("where links go", () => {
  it.each(["https://example.org/guide?x=1#top", "http://localhost:8080/", "HTTPS://Example.org/"])("opens %s in the system browser", (url) => {
    expect(externalUrl(url)).toBe(new URL(url).href);
  });

  it.each([
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "app://commune/index.html",
    "smb://server/share",
    "\\\\server\\share",
    "https://user:secret@example.org/",
    "https://",
    "not a url",
    "",
    `https://example.org/${"a".repeat(3000)}`,
  ])("refuses %s", (url) => {
    expect(externalUrl(url)).toBeUndefined();
  });

  it("refuses anything that is not a string", () => {
    for (const value of [undefined, null, 42, { href: "https://example.org" }, ["https://example.org"]]) expect(externalUrl(value)).toBeUndefined();
  });

  it("knows the app's own pages from look-alikes", () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl("APP://COMMUNE/index.html")).toBe(true);
    expect(isAppUrl("app://commune.evil/index.html")).toBe(false);
    expect(isAppUrl("app://other/index.html")).toBe(false);
    expect(isAppUrl("https://commune/index.html")).toBe(false);
    expect(isAppUrl("file:///app/dist/renderer/index.html")).toBe(false);
  });
});
