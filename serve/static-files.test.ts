import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathSegments, resolveStatic } from "./static-files";

/**
 * The one set of path rules both front ends serve the renderer by: browser
 * mode (serve/server.ts) and the desktop app's app:// protocol
 * (electron/main/app-files.ts). Every hostile path either mode was ever
 * tested with runs here, against a renderer folder that sits next to a
 * secret file.
 */
let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "commune-static-"));
  await writeFile(join(base, "secret.txt"), "not for the page\n");
  await mkdir(join(base, "etc"));
  await writeFile(join(base, "etc", "passwd.txt"), "root\n");
  root = join(base, "renderer");
  await mkdir(join(root, "assets"), { recursive: true });
  await writeFile(join(root, "index.html"), "<!doctype html><title>Commune</title>");
  await writeFile(join(root, "assets", "index-abc.js"), "export {};\n");
  await writeFile(join(root, "assets", "my font.woff2"), "font");
  await writeFile(join(root, "notes.exe"), "MZ");
  await writeFile(join(root, ".env"), "SECRET=1\n");
  await symlink(join(base, "secret.txt"), join(root, "linked.txt"));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe("the renderer's files, as both modes serve them", () => {
  it("serves the page at / and its assets by their path, decoded", async () => {
    expect(await resolveStatic(root, "/")).toMatchObject({ ok: true, file: join(root, "index.html"), type: "text/html; charset=utf-8" });
    expect(await resolveStatic(root, "/index.html")).toMatchObject({ ok: true, file: join(root, "index.html") });
    expect(await resolveStatic(root, "/assets/index-abc.js")).toMatchObject({
      ok: true,
      file: join(root, "assets", "index-abc.js"),
      type: "text/javascript; charset=utf-8",
    });
    expect(await resolveStatic(root, "/assets/my%20font.woff2")).toMatchObject({ ok: true, file: join(root, "assets", "my font.woff2"), type: "font/woff2" });
    expect(await resolveStatic(root, "//assets//index-abc.js")).toMatchObject({ ok: true, file: join(root, "assets", "index-abc.js") });
  });

  it("has no path that stands for the page other than / (the page routes by its fragment)", async () => {
    expect(await resolveStatic(root, "/proposals")).toEqual({ ok: false, status: 404 });
    expect(await resolveStatic(root, "/assets")).toEqual({ ok: false, status: 404 });
  });

  it.each([
    "/../secret.txt",
    "/../../etc/passwd.txt",
    "/assets/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2e%2e/%2e%2e/etc/passwd.txt",
    "/%2E%2E%2Fsecret.txt",
    "/assets/..%2f..%2fsecret.txt",
    "/assets/..%2f..%2f..%2fsecret.js",
    "/..%5csecret.txt",
    "/assets/..%5c..%5csecret.js",
    "/.%2e/secret.txt",
    "/%00",
    "/a%00.js",
    "/%zz",
    "/%E0%A4%A.js",
    "/C:%5cWindows",
    "/c:/secret.txt",
    "relative/index.html",
  ])("refuses %s as a path that could leave the folder", async (path) => {
    expect(await resolveStatic(root, path)).toEqual({ ok: false, status: 400 });
  });

  it("does not serve hidden files, links out of the folder, missing files or types a build does not hold", async () => {
    expect(await resolveStatic(root, "/.env")).toEqual({ ok: false, status: 404 });
    expect(await resolveStatic(root, "/assets/.hidden/x.js")).toEqual({ ok: false, status: 404 });
    expect(await resolveStatic(root, "/linked.txt")).toEqual({ ok: false, status: 404 });
    expect(await resolveStatic(root, "/assets/gone.js")).toEqual({ ok: false, status: 404 });
    expect(await resolveStatic(root, "/notes.exe")).toEqual({ ok: false, status: 404 });
  });

  it("reads the path segment by segment, before anything touches the disk", () => {
    expect(pathSegments("/assets/my%20font.woff2")).toEqual({ ok: true, segments: ["assets", "my font.woff2"] });
    expect(pathSegments("/")).toEqual({ ok: true, segments: [] });
    expect(pathSegments("/a%2Fb")).toEqual({ ok: false, status: 400 });
    expect(pathSegments("/.git/config")).toEqual({ ok: false, status: 404 });
  });
});
