import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { communeRecords, communeState } from "../commune/commune-state";
import { currentStatus } from "../commune/state";
import { fromStored, toStored } from "../docs/automerge-form";
import { readProposalsDoc, readPurseShardDoc } from "../docs/documents";
import { nobleCrypto, nobleSigner } from "../identity/crypto";
import type { KeyPair } from "../identity/keys";
import { sign } from "../identity/signed";
import type { SignedVote, Vote } from "../proposals/proposal";
import { purse, type ShardEntry } from "../purse/balances";
import type { Entry, SignedEntry } from "../purse/entry";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { ChangeGraph, recordHistory } from "./change-graph";
import { everyRecord, PLACES } from "./every-record";

/**
 * Issue 12's property, over the whole domain: three members write honest
 * signed records (entries in their own purse shards, votes on a proposal)
 * on their own copies, syncing now and then; then any of them attacks with
 * plain Automerge operations on their own copy (delete, overwrite, splice,
 * move between shards or proposals, duplicate, re-sign their own record
 * under its id, a vote dated before the decision, an entry dated 2099).
 * Every member's host, whatever order the copies reach it in, counts the
 * same records, balances, memberships and tallies as the honest records
 * alone give. (The commune document's own tampering, and a re-pointed
 * index, are pinned in host/commune/signed-history.test.ts.)
 */

const crypto = nobleCrypto();
const HOUR = 3_600_000;
const ada = testKeys(1);
const bo = testKeys(2);
const cy = testKeys(3);
const MEMBERS: readonly KeyPair[] = [ada, bo, cy];
const NAMES = ["ada", "bo", "cy"];

const commune = new CommuneBuilder();
commune.join(bo, "Bo", T0 + 1);
commune.join(cy, "Cy", T0 + 2);
const PROPOSAL = commune.propose(ada, { id: "garden", title: "Garden day", kind: "general", at: T0 + DAY, deadline: T0 + 8 * DAY });
/** Ada yes, Bo no, Cy yes: passed 2-1 once all three have voted. */
const VOTES: readonly SignedVote[] = [
  commune.vote(ada, "garden", "yes", T0 + DAY + HOUR),
  commune.vote(bo, "garden", "no", T0 + DAY + 2 * HOUR),
  commune.vote(cy, "garden", "yes", T0 + DAY + 3 * HOUR),
];
const NOW = T0 + 30 * DAY;
const ENTRIES_EACH = 4;

function signEntry(member: number, fields: Partial<Entry> & Pick<Entry, "id" | "at" | "amount">): SignedEntry {
  const entry = { commune: commune.id, kind: "contribution", currency: "EUR", memo: "", ...fields } as Entry;
  return sign(nobleSigner, "entry", entry, MEMBERS[member]!);
}

/** Each member's honest entries: contributions, and a 40.00 EUR payment to the shop that may or may not find money in the purse. */
const HONEST: readonly (readonly SignedEntry[])[] = MEMBERS.map((_, m) =>
  Array.from({ length: ENTRIES_EACH }, (_, n) =>
    n === ENTRIES_EACH - 1
      ? signEntry(m, { id: `${NAMES[m]}-${n}`, kind: "disbursement", payee: "Shop", at: T0 + 2 * DAY + n * HOUR + m, amount: 40_00 })
      : signEntry(m, { id: `${NAMES[m]}-${n}`, at: T0 + 2 * DAY + n * HOUR + m, amount: (n + 1) * 5_00 + m }),
  ),
);
/** What each member could sign to cheat: a second version of an own entry, an entry dated 2099, a changed vote dated just before the decision. */
const RESIGNED = HONEST.map((entries, m) => signEntry(m, { ...entries[0]!, amount: 900_00 }));
const FUTURE = MEMBERS.map((_, m) => signEntry(m, { id: `${NAMES[m]}-future`, at: Date.UTC(2099, 0, 1), amount: 1_000_00 }));
const TURNCOAT = VOTES.map((vote, m) => {
  const { sig: _sig, by: _by, ...fields } = vote;
  return sign(nobleSigner, "vote", { ...fields, choice: vote.choice === "yes" ? "no" : "yes", at: VOTES[2]!.at - 1 } as Vote, MEMBERS[m]!);
});

type Stored = Record<string, unknown>;
type ShardDoc = { entries: Stored[] } & Stored;
type ProposalsDoc = { proposals: Record<string, Stored>; votes: Record<string, Stored[]> } & Stored;
interface Copy {
  proposals: A.Doc<ProposalsDoc>;
  shards: A.Doc<ShardDoc>[];
}

