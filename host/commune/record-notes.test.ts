import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toStored } from "../../shared/docs/automerge-form";
import { readProposalsDoc, readPurseShardDoc } from "../../shared/docs/documents";
import { nobleSigner } from "../../shared/identity/crypto";
import { sign } from "../../shared/identity/signed";
import type { Proposal, Vote } from "../../shared/proposals/proposal";
import type { Entry } from "../../shared/purse/entry";
import { testKeys } from "../../shared/testing/commune-builder";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";
import { RecordNotes } from "./record-notes";

/**
 * Issue 12: what was done to a record is said on the record's own row, in
 * words without ids. Each test acts as the attacker would (plain Automerge
 * operations on the member's own copy of the documents, where a synced
 * change lands) and reads the views a front end shows.
 */

const DAY = 86_400_000;
const hosts: Host[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function riverside() {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-notes-"));
  dirs.push(dataDir);
  let now = Date.UTC(2026, 2, 1);
  const clock = { advance: (ms: number) => void (now += ms) };
  const host = await Host.open({ dataDir, links: noRelays, now: () => now });
  hosts.push(host);
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", {
    name: "Riverside",
    currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
    rules: { spendLimit: { EUR: "10.00" } },
  });
  const node = host.nodes.get(commune)!;
  return { host, commune, node, clock };
}

type Entries = { entries: Record<string, unknown>[] };

async function ledger(host: Host, commune: string) {
  return (await must(host, "purse.ledger", { commune, limit: 100 })).rows;
}

describe("a tampered purse entry is noted on its ledger row", () => {
  it("says a deleted contribution still counts, naming its author and kind", async () => {
    const { host, commune, node } = await riverside();
    await must(host, "purse.contribute", { commune, amount: "1000.00", currency: "EUR", memo: "savings" });
    await must(host, "purse.contribute", { commune, amount: "30.00", currency: "EUR", memo: "groceries" });
    [...node.docs.shards.values()][0]!.change((doc) => void (doc as unknown as Entries).entries.splice(0, 1));

    const rows = await ledger(host, commune);
    const savings = rows.find((row) => row.memo === "savings")!;
    expect(savings.notes).toEqual([
      {
        code: "record.tampered",
        message: "Ada's signed contribution was deleted from the documents after it was written; the purse judges it as if it were there",
      },
    ]);
    expect(rows.find((row) => row.memo === "groceries")!.notes).toBeUndefined();
    // The problems list still lists it.
    expect((await must(host, "commune.show", { commune })).problems).toHaveLength(1);
  });

  it("says what an entry changed in place was changed to, in its currency, and that the signed original counts", async () => {
    const { host, commune, node } = await riverside();
    await must(host, "purse.contribute", { commune, amount: "10.00", currency: "EUR", memo: "dues" });
    [...node.docs.shards.values()][0]!.change((doc) => void ((doc as unknown as Entries).entries[0]!.amount = 900_00));

    const [row] = await ledger(host, commune);
    expect(row).toMatchObject({ amount: 10_00, status: "counted" });
    expect(row!.notes).toEqual([
      {
        code: "record.tampered",
        message: "Ada's contribution was changed after it was signed (amount: 10.00 EUR → 900.00 EUR); the purse judges the signed original",
      },
    ]);
  });
});

/**
 * Ada contributes 10.00 EUR, then signs a second version of the same entry
 * for 900.00 EUR and puts it in her shard: beside the first (`put: "beside"`)
 * or over it, in place (`put: "over"`).
 */
/** Ada's 10.00 EUR "dues", her shard, and the entry's fields without its signature: what she signs again to tamper with it. */
async function adasDues() {
  const { host, commune, node } = await riverside();
  await must(host, "purse.contribute", { commune, amount: "10.00", currency: "EUR", memo: "dues" });
  const shard = [...node.docs.shards.values()][0]!;
  const read = readPurseShardDoc(shard.doc());
  if (!read.ok) throw new Error(read.error.message);
  const { sig: _sig, by: _by, ...fields } = read.value.doc.entries[0]!;
  return { host, commune, shard, fields };
}

async function signedTwice(put: "beside" | "over") {
  const { host, commune, shard, fields } = await adasDues();
  const second = sign(nobleSigner, "entry", { ...fields, amount: 900_00 } as Entry, host.keys);
  shard.change((doc) => {
    const entries = (doc as unknown as Entries).entries;
    if (put === "beside") entries.push(toStored(second) as Record<string, unknown>);
    else Object.assign(entries[0]!, { amount: second.amount, sig: second.sig });
  });
  // Both claim the same time; the signatures order them, and the keys are new in every run.
  return (await ledger(host, commune)).sort((a, b) => a.amount - b.amount);
}

const bothVersions = {
  code: "record.equivocation",
  message: "Ada signed two versions of this contribution (amount: 10.00 EUR → 900.00 EUR); the first counts",
};

