import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CommandName } from "../../shared/commands/commands";
import { ok } from "../../shared/result";
import { Host } from "../host";
import type { CommuneNode } from "./commune-node";
import { checkpointFields, checkpointRecord } from "./record-kinds";
import { writeRecord } from "./writer";
import { must, noRelays } from "../testing/host-harness";
import { readProposalsDoc } from "../../shared/docs/documents";
import { proposalVersion } from "../../shared/proposals/version";
import { sign } from "../../shared/identity/signed";
import { nobleSigner } from "../../shared/identity/crypto";
import { toStored } from "../../shared/docs/automerge-form";
import type { Proposal } from "../../shared/proposals/proposal";

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Ada founds Riverside (EUR, spend limit 100.00, admission by proposal) on a clock that moves a second on every reading. */
async function riverside(): Promise<{ host: Host; commune: string; node: CommuneNode }> {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-writer-"));
  dirs.push(dataDir);
  let time = Date.UTC(2026, 2, 1);
  const host = await Host.open({ dataDir, links: noRelays, now: () => (time += 1000) });
  hosts.push(host);
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", {
    name: "Riverside",
    currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
    rules: { admission: "proposal", spendLimit: { EUR: "100.00" } },
  });
  const node = host.nodes.get(commune)!;
  await node.whenLoaded();
  return { host, commune, node };
}

/** Every document's heads: a refused write must leave all of them as they were. */
const heads = (node: CommuneNode) => Object.fromEntries(node.docs.allHandles().map((handle) => [handle.url, handle.heads().join(",")]));

/** `message` is the refusal a person reads: a string, or an asymmetric matcher. */
async function expectRefusedUnchanged(host: Host, node: CommuneNode, name: CommandName, input: unknown, message: unknown) {
  const before = heads(node);
  const outcome = await host.run(name, input);
  expect(outcome).toMatchObject({ ok: false, error: { message } });
  expect(heads(node)).toEqual(before);
}

describe("a write the commune's rules refuse changes nothing", () => {
  it("a purse entry that would overdraw the purse", async () => {
    const { host, commune, node } = await riverside();
    await expectRefusedUnchanged(
      host,
      node,
      "purse.disburse",
      { commune, amount: "5", currency: "EUR", payee: { outside: "Roofers" } },
      "Not recorded: the disbursement would not count (would take the purse below zero (balance 0.00 EUR)).",
    );
  });

  it("a vote after the proposal was decided", async () => {
    const { host, commune, node } = await riverside();
    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Picnic", deadline: { days: 7 } });
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });
    await expectRefusedUnchanged(
      host,
      node,
      "proposal.vote",
      { commune, proposal: id, choice: "no" },
      'Not recorded: the vote would not count (Ada voted after "Picnic" was decided).',
    );
  });

  it("a vote on a proposal that does not exist", async () => {
    const { host, commune, node } = await riverside();
    await expectRefusedUnchanged(
      host,
      node,
      "proposal.vote",
      { commune, proposal: "no-such-proposal", choice: "yes" },
      "Not recorded: the vote would not count (votes on a proposal that does not exist).",
    );
  });

  it("a proposal to admit someone who is already a member", async () => {
    const { host, commune, node } = await riverside();
    await expectRefusedUnchanged(
      host,
      node,
      "proposal.create",
      { commune, kind: "admit", title: "Ada again", member: host.keys.publicKey, name: "Ada", deadline: { days: 7 } },
      "They are already a member.",
    );
  });

  it("a rule change that cannot apply (a rule change is a proposal of kind rule)", async () => {
    const { host, commune, node } = await riverside();
    await expectRefusedUnchanged(
      host,
      node,
      "proposal.create",
      { commune, kind: "rule", title: "Euros twice", change: { addCurrencies: [{ code: "EUR", name: "Euro", decimals: 2 }] }, deadline: { days: 7 } },
      expect.stringContaining("EUR"),
    );
  });

  it("a membership event the rules do not allow", async () => {
    const { host, commune, node } = await riverside();
    await expectRefusedUnchanged(
      host,
      node,
      "commune.admit",
      { commune, member: "ab".repeat(32), name: "Bo" },
      "Ada could not admit Bo: the rules require an admit proposal.",
    );
  });

  it("a knowledge item from someone who has left", async () => {
    const { host, commune, node } = await riverside();
    await must(host, "commune.leave", { commune });
    await expectRefusedUnchanged(
      host,
      node,
      "inventory.add",
      { commune, title: "Seed saving", body: "", tags: [] },
      expect.stringMatching(
        /^Not recorded: the knowledge item would not count \(Ada was not an active member at 1 March 2026, 00:00 UTC: left the commune at 1 March 2026, 00:00 UTC\)\.$/,
      ),
    );
  });

  it("a checkpoint signed by someone who has left", async () => {
    const { host, commune, node } = await riverside();
    await must(host, "commune.leave", { commune });
    const before = heads(node);
    const written = await writeRecord(node, host, checkpointRecord, (model, at) => ok(checkpointFields(node, model, at)));
    expect(written).toEqual({
      ok: false,
      error: { code: "checkpoint.signer-not-active", message: "Whoever signed this checkpoint was not an active member then." },
    });
    expect(heads(node)).toEqual(before);
  });

  it("and a write that counts changes the document it belongs to", async () => {
    const { host, commune, node } = await riverside();
    const before = heads(node);
    await must(host, "purse.contribute", { commune, amount: "5", currency: "EUR", memo: "" });
    expect(heads(node)).not.toEqual(before);
  });
});