const actor = (member: number, doc: number) => `${(member + 1).toString(16).repeat(2)}${doc.toString(16).padStart(2, "0")}${"0".repeat(28)}`;

/** The documents as the founder made them, each member holding a copy under their own actor. */
function freshCopies(): Copy[] {
  const proposals = A.from<ProposalsDoc>(
    toStored({ schema: 1, type: "proposals", commune: commune.id, proposals: { garden: PROPOSAL }, votes: { garden: [] } }) as ProposalsDoc,
    { actor: "f0".repeat(16) },
  );
  const shards = MEMBERS.map((member) =>
    A.from<ShardDoc>(toStored({ schema: 1, type: "purse-shard", commune: commune.id, owner: member.publicKey, period: "2026", entries: [] }) as ShardDoc, {
      actor: "f1".repeat(16),
    }),
  );
  return MEMBERS.map((_, m) => ({
    proposals: A.clone(proposals, { actor: actor(m, 0) }),
    shards: shards.map((shard, s) => A.clone(shard, { actor: actor(m, s + 1) })),
  }));
}

function sync(into: Copy, from: Copy): void {
  into.proposals = A.merge(into.proposals, from.proposals);
  into.shards = into.shards.map((shard, s) => A.merge(shard, from.shards[s]!));
}

const cloneCopy = (copy: Copy, m: number): Copy => ({
  proposals: A.clone(copy.proposals, { actor: actor(m, 9) }),
  shards: copy.shards.map((shard, s) => A.clone(shard, { actor: actor(m, 10 + s) })),
});

type Step = { member: number; sync: boolean };
type AttackKind =
  "delete" | "overwrite" | "splice" | "move" | "duplicate" | "deleteVote" | "overwriteVote" | "moveVote" | "duplicateVote" | "resign" | "future" | "turncoat";
type Attack = { kind: AttackKind; by: number; shard: number; other: number; at: number };

/** Applies one attack to the attacker's copy; a move lands in the other shard in a second change (returned), as two edits would. */
function attack(copy: Copy, { kind, by, shard, other, at }: Attack, onMove: (() => void)[]): void {
  const onShard = (s: number, change: (d: ShardDoc) => void) => (copy.shards[s] = A.change(copy.shards[s]!, change));
  const onVotes = (change: (votes: Stored[], d: ProposalsDoc) => void) =>
    (copy.proposals = A.change(copy.proposals, (d) => {
      const votes = d.votes.garden;
      if (votes && votes.length > 0) change(votes, d);
    }));
  const pick = (list: unknown[]) => at % list.length;
  const plain = (value: unknown) => toStored(fromStored(value)) as Stored;
  switch (kind) {
    case "delete":
    case "overwrite":
    case "splice":
    case "move":
    case "duplicate":
      return void onShard(shard, (d) => {
        if (d.entries.length === 0) return;
        const i = pick(d.entries);
        if (kind === "delete") d.entries.splice(i, 1);
        else if (kind === "overwrite") d.entries[i]!.amount = 1 + at;
        else if (kind === "splice") d.entries.splice(i, 1, { ...plain(d.entries[i]), memo: new A.ImmutableString("rewritten") });
        else if (kind === "duplicate") d.entries.push(plain(d.entries[i]));
        else {
          const [moved] = d.entries.splice(i, 1);
          const copyOfIt = plain(moved);
          onMove.push(() => onShard(other, (target) => void target.entries.push(copyOfIt)));
        }
      });
    case "deleteVote":
      return void onVotes((votes) => void votes.splice(pick(votes), 1));
    case "overwriteVote":
      return void onVotes((votes) => void (votes[pick(votes)]!.choice = new A.ImmutableString("block")));
    case "moveVote":
      return void onVotes((votes, d) => {
        const [moved] = votes.splice(pick(votes), 1);
        if (!d.votes.elsewhere) d.votes.elsewhere = [];
        d.votes.elsewhere.push(plain(moved));
      });
    case "duplicateVote":
      return void onVotes((votes) => void votes.push(plain(votes[pick(votes)])));
    case "resign":
      return void onShard(by, (d) => void d.entries.push(toStored(RESIGNED[by]!) as Stored));
    case "future":
      return void onShard(by, (d) => void d.entries.push(toStored(FUTURE[by]!) as Stored));
    case "turncoat":
      return void (copy.proposals = A.change(copy.proposals, (d) => void d.votes.garden!.push(toStored(TURNCOAT[by]!) as Stored)));
  }
}

