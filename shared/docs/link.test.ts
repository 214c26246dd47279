import { describe, expect, it } from "vitest";
import { isRelayUrl, isWebLink, parseWebLink } from "./link";

describe("links in documents", () => {
  it.each([
    "https://example.org",
    "https://example.org/compost?page=2#bins",
    "http://localhost:8080/notes",
    "HTTPS://Example.org/Path",
    "https://[::1]/",
    "https://xn--80ak6aa92e.com/",
  ])("accepts the web link %s", (link) => {
    expect(isWebLink(link)).toBe(true);
  });

  it.each([
    ["javascript:alert(1)", "must start with http:// or https://"],
    ["JaVaScRiPt:alert(1)", "must start with http:// or https://"],
    ["javascript://%0aalert(1)", "must start with http:// or https://"],
    ["java\tscript:alert(1)", "contains spaces, control characters or backslashes"],
    ["data:text/html,<script>alert(1)</script>", "must start with http:// or https://"],
    ["file:///etc/passwd", "must start with http:// or https://"],
    ["\\\\server\\share", "contains spaces, control characters or backslashes"],
    ["//server/share", "is not a valid address"],
    ["https://\\\\evil.example", "contains spaces, control characters or backslashes"],
    [" https://example.org", "contains spaces, control characters or backslashes"],
    ["https://example.org/\n", "contains spaces, control characters or backslashes"],
    ["https://bank.example@evil.example/", "must not contain a user name or password"],
    ["ftp://example.org/", "must start with http:// or https://"],
    ["http://", "is not a valid address"],
    ["example.org", "is not a valid address"],
    ["", "is empty"],
    [`https://example.org/${"a".repeat(2048)}`, "is longer than 2048 characters"],
  ])("refuses the hostile or broken link %j", (link, reason) => {
    expect(parseWebLink(link)).toEqual({ ok: false, error: expect.objectContaining({ message: `The link ${reason}` }) });
  });

  it("refuses anything that is not text", () => {
    for (const value of [undefined, null, 42, ["https://example.org"], { href: "https://example.org" }]) {
      expect(isWebLink(value)).toBe(false);
    }
  });

  it("gives the parser's normal form for a writer to store", () => {
    expect(parseWebLink("HTTPS://Example.org")).toEqual({ ok: true, value: "https://example.org/" });
  });

  it("accepts only ws: and wss: relay addresses", () => {
    expect(isRelayUrl("wss://relay.example.org")).toBe(true);
    expect(isRelayUrl("ws://127.0.0.1:3030")).toBe(true);
    expect(isRelayUrl("https://relay.example.org")).toBe(false);
    expect(isRelayUrl("WsS://relay.example.org")).toBe(true);
    expect(isRelayUrl("wss://user:secret@relay.example.org")).toBe(false);
  });
});