describe("an entry its author signed twice is noted on both rows", () => {
  it("names her and what differs, and says the first counts", async () => {
    const rows = await signedTwice("beside");
    expect(rows.map((row) => [row.amount, row.status, row.notes])).toEqual([
      [10_00, "counted", [bothVersions]],
      [900_00, "untrusted", [bothVersions]],
    ]);
  });

  it("says the same, and nothing else, when she re-signed it in place: not also that the first was deleted", async () => {
    const rows = await signedTwice("over");
    expect(rows.map((row) => [row.amount, row.status, row.notes])).toEqual([
      [10_00, "counted", [bothVersions]],
      [900_00, "untrusted", [bothVersions]],
    ]);
  });
});

describe("an entry dated ahead of the clock is noted on its row", () => {
  it("says whose it is, the date it claims, and that it counts only from then", async () => {
    const { host, commune, shard, fields } = await adasDues();
    const later = sign(nobleSigner, "entry", { ...fields, id: "f2099", at: Date.UTC(2099, 0, 1), memo: "from the future" } as Entry, host.keys);
    shard.change((doc) => void (doc as unknown as Entries).entries.push(toStored(later) as Record<string, unknown>));

    const row = (await ledger(host, commune)).find((entry) => entry.memo === "from the future")!;
    expect(row.status).toBe("untrusted");
    expect(row.notes).toEqual([
      {
        code: "record.future-dated",
        message: "Ada's contribution is dated 1 January 2099, 00:00 UTC, ahead of this machine's clock: it counts only from then",
      },
    ]);
  });
});

describe("a proposal notes what was done to it and to its votes", () => {
  async function roofProposal() {
    const setup = await riverside();
    const { host, commune } = setup;
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
    return { ...setup, id };
  }

  it("says a deleted yes vote still counts, on the proposal it was cast on", async () => {
    const { host, commune, node, id } = await roofProposal();
    node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[id]!.splice(0, 1));

    const [proposal] = await must(host, "proposal.list", { commune });
    expect(proposal).toMatchObject({ outcome: "passed", yes: 1 });
    expect(proposal!.notes).toEqual([{ code: "record.tampered", message: "Ada's signed yes vote was deleted after it was cast; it still counts" }]);
  });

  it("names a proposal its author re-signed after the votes as hers, with what changed, and keeps the version the votes approved", async () => {
    const { host, commune, node, id } = await roofProposal();
    const read = readProposalsDoc(node.docs.proposals.doc());
    if (!read.ok) throw new Error(read.error.message);
    const { sig: _sig, by: _by, ...fields } = read.value.doc.proposals[id]!;
    const greedy = sign(nobleSigner, "proposal", { ...fields, amount: 900_00, payee: { member: host.keys.publicKey } } as Proposal, host.keys);
    node.docs.proposals.change((doc) => void (doc.proposals[id] = toStored(greedy) as (typeof doc.proposals)[string]));

    const [proposal] = await must(host, "proposal.list", { commune });
    expect(proposal!.spend).toMatchObject({ amount: 100_00, payee: "Roofer" });
    expect(proposal!.notes).toEqual([
      {
        code: "record.equivocation",
        message:
          'Ada signed a second version of this proposal after it was made (amount: 100.00 EUR → 900.00 EUR, payee: "Roofer" → Ada); the version the votes approved counts',
      },
    ]);
  });

  it("does not pin on the author a version someone else wrote over hers without her key", async () => {
    const { host, commune, node, id } = await roofProposal();
    node.docs.proposals.change((doc) => void ((doc.proposals[id] as unknown as Record<string, unknown>).amount = 900_00));

    const [proposal] = await must(host, "proposal.list", { commune });
    expect(proposal!.notes).toEqual([
      {
        code: "record.tampered",
        message: "Ada's proposal was changed after it was signed (amount: 100.00 EUR → 900.00 EUR); the signed original still counts",
      },
    ]);
  });
});

describe("a vote cast after the decision is noted on its proposal", () => {
  it("in the judge's words: whose vote, that it came too late, and which vote stands", async () => {
    const { host, commune, node, clock } = await riverside();
    const { id } = await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
    clock.advance(DAY);
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });
    await lateNo(host, node, id);

    const [proposal] = await must(host, "proposal.list", { commune });
    expect(proposal).toMatchObject({ outcome: "passed", yes: 1, no: 0 });
    expect(proposal!.notes).toEqual([
      {
        code: "record.late",
        message: expect.stringMatching(/^Ada's "no" vote, dated .* came too late: Ada's vote of .* completed the vote without it, so the earlier vote stands$/),
      },
    ]);
  });
});