/** What a member's host makes of the documents: through the signed-history rule, the readers and the replay. */
function judge(copy: Copy) {
  const proposalsRead = everyRecord(copy.proposals, PLACES.proposals, () => A.getAllChanges(copy.proposals));
  const proposals = readProposalsDoc(proposalsRead.doc);
  if (!proposals.ok) throw new Error(proposals.error.message);
  const saw = recordHistory(copy.proposals, new ChangeGraph(), proposalsRead.firstChange, ["votes", "proposals"]);
  const state = communeState(crypto, communeRecords({ genesis: commune.genesis, events: commune.events }, proposals.value.doc, saw), NOW, commune.id);
  if (!state.ok) throw new Error(state.error.message);
  const entries: ShardEntry[] = copy.shards.flatMap((shard) => {
    const read = readPurseShardDoc(everyRecord(shard, PLACES["purse-shard"], () => A.getAllChanges(shard)).doc);
    if (!read.ok) throw new Error(read.error.message);
    return read.value.doc.entries.map((entry) => ({ entry, shardOwner: read.value.doc.owner }));
  });
  const view = purse(crypto, entries, state.value);
  const { outcome, yes, no, decidesAt } = state.value.proposals.garden!.tally;
  return {
    tally: { outcome, yes, no, decidesAt },
    members: MEMBERS.map((member) => currentStatus(state.value, member.publicKey)),
    purse: view.purse,
    standings: view.members,
    counted: view.entries
      .filter((judged) => judged.status === "counted")
      .map((judged) => judged.entry.sig)
      .sort(),
  };
}

function mergeAll(copies: readonly Copy[], order: readonly number[]): Copy {
  const all = cloneCopy(copies[order[0]!]!, 3);
  for (const i of order.slice(1)) sync(all, copies[i]!);
  return all;
}

describe("a signed history no one can rewrite", () => {
  it("counts what the honest records alone count, for 1,000 generated histories with any tampering by any member, merged in any order", () => {
    const step = fc.record({ member: fc.nat(2), sync: fc.boolean() });
    const anAttack = fc.record({
      kind: fc.constantFrom<AttackKind>(
        "delete",
        "overwrite",
        "splice",
        "move",
        "duplicate",
        "deleteVote",
        "overwriteVote",
        "moveVote",
        "duplicateVote",
        "resign",
        "future",
        "turncoat",
      ),
      by: fc.nat(2),
      shard: fc.nat(2),
      other: fc.nat(2),
      at: fc.nat(50),
    });
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 10 }),
        fc.array(anAttack, { minLength: 1, maxLength: 4 }),
        fc.constantFrom([0, 1, 2], [2, 1, 0], [1, 0, 2]),
        (steps: Step[], attacks: Attack[], order: readonly number[]) => {
          const copies = freshCopies();
          const written = [0, 0, 0];
          const voted = [false, false, false];
          const write = (m: number) => {
            const copy = copies[m]!;
            // Each step writes the member's next entry, or their vote once some entries are in.
            if (!voted[m] && written[m]! >= 1) {
              copy.proposals = A.change(copy.proposals, (d) => void d.votes.garden!.push(toStored(VOTES[m]!) as Stored));
              voted[m] = true;
            } else if (written[m]! < ENTRIES_EACH) {
              const next = HONEST[m]![written[m]!]!;
              copy.shards[m] = A.change(copy.shards[m]!, (d) => void d.entries.push(toStored(next) as Stored));
              written[m]!++;
            }
          };
          for (const { member, sync: shares } of steps) {
            write(member);
            if (shares) for (const other of [0, 1, 2]) if (other !== member) sync(copies[other]!, copies[member]!);
          }
          // Everyone votes in the end: the vote is then decided, so a changed vote after it is an attack, not a change of mind.
          for (const m of [0, 1, 2]) while (!voted[m]) write(m);

          const honest = judge(mergeAll(copies, [0, 1, 2]));
          for (const hit of attacks) {
            const moves: (() => void)[] = [];
            attack(copies[hit.by]!, hit, moves);
            for (const move of moves) move();
          }
          const tampered = mergeAll(copies, order);
          expect(judge(tampered)).toEqual(honest);
          expect(judge(mergeAll(copies, [...order].reverse()))).toEqual(honest);
        },
      ),
      { numRuns: 1000 },
    );
    // A thousand sets of Automerge histories on two busy cores: a bound on the run, not a timing assertion.
  }, 900_000);
});
