import fc from "fast-check";
import { cp, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CommandName, CommandResults } from "../../shared/commands/commands";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "commune-snapshot-"));
  dirs.push(dir);
  return dir;
}

async function openHost(dataDir: string): Promise<Host> {
  const host = await Host.open({ dataDir, links: noRelays });
  hosts.push(host);
  return host;
}

async function closeHost(host: Host): Promise<void> {
  hosts.splice(hosts.indexOf(host), 1);
  await host.close();
}

async function refused(host: Host, name: CommandName, input: unknown): Promise<string> {
  const outcome = await host.run(name, input);
  if (outcome.ok) throw new Error(`${name} was accepted`);
  return outcome.error.message;
}

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

/** What a member could see change: the balances, and every document's heads. */
async function observed(host: Host, commune: string) {
  const view = await must(host, "commune.show", { commune });
  const node = host.nodes.get(commune)!;
  return { balances: view.balances, heads: node.docs.allHandles().map((handle) => [handle.url, handle.heads()]) };
}

/** Ada founds Riverside; a copy of her data directory is taken (her "old machine"), then she records three entries. */
async function riverside() {
  const adaDir = await tempDir();
  let ada = await openHost(adaDir);
  await must(ada, "identity.rename", { name: "Ada" });
  const { commune } = await must(ada, "commune.create", { name: "Riverside", currencies: [EUR], rules: { spendLimit: { EUR: "50.00" } } });
  await closeHost(ada);
  const oldCopy = await tempDir();
  await cp(adaDir, oldCopy, { recursive: true });
  ada = await openHost(adaDir);
  await must(ada, "purse.contribute", { commune, amount: "100", currency: "EUR", memo: "=1+1" });
  await must(ada, "purse.contribute", { commune, amount: "5.50", currency: "EUR" });
  await must(ada, "purse.disburse", { commune, amount: "20", currency: "EUR", payee: { outside: "Bakery" } });
  return { ada, commune, oldCopy };
}

describe("exporting a purse as text", () => {
  it("reports each step of a json, csv or journal export, so the app can show how far it has got", async () => {
    const { ada, commune } = await riverside();
    for (const format of ["json", "csv", "journal"] as const) {
      const seen: { done: number; total?: number; label: string }[] = [];
      const exported = await ada.run("snapshot.export", { commune, format }, { onProgress: (p) => seen.push(p) });
      expect(exported.ok).toBe(true);
      expect(seen.map((p) => p.done)).toEqual([0, 1, 2]);
      expect(seen.every((p) => p.total === 3 && p.label.length > 0)).toBe(true);
    }
  });
});

