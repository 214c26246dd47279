import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DocHandle } from "@automerge/automerge-repo";
import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

/**
 * Every write command goes through the one writer (host/commune/writer.ts):
 * queue, model, build, sign, judge, change, flush. These tests fail on a
 * command handler that changes a document any other way.
 */

const here = fileURLToPath(new URL(".", import.meta.url));

/** What only the writer may do to a commune's documents, as it reads in source. */
const DIRECT_WRITES: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: "changes a document", pattern: /\.change\s*\(/ },
  { what: "uses the write queue", pattern: /\bexclusive\s*\(/ },
  { what: "flushes documents", pattern: /\.persist\s*\(|\bdocs\.flush\s*\(/ },
  { what: "imports document bytes", pattern: /\.import\s*[<(]/ },
  { what: "builds stored document values", pattern: /\btoStored\s*\(/ },
];

/** The ways a source file changes a document other than through the writer. */
function directWrites(source: string): string[] {
  return DIRECT_WRITES.filter(({ pattern }) => pattern.test(source)).map(({ what }) => what);
}

/** Every file that defines command handlers: the command modules, and the host's own few. */
const handlerFiles = [
  ...readdirSync(here)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
    .map((name) => join(here, name)),
  join(here, "..", "host.ts"),
];

describe("command handlers write only through the writer", () => {
  it.each(handlerFiles.map((file) => [file.slice(file.lastIndexOf("host/")), file]))("%s changes no document itself", (_name, file) => {
    expect(directWrites(readFileSync(file, "utf8"))).toEqual([]);
  });

  it("covers every command module", () => {
    const modules = handlerFiles.filter((file) => readFileSync(file, "utf8").includes("Handlers<"));
    expect(modules.map((file) => file.slice(file.lastIndexOf("/") + 1)).sort()).toEqual(
      [
        "commune-commands.ts",
        "inventory-commands.ts",
        "membership-commands.ts",
        "partner-commands.ts",
        "exchange-commands.ts",
        "privacy-commands.ts",
        "proposal-commands.ts",
        "discussion-commands.ts",
        "outcome-commands.ts",
        "purse-commands.ts",
        "snapshot-commands.ts",
        "context.ts",
      ].sort(),
    );
  });

  it("catches a handler that changes a document itself", () => {
    const planted = `
      async "inventory.add"(input, host) {
        const node = host.node(input.commune);
        return node.value.exclusive(async () => {
          node.value.docs.inventory.change((doc) => { doc.items[id] = [toStored(item)]; });
          await node.value.persist();
        });
      }`;
    expect(directWrites(planted)).toEqual(["changes a document", "uses the write queue", "flushes documents", "builds stored document values"]);
    expect(directWrites("docs.repo.import<unknown>(bytes, { docId })")).toEqual(["imports document bytes"]);
    expect(directWrites("await node.docs.flush();")).toEqual(["flushes documents"]);
  });
});

/** Where a change to a document may start: the writer, its record kinds, and the documents' own lifecycle (founding, a new shard). */
const WRITERS = ["host/commune/writer.ts", "host/commune/record-kinds.ts", "host/commune/commune-docs.ts"];

/** Records where every document change during `work` came from; changes outside `WRITERS` are returned. */
async function changesOutsideTheWriter(work: () => Promise<void>): Promise<string[]> {
  const original = DocHandle.prototype.change;
  const outside: string[] = [];
  DocHandle.prototype.change = function (this: DocHandle<unknown>, ...args: Parameters<typeof original>) {
    const stack = new Error("change").stack ?? "";
    if (!WRITERS.some((file) => stack.includes(file))) outside.push(stack.split("\n").slice(1, 4).join("\n"));
    return original.apply(this, args);
  } as typeof original;
  try {
    await work();
  } finally {
    DocHandle.prototype.change = original;
  }
  return outside;
}

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("at run time, every write command changes documents only from the writer", () => {
  async function riverside() {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-one-writer-"));
    dirs.push(dataDir);
    const host = await Host.open({ dataDir, links: noRelays });
    hosts.push(host);
    await must(host, "identity.rename", { name: "Ada" });
    return host;
  }

  it("for a commune's whole life: found, contribute, spend, propose, vote, execute, write knowledge, admit, leave", async () => {
    const host = await riverside();
    const outside = await changesOutsideTheWriter(async () => {
      const { commune } = await must(host, "commune.create", {
        name: "Riverside",
        currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
        rules: { spendLimit: { EUR: "10.00" } },
      });
      await must(host, "purse.contribute", { commune, amount: "100", currency: "EUR", memo: "" });
      await must(host, "purse.disburse", { commune, amount: "5", currency: "EUR", payee: { outside: "Baker" } });
      await must(host, "purse.exchange", { commune, amount: "5", currency: "EUR", partner: "Hillside", direction: "in" });
      const { id } = await must(host, "proposal.create", {
        commune,
        kind: "spend",
        title: "Roof",
        amount: "50",
        currency: "EUR",
        payee: { outside: "Roofers" },
        deadline: { days: 7 },
      });
      await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });
      await must(host, "proposal.execute", { commune, proposal: id });
      const item = await must(host, "inventory.add", { commune, title: "Seed saving", body: "", tags: [] });
      await must(host, "inventory.edit", { commune, id: item.id, title: "Saving seeds" });
      await must(host, "commune.admit", { commune, member: "ab".repeat(32), name: "Bo" });
      await must(host, "purse.transfer", { commune, amount: "1", currency: "EUR", to: "ab".repeat(32) });
      await must(host, "commune.leave", { commune });
    });
    expect(outside).toEqual([]);
  });

  it("and notices a change made anywhere else", async () => {
    const host = await riverside();
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
    const outside = await changesOutsideTheWriter(async () => {
      host.nodes.get(commune)!.docs.commune.change((doc) => {
        doc.relays.push("ws://127.0.0.1:9/" as never);
      });
    });
    expect(outside).toHaveLength(1);
  });
});
