import { afterEach, describe, expect, it } from "vitest";
import { Host } from "../host/host";
import { toStored } from "../shared/docs/automerge-form";
import { readProposalsDoc, readPurseShardDoc } from "../shared/docs/documents";
import { nobleSigner } from "../shared/identity/crypto";
import { sign } from "../shared/identity/signed";
import type { Vote } from "../shared/proposals/proposal";
import type { Entry } from "../shared/purse/entry";
import { DAY, testKeys } from "../shared/testing/commune-builder";
import { cli, noRelays, ok, TempDirs } from "./testing/cli-harness";

/**
 * Issue 12 at the terminal: what someone did to a record is printed under
 * the record's own row by `ledger`, `proposals` and `members`, in the words
 * the app shows, and is in their --json output. The attacker acts on the
 * member's own copy of the documents with plain Automerge operations (as a
 * synced change would land); the CLI then opens the data directory.
 */

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

type Lists = { entries: unknown[]; events: unknown[] };

async function tamperedRiverside(): Promise<string> {
  const dir = await dirs.make();
  await ok(dir, "name", "Ada");
  await ok(dir, "create", "Riverside", "--spend-limit", "EUR=10");
  await ok(dir, "contribute", "10.00", "EUR", "--memo", "dues");
  const { id } = JSON.parse(await ok(dir, "propose", "general", "--title", "Garden day", "--json")) as { id: string };
  await ok(dir, "vote", id.slice(0, 8), "yes");
  await ok(dir, "admit", testKeys(2).publicKey, "Bo");

  const host = await Host.open({ dataDir: dir, links: noRelays });
  try {
    const node = [...host.nodes.values()][0]!;
    await node.whenLoaded();
    [...node.docs.shards.values()][0]!.change((doc) => void ((doc as unknown as { entries: Record<string, unknown>[] }).entries[0]!.amount = 900_00));
    node.docs.commune.change((doc) => void (doc as unknown as Lists).events.splice(0, 1));
    node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[id]!.splice(0, 1));
    await node.persist();
  } finally {
    await host.close();
  }
  return dir;
}

