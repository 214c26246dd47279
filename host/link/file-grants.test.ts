import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FileGrants } from "./file-grants";

const grant = () => randomBytes(32).toString("base64url");
const codeOf = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? "ok" : result.error?.code);

describe("file grants: one file, one use, one operation, a few minutes", () => {
  it("gives the chosen path once for the operation it was granted for", () => {
    const grants = new FileGrants();
    const token = grant();
    expect(grants.add(token, "save", "/home/ada/purse.csv").ok).toBe(true);
    expect(grants.take(token, "save")).toEqual({ ok: true, value: "/home/ada/purse.csv" });
    expect(codeOf(grants.take(token, "save"))).toBe("grant.unknown");
  });

  it("refuses a grant nobody handed out", () => {
    expect(codeOf(new FileGrants().take(grant(), "open"))).toBe("grant.unknown");
  });

  it("refuses a grant used for the other operation, and spends it", () => {
    const grants = new FileGrants();
    const token = grant();
    grants.add(token, "open", "/home/ada/backup.automerge");
    expect(codeOf(grants.take(token, "save"))).toBe("grant.wrongUse");
    expect(codeOf(grants.take(token, "open"))).toBe("grant.unknown");
  });

  it("refuses a grant after its time is up", () => {
    let now = 0;
    const grants = new FileGrants({ now: () => now, ttlMs: 1_000 });
    const token = grant();
    grants.add(token, "save", "/tmp/a");
    now = 999;
    const fresh = grant();
    grants.add(fresh, "save", "/tmp/b");
    expect(codeOf(grants.take(fresh, "save"))).toBe("ok");
    now = 1_000;
    expect(codeOf(grants.take(token, "save"))).toBe("grant.expired");
  });

  it("takes only well-formed, new grants for a real path", () => {
    const grants = new FileGrants();
    const token = grant();
    expect(codeOf(grants.add("short", "save", "/tmp/a"))).toBe("grant.malformed");
    expect(codeOf(grants.add(token, "save", ""))).toBe("grant.badPath");
    expect(codeOf(grants.add(token, "save", "/tmp/a\0b"))).toBe("grant.badPath");
    expect(codeOf(grants.add(token, "save", "/tmp/a"))).toBe("ok");
    expect(codeOf(grants.add(token, "open", "/tmp/b"))).toBe("grant.duplicate");
    expect(grants.take(token, "save")).toEqual({ ok: true, value: "/tmp/a" });
  });

  it("holds a bounded number of grants, dropping the oldest and the expired first", () => {
    let now = 0;
    const grants = new FileGrants({ now: () => now, ttlMs: 100, max: 3 });
    const tokens = Array.from({ length: 5 }, grant);
    for (const token of tokens) grants.add(token, "open", "/tmp/x");
    expect(grants.size).toBe(3);
    expect(codeOf(grants.take(tokens[0]!, "open"))).toBe("grant.unknown");
    expect(codeOf(grants.take(tokens[4]!, "open"))).toBe("ok");
    now = 200;
    grants.add(grant(), "open", "/tmp/y");
    expect(grants.size).toBe(1);
  });
});
