import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { HostMessage } from "../shared/link/protocol";
import { lockPath, readLock } from "../host/store/data-lock";
import { Host } from "../host/host";
import { contentSecurityPolicy } from "../shared/link/content-security-policy";
import { startBrowserServer, type BrowserServer } from "./server";
import { noRelays } from "../host/testing/host-harness";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A stand-in for the built renderer: a page whose script opens the link and shows the member's name. */
async function rendererDir() {
  const base = await tempDir("commune-renderer-");
  await writeFile(join(base, "secret.txt"), "not for the browser\n");
  const dir = join(base, "renderer");
  await mkdir(dir);
  await writeFile(
    join(dir, "index.html"),
    `<!doctype html><html><head><title>Commune</title><link rel="stylesheet" href="./style.css"></head><body>
<p id="inline">inline scripts stay off</p><p id="name">connecting</p>
<script>document.getElementById("inline").textContent = "inline script ran";</script>
<script type="module" src="./assets/app.js"></script></body></html>`,
  );
  await mkdir(join(dir, "assets"));
  await writeFile(
    join(dir, "assets", "app.js"),
    `const token = new URLSearchParams(location.hash.slice(1)).get("token");
const socket = new WebSocket("ws://" + location.host + "/link?token=" + encodeURIComponent(token));
socket.onopen = () => socket.send(JSON.stringify({ type: "command", id: 1, name: "identity.show", input: {} }));
socket.onmessage = (event) => { document.getElementById("name").textContent = "name: " + JSON.parse(event.data).outcome.value.name; };
`,
  );
  await writeFile(join(dir, "style.css"), "body { font-family: sans-serif; }\n");
  await writeFile(join(dir, ".env"), "SECRET=1\n");
  await symlink(join(base, "secret.txt"), join(dir, "linked.txt"));
  return dir;
}

/** A real Host whose commands are counted, served in browser mode. */
async function serve(): Promise<{ server: BrowserServer; host: Host; ran: string[] }> {
  const host = await Host.open({ dataDir: await tempDir("commune-serve-"), links: noRelays });
  cleanups.push(() => host.close());
  await host.run("identity.rename", { name: "Ada" });
  const ran: string[] = [];
  const real = host.run.bind(host);
  host.run = (name, input, options) => {
    ran.push(String(name));
    return real(name, input, options);
  };
  const server = await startBrowserServer({ host, rendererDir: await rendererDir() });
  cleanups.push(() => server.close());
  return { server, host, ran };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP GET with the path sent exactly as given (fetch would normalise "/../"). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

type Attempt = { open: WebSocket } | { status: number };

function connect(url: string, headers: { origin?: string; host?: string } = {}): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ...(headers.origin ? { origin: headers.origin } : {}), ...(headers.host ? { headers: { host: headers.host } } : {}) });
    ws.once("open", () => {
      cleanups.push(() => ws.terminate());
      resolve({ open: ws });
    });
    ws.once("unexpected-response", (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    ws.once("error", reject);
  });
}

function ask(ws: WebSocket, message: object): Promise<HostMessage> {
  return new Promise((resolve) => {
    ws.once("message", (data) => resolve(JSON.parse(String(data)) as HostMessage));
    ws.send(JSON.stringify(message));
  });
}