/** As the attacker would: on her own copy, which holds the decision, a "no" signed and dated 1 ms before the vote that decided. */
async function lateNo(host: Host, node: NonNullable<ReturnType<Host["nodes"]["get"]>>, proposal: string) {
  const read = readProposalsDoc(node.docs.proposals.doc());
  if (!read.ok) throw new Error(read.error.message);
  const decided = read.value.doc.votes[proposal]![0]!;
  const { sig: _sig, by: _by, ...fields } = decided;
  const backdated = sign(nobleSigner, "vote", { ...fields, choice: "no", at: decided.at - 1 } as Vote, host.keys);
  node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[proposal]!.push(toStored(backdated)));
}

describe("a member's row notes what was done to the votes that decided their membership", () => {
  it("says an admission stands when a vote against it came after it was decided", async () => {
    const { host, commune, node, clock } = await riverside();
    const { id } = await must(host, "proposal.create", {
      commune,
      kind: "admit",
      title: "Admit Cy",
      member: testKeys(3).publicKey,
      name: "Cy",
      deadline: { days: 7 },
    });
    clock.advance(DAY);
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });
    await lateNo(host, node, id);

    const cy = (await must(host, "commune.show", { commune })).balances.members.find((member) => member.name === "Cy")!;
    expect(cy.status).toBe("active");
    expect(cy.notes).toEqual([{ code: "record.late", message: "Ada's vote on Cy's admission came after the vote was decided; Cy's admission stands" }]);
  });

  it("says a removal stands when the votes that removed the member were deleted", async () => {
    const { host, commune, node, clock } = await riverside();
    const bo = testKeys(2).publicKey;
    await must(host, "commune.admit", { commune, member: bo, name: "Bo" });
    const { id } = await must(host, "proposal.create", { commune, kind: "remove", title: "Remove Bo", member: bo, deadline: { days: 7 } });
    await must(host, "proposal.vote", { commune, proposal: id, choice: "yes" });
    clock.advance(8 * DAY);
    node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[id]!.splice(0, 1));

    const members = (await must(host, "commune.show", { commune })).balances.members;
    const row = members.find((member) => member.name === "Bo")!;
    expect(row.status).toBe("removed");
    expect(row.notes).toEqual([
      { code: "record.tampered", message: "A signed vote on Bo's removal was deleted after it was cast; Bo's removal stands (the signed vote still counts)" },
    ]);
    expect(members.find((member) => member.name === "Ada")!.notes).toBeUndefined();
    const [proposal] = await must(host, "proposal.list", { commune });
    expect(proposal!.notes).toEqual([{ code: "record.tampered", message: "Ada's signed yes vote was deleted after it was cast; it still counts" }]);
  });
});

describe("a knowledge item notes what was done to its versions", () => {
  it("says a deleted version still counts, whichever version the item shows", async () => {
    const { host, commune, node } = await riverside();
    const { id } = await must(host, "inventory.add", { commune, title: "Sourdough", body: "Feed it daily." });
    await must(host, "inventory.edit", { commune, id, title: "Sourdough starter", body: "Feed it daily." });
    node.docs.inventory.change((doc) => void (doc.items as unknown as Record<string, unknown[]>)[id]!.splice(0, 1));

    const [item] = await must(host, "inventory.list", { commune });
    expect(item!.title).toBe("Sourdough starter");
    expect(item!.notes).toEqual([
      { code: "record.tampered", message: "Ada's signed knowledge item was deleted from the documents after it was written; it still counts" },
    ]);
  });
});

describe("an honest commune", () => {
  it("has no notes on any row", async () => {
    const { host, commune } = await riverside();
    await must(host, "purse.contribute", { commune, amount: "10.00", currency: "EUR" });
    await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
    const view = await must(host, "commune.show", { commune });
    expect(view.proposals.every((proposal) => proposal.notes === undefined)).toBe(true);
    expect(view.balances.members.every((member) => member.notes === undefined)).toBe(true);
    expect((await ledger(host, commune)).every((row) => row.notes === undefined)).toBe(true);
  });
});

describe("adding a note is one call by subject, id and author", () => {
  const late = { code: "record.late", message: "Bo's no vote was cast after the decision; it does not change it" } as const;

  it("keeps two authors' entries with the same id apart, and says the same thing once", () => {
    const notes = new RecordNotes();
    notes.add("entry", "c7", "a".repeat(64), late);
    notes.add("entry", "c7", "a".repeat(64), late);
    expect(notes.of("entry", "c7", "a".repeat(64))).toEqual([late]);
    expect(notes.of("entry", "c7", "b".repeat(64))).toBeUndefined();
    expect(notes.size).toBe(1);
  });

  it("notes a knowledge item whoever edited it, and a member by their key", () => {
    const notes = new RecordNotes();
    notes.add("item", "i1", "a".repeat(64), late);
    notes.add("member", "b".repeat(64), "b".repeat(64), late);
    expect(notes.of("item", "i1", "c".repeat(64))).toEqual([late]);
    expect(notes.of("member", "b".repeat(64), undefined)).toEqual([late]);
  });
});
