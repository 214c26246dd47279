import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AutomergeUrl } from "@automerge/automerge-repo";
import { afterEach, describe, expect, it } from "vitest";
import { toStored } from "../../shared/docs/automerge-form";
import { readProposalsDoc } from "../../shared/docs/documents";
import { nobleSigner } from "../../shared/identity/crypto";
import { sign } from "../../shared/identity/signed";
import type { Vote } from "../../shared/proposals/proposal";
import type { Entry } from "../../shared/purse/entry";
import { Host } from "../host";
import { must, noRelays } from "../testing/host-harness";

/**
 * Issue 12, written as the attacker acts: someone who holds the commune's
 * documents changes them with plain Automerge operations (here on the
 * member's own handles, which is where a synced change lands), and the host
 * must still count what was signed, and say what was done.
 */

const hosts: Host[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function adaWithAPurse() {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-history-"));
  dirs.push(dataDir);
  const host = await Host.open({ dataDir, links: noRelays });
  hosts.push(host);
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", {
    name: "Riverside",
    currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
    rules: { spendLimit: { EUR: "10.00" } },
  });
  await must(host, "purse.contribute", { commune, amount: "1000.00", currency: "EUR", memo: "savings" });
  await must(host, "purse.contribute", { commune, amount: "30.00", currency: "EUR", memo: "groceries" });
  const node = host.nodes.get(commune)!;
  return { host, commune, node, dataDir };
}

type Entries = { entries: unknown[] };

describe("a signed record, once in the documents, is a fact", () => {
  it("still counts a contribution someone deleted from its shard, and says so", async () => {
    const { host, commune, node } = await adaWithAPurse();
    const shard = [...node.docs.shards.values()][0]!;
    shard.change((doc) => void (doc as unknown as Entries).entries.splice(0, 1));
    const view = await must(host, "commune.show", { commune });
    expect(view.balances.purse).toEqual({ EUR: 103_000 });
    expect(view.problems).toEqual([
      expect.objectContaining({
        subject: "entry",
        reason: "Ada's signed purse entry was deleted from the document after it was written; the signed original still counts",
      }),
    ]);
  });

  it("still counts the entries of a shard whose index key was re-pointed to an empty shard, after a restart too", async () => {
    const { host, commune, node, dataDir } = await adaWithAPurse();
    const [[key, shard]] = [...node.docs.shards.entries()] as [[string, typeof node.docs.shards extends Map<string, infer H> ? H : never]];
    const empty = node.docs.repo.create(
      toStored({ schema: 1, type: "purse-shard", commune, owner: key.split("/")[0]!, period: key.split("/")[1]!, entries: [] }),
    );
    node.docs.commune.change((doc) => void ((doc.shards as Record<string, unknown>)[key] = toStored(empty.url as string)));
    expect(shard.url).not.toBe(empty.url as AutomergeUrl);
    await node.docs.discoverShards();
    const view = await must(host, "commune.show", { commune });
    expect(view.balances.purse).toEqual({ EUR: 103_000 });
    expect(view.problems).toEqual([
      expect.objectContaining({
        subject: "entry",
        id: `shards/${key}`,
        reason: `The commune's index of Ada's purse for ${key.split("/")[1]} was re-pointed to another document (2 documents over its history); the entries of every one of them still count`,
      }),
    ]);

    await host.close();
    hosts.splice(hosts.indexOf(host), 1);
    const again = await Host.open({ dataDir, links: noRelays });
    hosts.push(again);
    await again.nodes.get(commune)!.whenLoaded();
    await again.nodes.get(commune)!.docs.discoverShards();
    expect((await must(again, "commune.show", { commune })).balances.purse).toEqual({ EUR: 103_000 });
  });

  it("keeps a passed spend proposal passed, and its payment counted, after its yes vote is deleted", async () => {
    const { host, commune, node } = await adaWithAPurse();
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
    node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[proposal]!.splice(0, 1));
    const view = await must(host, "commune.show", { commune });
    expect(view.balances.purse).toEqual({ EUR: 93_000 });
    expect(view.balances.entries).toMatchObject({ untrusted: 0 });
    expect(view.problems).toEqual([expect.objectContaining({ subject: "vote", reason: expect.stringContaining("Ada's signed vote was deleted") })]);
  });
});

