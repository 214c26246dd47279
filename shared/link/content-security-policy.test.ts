import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, CSP_DIRECTIVES } from "./content-security-policy";

const directives = (policy: string) => new Map(policy.split("; ").map((part) => [part.split(" ")[0]!, part.split(" ").slice(1)]));

describe("the page's content security policy", () => {
  it("differs between the modes only in where the page may connect", () => {
    const desktop = directives(contentSecurityPolicy());
    const browser = directives(contentSecurityPolicy({ linkSocket: "ws://127.0.0.1:4321" }));
    expect(desktop.get("connect-src")).toEqual(["'self'"]);
    expect(browser.get("connect-src")).toEqual(["'self'", "ws://127.0.0.1:4321"]);
    desktop.delete("connect-src");
    browser.delete("connect-src");
    expect(browser).toEqual(desktop);
  });

  it("names every directive once, in both modes", () => {
    expect(directives(contentSecurityPolicy()).size).toBe(Object.keys(CSP_DIRECTIVES).length);
    expect(directives(contentSecurityPolicy({ linkSocket: "ws://127.0.0.1:1" })).size).toBe(Object.keys(CSP_DIRECTIVES).length);
  });

  it("never allows eval, inline code or any source", () => {
    for (const policy of [contentSecurityPolicy(), contentSecurityPolicy({ linkSocket: "ws://127.0.0.1:1" })]) {
      expect(policy).not.toMatch(/unsafe-(eval|inline|hashes)|wasm-unsafe-eval|\*/);
    }
  });
});