describe("Automerge backups from the host", () => {
  it("exports a backup that verifies, and restores it into an older copy of the commune with identical balances", async () => {
    const { ada, commune, oldCopy } = await riverside();
    const steps: string[] = [];
    const exported = await ada.run("snapshot.export", { commune, format: "automerge" }, { onProgress: (p) => steps.push(p.label) });
    if (!exported.ok) throw new Error(exported.error.message);
    const backup = exported.value as CommandResults["snapshot.export"];
    expect(backup).toMatchObject({ format: "automerge", encoding: "base64", entries: 3 });
    expect(steps).toContain("Saving documents");

    const verified = await must(ada, "snapshot.verify", { content: backup.content, encoding: "base64" });
    expect(verified).toMatchObject({ format: "automerge", name: "Riverside", exporter: "Ada", entries: 3, purse: { EUR: 8550 } });

    const restored = await openHost(oldCopy);
    expect((await must(restored, "commune.show", { commune })).balances.purse).toEqual({ EUR: 0 });
    const imported = await must(restored, "snapshot.import", { content: backup.content, encoding: "base64" });
    expect(imported).toMatchObject({ name: "Riverside", exporter: "Ada", documents: 4, updated: 1, added: 1, entriesBefore: 0, entriesAfter: 3 });
    expect((await observed(restored, commune)).balances).toEqual((await observed(ada, commune)).balances);

    // Everything survives a restart of the restored host: it was stored, not only merged in memory.
    await closeHost(restored);
    const reopened = await openHost(oldCopy);
    await reopened.nodes.get(commune)!.whenLoaded();
    expect((await observed(reopened, commune)).balances).toEqual((await observed(ada, commune)).balances);
    expect(await must(reopened, "snapshot.import", { content: backup.content, encoding: "base64" })).toMatchObject({
      updated: 0,
      added: 0,
      entriesBefore: 3,
      entriesAfter: 3,
    });
  });

  it("writes the backup to a file, verifies and imports it from the path", async () => {
    const { ada, commune, oldCopy } = await riverside();
    const out = join(await tempDir(), "riverside.commune");
    expect(await must(ada, "snapshot.export", { commune, format: "automerge", out })).toMatchObject({ content: "", encoding: "base64", out, entries: 3 });
    expect(await must(ada, "snapshot.verify", { path: out })).toMatchObject({ format: "automerge", entries: 3 });
    const restored = await openHost(oldCopy);
    expect(await must(restored, "snapshot.import", { path: out })).toMatchObject({ entriesAfter: 3 });
  });

  it("refuses to import into a member of another commune, and changes nothing there", async () => {
    const { ada, commune } = await riverside();
    const backup = await must(ada, "snapshot.export", { commune, format: "automerge" });
    const cy = await openHost(await tempDir());
    await must(cy, "identity.rename", { name: "Cy" });
    const { commune: hillside } = await must(cy, "commune.create", { name: "Hillside", currencies: [EUR] });
    await must(cy, "purse.contribute", { commune: hillside, amount: "7", currency: "EUR" });
    const before = await observed(cy, hillside);
    expect(await refused(cy, "snapshot.import", { content: backup.content, encoding: "base64" })).toBe(
      `This backup is of Riverside (id ${commune}), a commune you do not belong to on this machine. Import merges a backup only into your own copy of the same commune. Nothing was imported.`,
    );
    expect(await observed(cy, hillside)).toEqual(before);
    expect(cy.nodes.has(commune)).toBe(false);
  });

  it("refuses a JSON snapshot, a CSV file and an --as-of backup, saying what each is", async () => {
    const { ada, commune } = await riverside();
    const json = await must(ada, "snapshot.export", { commune, format: "json" });
    expect(await must(ada, "snapshot.verify", { content: json.content })).toMatchObject({ format: "json", entries: 3 });
    expect(await refused(ada, "snapshot.import", { content: json.content })).toBe(
      'The uploaded file is a JSON snapshot: it can be verified (commune verify) but not imported. Import takes a backup made with "commune export --format automerge". Nothing was imported.',
    );
    const csv = await must(ada, "snapshot.export", { commune, format: "csv" });
    expect(await refused(ada, "snapshot.import", { content: csv.content })).toMatch(
      /^The uploaded file is text \(CSV or a journal, perhaps\), not an Automerge backup\./,
    );
    expect(await refused(ada, "snapshot.export", { commune, format: "automerge", asOf: 0 })).toMatch(/^An Automerge backup holds the whole history/);
    expect(await refused(ada, "snapshot.verify", { content: "!!!", encoding: "base64" })).toBe(
      "The uploaded file did not arrive intact: its content is not valid base64.",
    );
  });

  it("refuses files over the size limits before reading them", async () => {
    const { ada } = await riverside();
    const dir = await tempDir();
    const sparse = async (name: string, size: number, head = new Uint8Array()) => {
      const path = join(dir, name);
      const file = await open(path, "w");
      await file.write(head, 0, head.length, 0);
      await file.truncate(size);
      await file.close();
      return path;
    };
    const huge = await sparse("huge.commune", 300 * 1024 * 1024, new Uint8Array([0x89, 0x43, 0x4f, 0x4d, 0x4d, 0x55, 0x4e, 0x45]));
    expect(await refused(ada, "snapshot.verify", { path: huge })).toBe(`${huge} is 300 MB; an Automerge backup can be at most 256 MB, a JSON snapshot 200 MB.`);
    const bigText = await sparse("big.json", 210 * 1024 * 1024, new TextEncoder().encode("{"));
    expect(await refused(ada, "snapshot.import", { path: bigText })).toBe(
      `${bigText} is 210 MB; an Automerge backup can be at most 256 MB, a JSON snapshot 200 MB. Nothing was imported.`,
    );
    expect(await refused(ada, "snapshot.verify", { path: dir })).toBe(`${dir} is not a file.`);
  });

  it("rejects 1,000 mutated backups on import, each with a message, and the member's data stays as it was", async () => {
    const { ada, commune, oldCopy } = await riverside();
    const backup = await must(ada, "snapshot.export", { commune, format: "automerge" });
    const file = new Uint8Array(Buffer.from(backup.content, "base64"));
    const member = await openHost(oldCopy);
    const before = await observed(member, commune);
    const mutated = fc.oneof(
      fc.record({ at: fc.nat(file.length - 1), bit: fc.nat(7) }).map(({ at, bit }) => {
        const copy = file.slice();
        copy[at]! ^= 1 << bit;
        return copy;
      }),
      fc.nat(file.length - 1).map((length) => file.slice(0, length)),
      fc.uint8Array({ maxLength: 64 }).map((tail) => Uint8Array.from([...file, ...tail])),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(mutated, async (bytes) => {
        fc.pre(bytes.length !== file.length || bytes.some((byte, i) => byte !== file[i]));
        runs++;
        const outcome = await member.run("snapshot.import", { content: Buffer.from(bytes).toString("base64"), encoding: "base64" });
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.error.message).toMatch(/Nothing was imported\.$/);
      }),
      { numRuns: 1000 },
    );
    expect(runs).toBeGreaterThan(900);
    expect(await observed(member, commune)).toEqual(before);
    // The host still works: the genuine backup imports.
    expect(await must(member, "snapshot.import", { content: backup.content, encoding: "base64" })).toMatchObject({ entriesAfter: 3 });
  }, 300_000);

  it("refuses a backup with bytes appended after its last document, before loading anything", async () => {
    const { ada, commune, oldCopy } = await riverside();
    const out = join(await tempDir(), "riverside.commune");
    await must(ada, "snapshot.export", { commune, format: "automerge", out });
    await writeFile(out, Buffer.concat([await readFile(out), Buffer.from("extra")]));
    const member = await openHost(oldCopy);
    expect(await refused(member, "snapshot.import", { path: out })).toBe(
      "The backup file has 5 bytes after its last document: it was changed after it was written. Nothing was imported.",
    );
  });
});