describe("the clock an entry is judged by", () => {
  it("is the host's clock now, not the one of the last change to the commune or proposals document", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-history-"));
    dirs.push(dataDir);
    let time = Date.UTC(2026, 11, 1, 9);
    const host = await Host.open({ dataDir, links: noRelays, now: () => time });
    hosts.push(host);
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [{ code: "EUR", name: "Euro", decimals: 2 }] });
    await must(host, "purse.contribute", { commune, amount: "10.00", currency: "EUR" });
    time += 60 * 60_000;
    await must(host, "purse.contribute", { commune, amount: "5.00", currency: "EUR" });
    time += 24 * 60 * 60_000;
    await must(host, "purse.contribute", { commune, amount: "1.00", currency: "EUR" });
    expect((await must(host, "commune.show", { commune })).balances.purse).toEqual({ EUR: 16_00 });
  });
});

describe("a vote cast after the decision", () => {
  it("does not change it when it claims a time before the vote that decided, and is reported as late", async () => {
    const { host, commune, node } = await adaWithAPurse();
    const { id: proposal } = await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });
    expect((await must(host, "proposal.list", { commune }))[0]).toMatchObject({ outcome: "passed", yes: 1, no: 0 });

    // As the attacker would: on her own copy, which holds the decision, a "no" signed and dated 1 ms before it.
    const read = readProposalsDoc(node.docs.proposals.doc());
    if (!read.ok) throw new Error(read.error.message);
    const decided = read.value.doc.votes[proposal]![0]!;
    const { sig: _sig, by: _by, ...fields } = decided;
    const backdated = sign(nobleSigner, "vote", { ...fields, choice: "no", at: decided.at - 1 } as Vote, host.keys);
    node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[proposal]!.push(toStored(backdated)));

    const [shown] = await must(host, "proposal.list", { commune });
    expect(shown).toMatchObject({ outcome: "passed", yes: 1, no: 0 });
    expect(shown!.notes).toContainEqual(expect.objectContaining({ code: "record.late" }));
    const view = await must(host, "commune.show", { commune });
    expect(view.problems).toContainEqual(
      expect.objectContaining({
        subject: "vote",
        id: backdated.sig,
        reason: expect.stringMatching(/^Ada's "no" vote, dated .* came too late: Ada's vote of .* completed the vote without it/),
      }),
    );
  });
});

describe("a shard that two index keys name", () => {
  it("is read once, across a restart: its entries count once, none shows as a duplicate, and nothing waits to load", async () => {
    const { host, commune, node, dataDir } = await adaWithAPurse();
    const [key, shard] = [...node.docs.shards.entries()][0]!;
    const otherKey = `${"b".repeat(64)}/${key.split("/")[1]!}`;
    node.docs.commune.change((doc) => void ((doc.shards as Record<string, unknown>)[otherKey] = toStored(shard.url as string)));
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);

    const again = await Host.open({ dataDir, links: noRelays });
    hosts.push(again);
    await again.nodes.get(commune)!.whenLoaded();
    await again.nodes.get(commune)!.docs.discoverShards();
    const view = await must(again, "commune.show", { commune });
    expect(view.balances.purse).toEqual({ EUR: 103_000 });
    expect(view.balances.entries).toEqual({ counted: 2, overdrawn: 0, untrusted: 0 });
    expect((await must(again, "sync.status", { commune })).waiting).toBe(0);
  });
});

describe("a record dated before what its author provably had", () => {
  it("is said to be falsely dated on its proposal", async () => {
    const { host, commune, node } = await adaWithAPurse();
    const { id: proposal } = await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
    await must(host, "proposal.vote", { commune, proposal, choice: "yes" });

    // As the attacker would: a second vote, signed on the copy that holds her first, dated an hour before it.
    const read = readProposalsDoc(node.docs.proposals.doc());
    if (!read.ok) throw new Error(read.error.message);
    const first = read.value.doc.votes[proposal]![0]!;
    const { sig: _sig, by: _by, ...fields } = first;
    const backdated = sign(nobleSigner, "vote", { ...fields, choice: "no", at: first.at - 60 * 60_000 } as Vote, host.keys);
    node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[proposal]!.push(toStored(backdated)));

    const [shown] = await must(host, "proposal.list", { commune });
    expect(shown).toMatchObject({ outcome: "passed", yes: 1, no: 0 });
    expect(shown!.notes).toContainEqual({
      code: "record.backdated",
      message: expect.stringMatching(/^Ada's "no" vote is dated .*, but was written after Ada's "yes" vote of /),
    });
  });
});