describe("the amount of a purse entry", () => {
  it("is read in the queue, in the currencies the commune has when the entry is judged", async () => {
    const { host, commune, node } = await riverside();
    // Both commands are queued before either runs: the second is judged against the purse the first left.
    const [first, second] = await Promise.all([
      host.run("purse.contribute", { commune, amount: "5", currency: "EUR", memo: "" }),
      host.run("purse.disburse", { commune, amount: "5", currency: "EUR", payee: { outside: "Roofers" } }),
    ]);
    expect(first.ok && second.ok).toBe(true);
    const model = node.model();
    expect(model.ok && model.value.purse.purse).toEqual({ EUR: 0 });
  });
});

describe("a vote names the proposal version it approves", () => {
  it("records the hash of the proposal as signed, and counts for it", async () => {
    const { host, commune, node } = await riverside();
    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Picnic", deadline: { days: 7 } });
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });

    const read = readProposalsDoc(node.docs.proposals.doc());
    if (!read.ok) throw new Error(read.error.message);
    const proposal = read.value.doc.proposals[id]!;
    expect(read.value.doc.votes[id]).toEqual([expect.objectContaining({ choice: "yes", version: proposalVersion(proposal) })]);
    const model = node.model();
    if (!model.ok) throw new Error(model.error.message);
    expect(model.value.state.proposals[id]!.tally).toMatchObject({ outcome: "passed", yes: 1 });
  });
});

describe("a spend proposal its author re-signs after the votes", () => {
  it("keeps the version the votes signed: it passes and pays 100.00 EUR to the roofer, and the rewrite is named", async () => {
    const { host, commune, node } = await riverside();
    await must(host, "purse.contribute", { commune, amount: "1000", currency: "EUR" });
    const { id } = await must(host, "proposal.create", {
      commune,
      kind: "spend",
      title: "Roof",
      amount: "100",
      currency: "EUR",
      payee: { outside: "Roofer" },
      deadline: { days: 7 },
    });
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });

    // As the attacker would: overwrite the proposal in her own copy with a re-signed 900.00 EUR to herself.
    const read = readProposalsDoc(node.docs.proposals.doc());
    if (!read.ok) throw new Error(read.error.message);
    const { sig: _sig, by: _by, ...fields } = read.value.doc.proposals[id]!;
    const greedy = sign(nobleSigner, "proposal", { ...fields, amount: 900_00, payee: { member: host.keys.publicKey } } as Proposal, host.keys);
    node.docs.proposals.change((doc) => {
      doc.proposals[id] = toStored(greedy) as (typeof doc.proposals)[string];
    });

    // The history still holds the version the vote signed (shared/history/): that one counts, the rewrite is a problem.
    const model = node.model();
    if (!model.ok) throw new Error(model.error.message);
    expect(model.value.state.proposals[id]!.tally.yes).toBe(1);
    // Both versions are shown: the one the vote named counts, and the other is named as Ada's second version.
    const amountOf = (proposal: object) => (proposal as { amount?: number }).amount;
    expect(model.value.state.proposals[id]!.versions.map((known) => amountOf(known.proposal))).toEqual([10000, 90000]);
    expect(amountOf(model.value.state.proposals[id]!.proposal)).toBe(10000);
    expect(model.value.problems).toContainEqual(expect.objectContaining({ subject: "proposal", code: "record.equivocation" }));
    expect(model.value.problems).toContainEqual(
      expect.objectContaining({ subject: "proposal", code: "record.overwritten", reason: expect.stringContaining("amount: 10000 → 90000") }),
    );
    await must(host, "proposal.execute", { commune, proposal: id });
    const view = await must(host, "commune.show", { commune });
    expect(view.balances.purse).toEqual({ EUR: 900_00 });
  });
});
