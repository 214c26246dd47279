import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { purse } from "../shared/purse/balances";
import { Host } from "./host";
import { must, noRelays } from "./testing/host-harness";

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function openHost(dir?: string, now?: () => number) {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), "commune-host-")));
  if (!dir) dirs.push(dataDir);
  const host = await Host.open({ dataDir, links: noRelays, ...(now ? { now } : {}) });
  hosts.push(host);
  return host;
}

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

describe("a member's host on its own", () => {
  it("creates an identity on first run, stored with mode 0600", async () => {
    const host = await openHost();
    const me = await must(host, "identity.show", {});
    expect(me.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(join(host.dataDir, "identity.json"))).mode & 0o777).toBe(0o600);
  });

  it("refuses to found a commune before the member has a name", async () => {
    const host = await openHost();
    const outcome = await host.run("commune.create", { name: "Riverside", currencies: [EUR] });
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: "rejected", code: "identity.noName", message: expect.stringContaining("Choose your own name first") },
    });
  });

  it("runs a small commune: contribute, propose, vote, execute, with the same balances after a restart", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR], rules: { spendLimit: { EUR: "10.00" } } });
    await must(host, "purse.contribute", { commune, amount: "100.00", currency: "EUR", memo: "first" });
    const tooBig = await host.run("purse.disburse", { commune, amount: "60", currency: "EUR", payee: { outside: "Roofers" } });
    expect(tooBig).toMatchObject({ ok: false, error: { message: expect.stringContaining("above the spend limit") } });

    const { id: proposal } = await must(host, "proposal.create", {
      commune,
      kind: "spend",
      title: "New roof",
      amount: "60",
      currency: "EUR",
      payee: { outside: "Roofers" },
      deadline: { days: 7 },
    });
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    const [view] = await must(host, "proposal.list", { commune });
    expect(view).toMatchObject({ outcome: "passed", yes: 1, spend: { amount: 6000, used: 0 } });
    await must(host, "proposal.execute", { commune, proposal });
    const again = await host.run("proposal.execute", { commune, proposal });
    expect(again).toMatchObject({ ok: false, error: { message: expect.stringContaining("already been paid out") } });

    const shown = await must(host, "commune.show", { commune });
    expect(shown.balances.purse).toEqual({ EUR: 4000 });
    const dataDir = host.dataDir;
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);

    const reopened = await openHost(dataDir);
    expect((await must(reopened, "commune.show", { commune })).balances.purse).toEqual({ EUR: 4000 });
    const ledger = await must(reopened, "purse.ledger", { commune });
    expect(ledger.rows.map((row) => [row.kind, row.amount, row.status])).toEqual([
      ["disbursement", 6000, "counted"],
      ["contribution", 10000, "counted"],
    ]);
  });

  it("refuses, before writing it, a small disbursement citing a spend proposal already paid out in full", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR], rules: { spendLimit: { EUR: "50.00" } } });
    await must(host, "purse.contribute", { commune, amount: "500.00", currency: "EUR" });
    const { id: proposal } = await must(host, "proposal.create", {
      commune,
      kind: "spend",
      title: "New roof",
      amount: "100",
      currency: "EUR",
      payee: { outside: "Roofers" },
      deadline: { days: 7 },
    });
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    await must(host, "proposal.execute", { commune, proposal });

    const half = { commune, amount: "50", currency: "EUR", payee: { outside: "Roofers" }, proposal };
    const refused = await host.run("purse.disburse", half);
    expect(refused).toMatchObject({
      ok: false,
      error: { kind: "rejected", message: expect.stringContaining("proposal 'New roof' allows 100.00 EUR and 100.00 EUR of it is already spent") },
    });
    expect(await host.run("purse.disburse", half)).toMatchObject({ ok: false });
    const ledger = await must(host, "purse.ledger", { commune });
    expect(ledger.rows.map((row) => [row.kind, row.amount, row.status])).toEqual([
      ["disbursement", 100_00, "counted"],
      ["contribution", 500_00, "counted"],
    ]);
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 400_00 });
  });

  it.each([
    ["1e309", "plain digits without an exponent"],
    ["-0", "greater than zero"],
    ["0.001", "at most 2 decimals"],
    ["abc", "must be a number"],
  ])("calls the amount %s invalid input with a clear message and changes nothing", async (amount, message) => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    const outcome = await host.run("purse.contribute", { commune, amount, currency: "EUR" });
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: "invalid-input", code: expect.stringMatching(/^amount\./), field: "amount", message: expect.stringContaining(message) },
    });
    expect((await must(host, "purse.ledger", { commune })).total).toBe(0);
  });

  it("answers malformed commands with an invalid-input error, never a crash", async () => {
    const host = await openHost();
    expect(await host.run("no.such.command", {})).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
    expect(await host.run("purse.contribute", { commune: "x" })).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
    expect(await host.run("purse.contribute", null)).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
    expect(await host.run("__proto__", {})).toMatchObject({ ok: false, error: { kind: "invalid-input" } });
  });

  it("names the input field a refusal concerns, so a form can show it beside that box", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const tooHigh = await host.run("commune.create", { name: "Riverside", currencies: [EUR], rules: { quorumPercent: 101 } });
    expect(tooHigh).toMatchObject({ ok: false, error: { kind: "invalid-input", code: "input.invalid", field: "rules.quorumPercent" } });
    const noName = await host.run("commune.create", { name: "  ", currencies: [EUR] });
    expect(noName).toEqual({ ok: false, error: { kind: "rejected", code: "commune.noName", field: "name", message: "Give the commune a name." } });
  });

  it("keeps the knowledge inventory with edits and search", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    const { id } = await must(host, "inventory.add", { commune, title: "Bread", body: "Feed the starter daily", tags: ["Kitchen"] });
    const bad = await host.run("inventory.add", { commune, title: "Evil", link: "javascript:alert(1)" });
    expect(bad.ok).toBe(false);
    await must(host, "inventory.edit", { commune, id, title: "Sourdough", link: "https://example.org/bread" });
    const items = await must(host, "inventory.list", { commune, query: "kitchen" });
    expect(items).toMatchObject([{ id, version: 2, title: "Sourdough", tags: ["kitchen"], link: "https://example.org/bread" }]);
  });

  it("keeps offers and needs with an optional price, and retires an item by a new version without losing it", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    const offer = await must(host, "inventory.add", { commune, title: "Bike repairs", kind: "offer", price: { amount: "12.50", currency: "EUR" } });
    const need = await must(host, "inventory.add", { commune, title: "Help with the harvest", kind: "need", link: "https://example.org/harvest" });
    expect(await must(host, "inventory.list", { commune, query: "" })).toMatchObject([
      { id: need.id, kind: "need", title: "Help with the harvest" },
      { id: offer.id, kind: "offer", amount: 1250, currency: "EUR", editorName: "Ada" },
    ]);

    // An amount belongs to an offer or a need, in one of the commune's currencies, typed as a person writes it.
    const onKnowledge = await host.run("inventory.add", { commune, title: "Compost", price: { amount: "1", currency: "EUR" } });
    expect(onKnowledge).toMatchObject({ ok: false, error: { code: "item.priceOnKnowledge", field: "price" } });
    const unknownCurrency = await host.run("inventory.add", { commune, title: "Seeds", kind: "offer", price: { amount: "1", currency: "XYZ" } });
    expect(unknownCurrency).toMatchObject({ ok: false, error: { code: "currency.notInCommune", field: "price" } });
    for (const amount of ["1e309", "-0", "-3", "0.001"]) {
      const refused = await host.run("inventory.add", { commune, title: "Seeds", kind: "offer", price: { amount, currency: "EUR" } });
      expect(refused, amount).toMatchObject({ ok: false, error: { field: "price" } });
    }

    // Editing keeps the price unless told; turning an offer into knowledge drops it.
    await must(host, "inventory.edit", { commune, id: offer.id, title: "Bike and trailer repairs" });
    expect((await must(host, "inventory.list", { commune, query: "trailer" }))[0]).toMatchObject({ kind: "offer", amount: 1250, version: 2 });
    await must(host, "inventory.edit", { commune, id: offer.id, kind: "knowledge" });
    const knowledge = (await must(host, "inventory.list", { commune, query: "trailer" }))[0]!;
    expect(knowledge.kind).toBe("knowledge");
    expect(knowledge.amount).toBeUndefined();

    await must(host, "inventory.retire", { commune, id: need.id });
    expect(await must(host, "inventory.list", { commune, query: "harvest" })).toEqual([]);
    expect(await must(host, "inventory.list", { commune, query: "", kind: "offer" })).toEqual([]);
    expect(await must(host, "inventory.list", { commune, query: "", kind: "knowledge" })).toMatchObject([{ id: offer.id }]);
    const retired = (await must(host, "inventory.list", { commune, query: "harvest", retired: true }))[0]!;
    expect(retired).toMatchObject({ retired: true, version: 2, kind: "need", link: "https://example.org/harvest" });
    expect(await host.run("inventory.retire", { commune, id: need.id })).toMatchObject({ ok: false, error: { code: "item.alreadyRetired" } });
    await must(host, "inventory.retire", { commune, id: need.id, retired: false });
    const back = (await must(host, "inventory.list", { commune, query: "harvest" }))[0]!;
    expect(back.retired).toBeUndefined();
    expect(back).toMatchObject({ version: 3, kind: "need" });
  });
});