describe("the links the commune was founded with", () => {
  it("still lead to its proposals after someone re-points the proposals link at an empty document, across a restart", async () => {
    const { host, commune, node, dataDir } = await adaWithAPurse();
    await must(host, "proposal.create", { commune, kind: "general", title: "Garden day", deadline: { days: 7 } });
    const empty = node.docs.repo.create(toStored({ schema: 1, type: "proposals", commune, proposals: {}, votes: {} }));
    node.docs.commune.change((doc) => void ((doc.docs as Record<string, unknown>).proposals = toStored(empty.url as string)));
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);

    const again = await Host.open({ dataDir, links: noRelays });
    hosts.push(again);
    await again.nodes.get(commune)!.whenLoaded();
    expect((await must(again, "proposal.list", { commune })).map((proposal) => proposal.title)).toEqual(["Garden day"]);
    expect((await must(again, "commune.show", { commune })).problems).toContainEqual(
      expect.objectContaining({
        id: "docs/proposals",
        reason: "The commune's link to its proposals was re-pointed to another document; the proposals document it was founded with still counts",
      }),
    );
  });
});

describe("a purse entry dated before one its author provably had", () => {
  it("is placed after it, so its false date does not win the race for the purse's last 30 EUR, and is said to be falsely dated on its row", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-history-"));
    dirs.push(dataDir);
    let time = Date.UTC(2026, 11, 4, 10);
    const clock = () => time;
    const host = await Host.open({ dataDir, links: noRelays, now: clock });
    hosts.push(host);
    await must(host, "identity.rename", { name: "Ada" });
    const { commune } = await must(host, "commune.create", {
      name: "Riverside",
      currencies: [{ code: "EUR", name: "Euro", decimals: 2 }],
      rules: { spendLimit: { EUR: "100.00" } },
    });
    await must(host, "purse.contribute", { commune, amount: "30.00", currency: "EUR", memo: "savings" });
    time = Date.UTC(2026, 11, 4, 11);
    const { id: roof } = await must(host, "purse.disburse", { commune, amount: "30.00", currency: "EUR", payee: { outside: "Roofer" } });

    // As the attacker would: on her own copy, which holds the roofer's payment, a payment to herself dated half an hour before it.
    const node = host.nodes.get(commune)!;
    const shard = [...node.docs.shards.values()][0]!;
    const toHerself = sign(
      nobleSigner,
      "entry",
      {
        commune,
        id: "backdated-1",
        kind: "disbursement",
        at: Date.UTC(2026, 11, 4, 10, 30),
        amount: 30_00,
        currency: "EUR",
        memo: "",
        to: host.keys.publicKey,
      } satisfies Entry,
      host.keys,
    );
    shard.change((doc) => void (doc as unknown as Entries).entries.push(toStored(toHerself)));

    const inWords =
      "Ada's disbursement is dated 4 December 2026, 10:30 UTC, but was written after Ada's disbursement of 4 December 2026, 11:00 UTC: the purse places it then";
    const judged = async (on: Host) => {
      const view = await must(on, "commune.show", { commune });
      const ledger = await must(on, "purse.ledger", { commune });
      return {
        purse: view.balances.purse,
        backdated: view.problems.filter((problem) => problem.reason.includes("but was written after")).map((problem) => problem.reason),
        rows: Object.fromEntries(ledger.rows.map((row) => [row.id, { status: row.status, notes: row.notes?.map((note) => note.message) }])),
      };
    };
    const atAda = await judged(host);
    expect(atAda).toEqual({
      purse: { EUR: 0 },
      backdated: [inWords],
      rows: expect.objectContaining({
        [roof]: { status: "counted", notes: undefined },
        "backdated-1": { status: "overdrawn", notes: [inWords] },
      }),
    });

    // After a restart, which reads the shard afresh, the same.
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);
    const again = await Host.open({ dataDir, links: noRelays, now: clock });
    hosts.push(again);
    await again.nodes.get(commune)!.whenLoaded();
    await again.nodes.get(commune)!.docs.discoverShards();
    expect(await judged(again)).toEqual(atAda);
  });
});