describe("browser mode's server", () => {
  it("links a socket that has the token and comes from its own page, and runs commands for it", async () => {
    const { server, host } = await serve();
    const attempt = await connect(`ws://127.0.0.1:${server.port}/link?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    if (!("open" in attempt)) throw new Error(`refused with ${attempt.status}`);
    const answer = await ask(attempt.open, { type: "command", id: 1, name: "identity.show", input: {} });
    expect(answer).toEqual({ type: "result", id: 1, outcome: { ok: true, value: host.identityView() } });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("answers unreadable frames with a refusal and keeps the socket working", async () => {
    const { server } = await serve();
    const attempt = await connect(`ws://127.0.0.1:${server.port}/link?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    if (!("open" in attempt)) throw new Error(`refused with ${attempt.status}`);
    const refusedBinary = new Promise<HostMessage>((resolve) => attempt.open.once("message", (data) => resolve(JSON.parse(String(data)) as HostMessage)));
    attempt.open.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await refusedBinary).toEqual({ type: "refused", message: "The link carries text messages only." });
    expect(await ask(attempt.open, { type: "command", id: "x" })).toMatchObject({ type: "refused" });
    expect(await ask(attempt.open, { type: "command", id: 2, name: "identity.show", input: {} })).toMatchObject({
      type: "result",
      id: 2,
      outcome: { ok: true },
    });
  });

  it("refuses sockets without the token, with a wrong one, from another origin or host name, and runs nothing for them", async () => {
    const { server, ran } = await serve();
    const own = `http://127.0.0.1:${server.port}`;
    const base = `ws://127.0.0.1:${server.port}`;
    const wrong = `${server.token.slice(0, -1)}${server.token.endsWith("A") ? "B" : "A"}`;
    expect(await connect(`${base}/link`, { origin: own })).toEqual({ status: 401 });
    expect(await connect(`${base}/link?token=`, { origin: own })).toEqual({ status: 401 });
    expect(await connect(`${base}/link?token=${wrong}`, { origin: own })).toEqual({ status: 401 });
    expect(await connect(`${base}/link?token=${server.token}x`, { origin: own })).toEqual({ status: 401 });
    expect(await connect(`${base}/link?token=${server.token}`, { origin: "http://evil.example" })).toEqual({ status: 403 });
    expect(await connect(`${base}/link?token=${server.token}`, { origin: `http://localhost:${server.port}` })).toEqual({ status: 403 });
    expect(await connect(`${base}/link?token=${server.token}`)).toEqual({ status: 403 });
    expect(await connect(`${base}/link?token=${server.token}`, { origin: own, host: `evil.example:${server.port}` })).toEqual({ status: 403 });
    expect(await connect(`${base}/other?token=${server.token}`, { origin: own })).toEqual({ status: 404 });
    expect(ran).toEqual([]);
  });

  it("serves the renderer's files with their content types and a strict CSP", async () => {
    const { server } = await serve();
    const index = await get(server.port, "/");
    expect(index).toMatchObject({ status: 200, headers: { "content-type": "text/html; charset=utf-8", "x-content-type-options": "nosniff" } });
    expect(index.body).toContain("<title>Commune</title>");
    expect(index.headers["content-security-policy"]).toBe(contentSecurityPolicy({ linkSocket: `ws://127.0.0.1:${server.port}` }));
    expect(index.headers["content-security-policy"]).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(index.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(await get(server.port, "/index.html")).toMatchObject({ status: 200 });
    expect(await get(server.port, "/assets/app.js")).toMatchObject({ status: 200, headers: { "content-type": "text/javascript; charset=utf-8" } });
    expect(await get(server.port, "/style.css?v=1")).toMatchObject({ status: 200, headers: { "content-type": "text/css; charset=utf-8" } });
    expect(await get(server.port, "/missing.js")).toMatchObject({ status: 404, headers: { "x-content-type-options": "nosniff" } });
    expect(await get(server.port, "/assets")).toMatchObject({ status: 404 });
    // Every hostile path is in static-files.test.ts; these show the server answers by those rules.
    expect(await get(server.port, "/proposals")).toMatchObject({ status: 404 });
  });

  it("never serves anything outside the renderer's folder", async () => {
    const { server } = await serve();
    // The renderer's folder sits next to secret.txt: each of these names it from inside.
    const attempts = [
      "/../secret.txt",
      "/assets/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E%2Fsecret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/..%5csecret.txt",
      "/.%2e/secret.txt",
      "/%00",
      "/%zz",
      "/C:%5cWindows",
    ];
    for (const path of attempts) {
      const response = await get(server.port, path);
      expect([400, 404], `${path} answered ${response.status}`).toContain(response.status);
      expect(response.body).not.toContain("not for the browser");
    }
    expect(await get(server.port, "/.env")).toMatchObject({ status: 404 });
    expect(await get(server.port, "/linked.txt")).toMatchObject({ status: 404 });
  });

  it("answers only requests addressed to 127.0.0.1 on its port, as a DNS-rebinding page's are not", async () => {
    const { server } = await serve();
    expect(await get(server.port, "/", { host: `rebind.example:${server.port}` })).toMatchObject({ status: 403 });
    expect(await get(server.port, "/", { host: `localhost:${server.port}` })).toMatchObject({ status: 403 });
  });

  it("works in a real browser: the page links to the host under its CSP, and inline scripts stay off", async () => {
    const { server } = await serve();
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
      ],
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByText("name: Ada").waitFor();
    expect(await page.locator("#inline").textContent()).toBe("inline scripts stay off");
  });
});

describe("npm run serve", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("prints the address with its token, serves the link, and on SIGTERM stops cleanly and releases the data directory", async () => {
    const dataDir = await tempDir("commune-serve-main-");
    const renderer = await rendererDir();
    child = spawn(process.execPath, ["--import", "tsx", "serve/main.ts", "--port", "0", "--data", dataDir], {
      cwd: repoRoot,
      env: { ...process.env, COMMUNE_RENDERER_DIR: renderer },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    const url = await new Promise<URL>((resolve, reject) => {
      const look = () => {
        const found = /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+/.exec(stdout);
        if (found) resolve(new URL(found[0]));
      };
      child!.stdout!.on("data", look);
      void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    const lock = await readLock(dataDir);
    expect(lock?.pid).toBe(child.pid);

    const token = new URLSearchParams(url.hash.slice(1)).get("token")!;
    const attempt = await connect(`ws://${url.host}/link?token=${token}`, { origin: url.origin });
    if (!("open" in attempt)) throw new Error(`refused with ${attempt.status}`);
    expect(await ask(attempt.open, { type: "command", id: 1, name: "identity.rename", input: { name: "Bea" } })).toMatchObject({
      type: "result",
      id: 1,
      outcome: { ok: true, value: { name: "Bea" } },
    });
    expect(await ask(attempt.open, { type: "command", id: 2, name: "host.info", input: {} })).toMatchObject({ outcome: { ok: true, value: { dataDir } } });

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("Commune stopped.");
    expect(await readLock(dataDir)).toBeUndefined();
    await expect(stat(lockPath(dataDir))).rejects.toThrow();
    const reopened = await Host.open({ dataDir, links: noRelays });
    cleanups.push(() => reopened.close());
    expect(reopened.identityView().name).toBe("Bea");
  });
});