describe("keeping the purse up to date", () => {
  it("extends the running ledger when entries are appended, and the result equals a full replay", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    await must(host, "purse.contribute", { commune, amount: "10", currency: "EUR" });
    const node = host.nodes.get(commune)!;
    const first = node.model();
    if (!first.ok) throw new Error(first.error.message);
    for (const amount of ["1", "2", "3"]) await must(host, "purse.contribute", { commune, amount, currency: "EUR" });
    const after = node.model();
    if (!after.ok) throw new Error(after.error.message);
    expect(after.value.ledger).toBe(first.value.ledger);
    expect(after.value.purse).toEqual(purse(host.crypto, after.value.entries, after.value.state));
    expect(after.value.purse.purse).toEqual({ EUR: 1600 });

    // A proposal changes what the purse rules depend on: the ledger is rebuilt.
    await must(host, "proposal.create", { commune, kind: "general", title: "Picnic", deadline: { days: 1 } });
    const rebuilt = node.model();
    if (!rebuilt.ok) throw new Error(rebuilt.error.message);
    expect(rebuilt.value.ledger).not.toBe(first.value.ledger);
    expect(rebuilt.value.purse).toEqual(after.value.purse);
  });
});

describe("purse snapshots from the host", () => {
  it("exports a signed JSON snapshot that verifies, and names the entry when one amount is changed", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    await must(host, "purse.contribute", { commune, amount: "100", currency: "EUR", memo: "=1+1" });
    await must(host, "purse.contribute", { commune, amount: "5", currency: "EUR" });
    const out = join(host.dataDir, "snap.json");
    expect(await must(host, "snapshot.export", { commune, format: "json", out })).toMatchObject({ entries: 2, content: "", out });
    expect(await must(host, "snapshot.verify", { path: out })).toMatchObject({ name: "Riverside", exporter: "Ada", entries: 2, purse: { EUR: 10500 } });

    const text = await readFile(out, "utf8");
    await writeFile(out, text.replace('"amount": 500', '"amount": 600'));
    const altered = await host.run("snapshot.verify", { path: out });
    expect(altered).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^Entry #2 \(by Ada, \d{4}-\d{2}-\d{2}\) was altered after it was signed\.$/) },
    });
    expect(await host.run("snapshot.verify", { path: "relative.json" })).toMatchObject({ ok: false });
  });

  it("exports CSV and a journal as text", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    await must(host, "purse.contribute", { commune, amount: "100", currency: "EUR", memo: "=1+1" });
    const csv = await must(host, "snapshot.export", { commune, format: "csv" });
    expect(csv.content).toContain("'=1+1");
    const journal = await must(host, "snapshot.export", { commune, format: "journal" });
    expect(journal.content).toContain("assets:purse");
    const before = await must(host, "snapshot.export", { commune, format: "csv", asOf: Date.UTC(2000, 0, 1) });
    expect(before.entries).toBe(0);
  });
});

describe("membership commands", () => {
  it("refuses an admission the commune's rules do not allow, and writes nothing", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR], rules: { admission: "proposal" } });
    const node = host.nodes.get(commune)!;
    const before = node.docs.commune.heads();
    const refused = await host.run("commune.admit", { commune, member: "b".repeat(64), name: "Bo" });
    expect(refused).toMatchObject({ ok: false, error: { message: "Ada could not admit Bo: the rules require an admit proposal." } });
    expect(node.docs.commune.heads()).toEqual(before);
  });
});

describe("purse commands", () => {
  it("refuses a transfer to oneself with the purse rule's own reason, and records nothing", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    const me = (await must(host, "identity.show", {})).publicKey;
    const refused = await host.run("purse.transfer", { commune, amount: "5", currency: "EUR", to: me });
    expect(refused).toMatchObject({
      ok: false,
      error: { message: "Not recorded: the transfer would not count (is a transfer from its author to themselves)." },
    });
    expect((await must(host, "purse.ledger", { commune })).total).toBe(0);
  });
});
