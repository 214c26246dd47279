/**
 * Test-only: the purse story of ./snapshot-fixtures as Automerge documents,
 * the way a member's host stores them (every string an ImmutableString).
 */
import * as A from "@automerge/automerge";
import { toStored } from "../docs/automerge-form";
import { shardKey, type CommuneDoc, type InventoryDoc, type ProposalsDoc, type PurseShardDoc } from "../docs/documents";
import type { BackupDocument } from "../snapshot/automerge-snapshot";
import type { PurseStory } from "./snapshot-fixtures";

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/** A well-formed, made-up Automerge URL, distinct for each n. */
export const urlFor = (n: number): string => `automerge:${Array.from({ length: 20 }, (_, i) => BASE58[(n * 7 + i * 13 + n * i) % 58]).join("")}`;

export function storyDocuments(story: PurseStory): BackupDocument[] {
  const { builder, input } = story;
  const proposalsUrl = urlFor(1);
  const inventoryUrl = urlFor(2);
  const shardUrls = new Map(input.shards.map((shard, index) => [shardKey(shard.owner, shard.period), urlFor(10 + index)]));
  const votes: Record<string, (typeof input.votes)[number][]> = {};
  for (const vote of input.votes) (votes[vote.proposal] ??= []).push(vote);
  const communeDoc: CommuneDoc = {
    schema: 1,
    type: "commune",
    genesis: input.genesis,
    events: [...input.events],
    relays: [],
    docs: { proposals: proposalsUrl, inventory: inventoryUrl },
    shards: Object.fromEntries(shardUrls),
    partners: {},
  };
  const proposalsDoc: ProposalsDoc = {
    schema: 1,
    type: "proposals",
    commune: builder.id,
    proposals: Object.fromEntries(input.proposals.map((p) => [p.id, p])),
    votes,
  };
  const inventoryDoc: InventoryDoc = { schema: 1, type: "inventory", commune: builder.id, items: {} };
  const from = (value: object) => A.from(toStored(value) as Record<string, unknown>) as A.Doc<unknown>;
  return [
    { role: "commune", url: urlFor(0), doc: from(communeDoc) },
    { role: "proposals", url: proposalsUrl, doc: from(proposalsDoc) },
    { role: "inventory", url: inventoryUrl, doc: from(inventoryDoc) },
    ...input.shards.map((shard) => {
      const doc: PurseShardDoc = { schema: 1, type: "purse-shard", commune: builder.id, owner: shard.owner, period: shard.period, entries: [...shard.entries] };
      return { role: "purse-shard" as const, url: shardUrls.get(shardKey(shard.owner, shard.period))!, doc: from(doc) };
    }),
  ];
}