describe("the CLI says what was done to a record under its row", () => {
  it("in ledger, proposals and members, and in their --json output", async () => {
    const dir = await tamperedRiverside();

    const ledger = (await ok(dir, "ledger")).split("\n");
    const row = ledger.findIndex((line) => line.includes('"dues"'));
    expect(ledger[row]).toMatch(/10\.00 EUR.*counted$/);
    expect(ledger[row + 1]).toBe(
      "    ! Ada's contribution was changed after it was signed (amount: 10.00 EUR → 900.00 EUR); the purse judges the signed original",
    );
    const page = JSON.parse(await ok(dir, "ledger", "--json")) as { rows: { memo: string; notes?: unknown }[] };
    expect(page.rows.find((entry) => entry.memo === "dues")!.notes).toEqual([
      {
        code: "record.tampered",
        message: "Ada's contribution was changed after it was signed (amount: 10.00 EUR → 900.00 EUR); the purse judges the signed original",
      },
    ]);

    const proposals = (await ok(dir, "proposals")).split("\n");
    const garden = proposals.findIndex((line) => line.includes("Garden day"));
    expect(proposals[garden]).toMatch(/passed/);
    expect(proposals[garden + 1]).toBe("    ! Ada's signed yes vote was deleted after it was cast; it still counts");

    const members = (await ok(dir, "members")).split("\n");
    const bo = members.findIndex((line) => line.startsWith("Bo "));
    expect(members[bo]).toMatch(/active/);
    expect(members[bo + 1]).toBe("    ! Ada's signed admission was deleted from the documents after it was written; it still counts");
    const json = JSON.parse(await ok(dir, "members", "--json")) as { name: string; notes?: { code: string }[] }[];
    expect(json.find((member) => member.name === "Bo")!.notes).toEqual([expect.objectContaining({ code: "record.tampered" })]);
    expect(json.find((member) => member.name === "Ada")!.notes).toBeUndefined();
  });

  it("says the same of what the order rules flag: a late vote, a backdated vote, an entry dated 2099, a backdated entry", async () => {
    const dir = await dirs.make();
    await ok(dir, "name", "Ada");
    await ok(dir, "create", "Riverside");
    await ok(dir, "contribute", "5.00", "EUR", "--memo", "dues");
    const { id } = JSON.parse(await ok(dir, "propose", "general", "--title", "Garden day", "--json")) as { id: string };
    await ok(dir, "vote", id.slice(0, 8), "yes");
    const host = await Host.open({ dataDir: dir, links: noRelays });
    try {
      const node = [...host.nodes.values()][0]!;
      await node.whenLoaded();
      // As the attacker would, on her own copy, after her "yes" decided it: a "no" dated at the decision, and one an hour before it.
      const votes = readProposalsDoc(node.docs.proposals.doc());
      if (!votes.ok) throw new Error(votes.error.message);
      const { sig: _sig, by: _by, ...yes } = votes.value.doc.votes[id]![0]!;
      const late = sign(nobleSigner, "vote", { ...yes, choice: "no" } as Vote, host.keys);
      const backdated = sign(nobleSigner, "vote", { ...yes, choice: "no", at: yes.at - 60 * 60_000 } as Vote, host.keys);
      node.docs.proposals.change((doc) => void (doc.votes as unknown as Record<string, unknown[]>)[id]!.push(toStored(late), toStored(backdated)));
      const shard = [...node.docs.shards.values()][0]!;
      const entries = readPurseShardDoc(shard.doc());
      if (!entries.ok) throw new Error(entries.error.message);
      const { sig: _entrySig, by: _entryBy, ...dues } = entries.value.doc.entries[0]!;
      const future = sign(nobleSigner, "entry", { ...dues, id: "from-2099", memo: "from the future", at: Date.UTC(2099, 0, 1) } as Entry, host.keys);
      // And, on the copy that holds her dues, a contribution dated a day before them.
      const dayBefore = sign(nobleSigner, "entry", { ...dues, id: "day-before", memo: "backdated", at: dues.at - DAY } as Entry, host.keys);
      shard.change((doc) => {
        const list = (doc as unknown as { entries: Record<string, unknown>[] }).entries;
        list.push(toStored(future) as Record<string, unknown>);
        list.push(toStored(dayBefore) as Record<string, unknown>);
      });
      await node.persist();
    } finally {
      await host.close();
    }

    const ledger = (await ok(dir, "ledger")).split("\n");
    const backdatedRow = ledger.findIndex((line) => line.includes('"backdated"'));
    // Dated before the commune was founded, it also counts for nothing; the note says why its date is not believed.
    expect(ledger.slice(backdatedRow + 1, backdatedRow + 3)).toContainEqual(
      expect.stringMatching(/^ {4}! Ada's contribution is dated .*, but was written after Ada's contribution of .*: the purse places it then$/),
    );
    const row = ledger.findIndex((line) => line.includes('"from the future"'));
    expect(ledger[row + 1]).toBe("    ! Ada's contribution is dated 1 January 2099, 00:00 UTC, ahead of this machine's clock: it counts only from then");

    const proposals = (await ok(dir, "proposals")).split("\n");
    const garden = proposals.findIndex((line) => line.includes("Garden day"));
    expect(proposals[garden]).toMatch(/passed/);
    const notes = proposals.slice(garden + 1, garden + 4).join("\n");
    expect(notes).toMatch(/! Ada's "no" vote, dated .*, came too late: Ada's vote of .* completed the vote without it, so the earlier vote stands/);
    expect(notes).toMatch(/! Ada's "no" vote is dated .*, but was written after Ada's "yes" vote of /);
    // Who voted what: her vote that counts, the "yes", not the late "no".
    expect(proposals.slice(garden + 1, garden + 5)).toContainEqual(expect.stringMatching(/^ {4}votes: Ada yes \(\d{4}-\d\d-\d\d \d\d:\d\d/));
  });

  it("keeps terminal control characters someone wrote into a record from reaching the terminal through its note", async () => {
    const dir = await dirs.make();
    await ok(dir, "name", "Ada");
    await ok(dir, "create", "Riverside");
    await ok(dir, "contribute", "5.00", "EUR", "--memo", "dues");
    const host = await Host.open({ dataDir: dir, links: noRelays });
    try {
      const node = [...host.nodes.values()][0]!;
      await node.whenLoaded();
      [...node.docs.shards.values()][0]!.change(
        (doc) => void ((doc as unknown as { entries: Record<string, unknown>[] }).entries[0]!.memo = "\u001b[2Jgift\u202Eevil"),
      );
      await node.persist();
    } finally {
      await host.close();
    }
    const run = await cli(dir, ["ledger"]);
    expect(run.stdout).toContain(
      `! Ada's contribution was changed after it was signed (memo: "dues" → "\\u001b[2Jgift?evil"); the purse judges the signed original`,
    );
    expect(run.stdout).not.toMatch(/[\u001b\u202E]/);
  });
});
