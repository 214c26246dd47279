import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CommandOutcome, CommandName } from "../../shared/commands/commands";
import type { HostMessage } from "../../shared/link/protocol";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";
import { FileGrants } from "./file-grants";
import { serveLink, type HostChannel } from "./serve-link";

/**
 * Issue 15: a compromised page sent `snapshot.export {format: "csv", out:
 * "~/.bashrc"}` over its link and the host overwrote the file; verify and
 * import read any path the same way. These tests are that page: they speak
 * the link protocol and try every way of naming a file.
 */
const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const WAIT = { timeout: 20_000, interval: 5 };
const BASHRC = "# the member's shell setup\nexport PATH=$HOME/bin:$PATH\n";

/** The attacker's end of a link: raw protocol messages in, every answer kept. */
class PageEnd implements HostChannel {
  readonly received: HostMessage[] = [];
  #listeners = new Set<(text: string) => void>();
  #nextId = 1;

  send(text: string): void {
    this.received.push(JSON.parse(text) as HostMessage);
  }
  onMessage(listener: (text: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  onClose(): () => void {
    return () => {};
  }

  async command(name: string, input: unknown): Promise<CommandOutcome<CommandName>> {
    const id = this.#nextId++;
    const text = JSON.stringify({ type: "command", id, name, input });
    for (const listener of this.#listeners) listener(text);
    return vi.waitFor(() => {
      const found = this.received.find((message) => message.type === "result" && message.id === id);
      if (!found || found.type !== "result") throw new Error(`no result ${id} yet`);
      return found.outcome;
    }, WAIT);
  }
}

const dirs: string[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function setUp(grants = new FileGrants()) {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-page-files-"));
  dirs.push(dataDir);
  const host = await Host.open({ dataDir, links: noRelays });
  cleanups.push(() => host.close());
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
  await must(host, "purse.contribute", { commune, amount: "5", currency: "EUR", memo: "$(touch /tmp/pwned)" });
  const page = new PageEnd();
  cleanups.push(serveLink(host, page, { grants }));
  const victim = join(dataDir, "bashrc");
  await writeFile(victim, BASHRC);
  return { host, commune, page, victim, grants, dataDir };
}

const newGrant = () => randomBytes(32).toString("base64url");
const refusal = (outcome: CommandOutcome<CommandName>) => (outcome.ok ? undefined : { kind: outcome.error.kind, code: outcome.error.code });

describe("a page cannot name a file on the host's machine", () => {
  it("refuses an export the page aims at a file, and the file stays byte for byte what it was", async () => {
    const { commune, page, victim } = await setUp();
    const outcome = await page.command("snapshot.export", { commune, format: "csv", out: victim });
    expect(outcome).toEqual({
      ok: false,
      error: { kind: "rejected", code: "link.noPaths", field: "out", message: "The app cannot name files on this computer; choose the file in the dialog." },
    });
    expect(await readFile(victim, "utf8")).toBe(BASHRC);
    expect(page.received.some((message) => message.type === "progress")).toBe(false);
  });

  it("refuses a path however the page dresses it: null, empty, relative, beside a grant or with content", async () => {
    const { commune, page, victim, grants } = await setUp();
    const grant = newGrant();
    expect(grants.add(grant, "save", join(victim, "..", "elsewhere")).ok).toBe(true);
    const tries: [string, unknown][] = [
      ["snapshot.export", { commune, format: "csv", out: null }],
      ["snapshot.export", { commune, format: "csv", out: "" }],
      ["snapshot.export", { commune, format: "json", out: "../../.bashrc" }],
      ["snapshot.export", { commune, format: "csv", out: victim, grant }],
      ["snapshot.verify", { path: victim, content: "x" }],
      ["snapshot.import", { path: victim }],
      ["snapshot.verify", { path: victim }],
    ];
    for (const [name, input] of tries)
      expect(refusal(await page.command(name, input)), JSON.stringify(input)).toEqual({ kind: "rejected", code: "link.noPaths" });
    expect(await readFile(victim, "utf8")).toBe(BASHRC);
    // The grant offered beside a path was never looked at, so it is still good for the member's own save.
    expect(grants.size).toBe(1);
  });

  it("does not read a file the page names for verify or import", async () => {
    const { host, commune, page, dataDir } = await setUp();
    // A real snapshot at a path the page knows: reading it would answer with its summary.
    const exported = await must(host, "snapshot.export", { commune, format: "json" });
    const snapshot = join(dataDir, "riverside.json");
    await writeFile(snapshot, exported.content);
    for (const name of ["snapshot.verify", "snapshot.import"]) {
      const outcome = await page.command(name, { path: snapshot });
      expect(outcome.ok ? outcome.value : outcome.error).toMatchObject({ code: "link.noPaths", field: "path" });
    }
  });

  it("refuses a grant the page made up, and one that is not a grant at all", async () => {
    const { commune, page, victim } = await setUp();
    expect(refusal(await page.command("snapshot.export", { commune, format: "csv", grant: newGrant() }))).toEqual({ kind: "rejected", code: "grant.unknown" });
    expect(refusal(await page.command("snapshot.verify", { grant: newGrant() }))).toEqual({ kind: "rejected", code: "grant.unknown" });
    expect(refusal(await page.command("snapshot.export", { commune, format: "csv", grant: victim }))).toEqual({ kind: "invalid-input", code: "input.invalid" });
    expect(await readFile(victim, "utf8")).toBe(BASHRC);
  });

  it("writes the file the member chose once, and refuses the same grant a second time", async () => {
    const { commune, page, victim, grants } = await setUp();
    const grant = newGrant();
    expect(grants.add(grant, "save", victim).ok).toBe(true);
    const saved = await page.command("snapshot.export", { commune, format: "csv", grant });
    expect(saved.ok).toBe(true);
    // The page learns what was written, not where.
    expect(saved.ok && Object.keys(saved.value as object)).not.toContain("out");
    const written = await readFile(victim, "utf8");
    expect(written).toContain("$(touch /tmp/pwned)");

    await writeFile(victim, BASHRC);
    expect(refusal(await page.command("snapshot.export", { commune, format: "json", grant }))).toEqual({ kind: "rejected", code: "grant.unknown" });
    expect(await readFile(victim, "utf8")).toBe(BASHRC);
  });

  it("refuses an expired grant and a grant chosen to be read when used to write, touching nothing", async () => {
    let now = 1_000_000;
    const { commune, page, victim, grants } = await setUp(new FileGrants({ now: () => now, ttlMs: 60_000 }));
    const late = newGrant();
    grants.add(late, "save", victim);
    now += 60_001;
    expect(refusal(await page.command("snapshot.export", { commune, format: "csv", grant: late }))).toEqual({ kind: "rejected", code: "grant.expired" });

    const opened = newGrant();
    grants.add(opened, "open", victim);
    expect(refusal(await page.command("snapshot.export", { commune, format: "csv", grant: opened }))).toEqual({ kind: "rejected", code: "grant.wrongUse" });
    expect(await readFile(victim, "utf8")).toBe(BASHRC);
    // A misused grant is spent: it cannot be tried again for what it was meant for.
    expect(refusal(await page.command("snapshot.verify", { grant: opened }))).toEqual({ kind: "rejected", code: "grant.unknown" });
  });

  it("reads the file the member chose to open, through its grant", async () => {
    const { host, commune, page, dataDir, grants } = await setUp();
    const exported = await must(host, "snapshot.export", { commune, format: "json" });
    const snapshot = join(dataDir, "riverside.json");
    await writeFile(snapshot, exported.content);
    const grant = newGrant();
    grants.add(grant, "open", snapshot);
    const verified = await page.command("snapshot.verify", { grant });
    expect(verified).toMatchObject({ ok: true, value: { name: "Riverside", entries: 1, format: "json" } });
  });

  it("still takes uploads and gives downloads, as browser mode uses them", async () => {
    const { commune, page } = await setUp();
    const download = await page.command("snapshot.export", { commune, format: "json" });
    expect(download.ok).toBe(true);
    const content = download.ok ? (download.value as { content: string }).content : "";
    expect(await page.command("snapshot.verify", { content, encoding: "utf8" })).toMatchObject({ ok: true, value: { name: "Riverside" } });
  });

  it("leaves paths to the CLI, which runs commands in its own process or over the control server, not the link", async () => {
    const { host, commune, dataDir } = await setUp();
    const out = join(dataDir, "from-the-shell.csv");
    expect(await must(host, "snapshot.export", { commune, format: "csv", out })).toMatchObject({ out, content: "" });
    expect(await readFile(out, "utf8")).toContain("contribution,Ada,purse,5.00,EUR");
  });
});
