/**
 * Test-only: small, realistic, validly signed Commune documents in plain
 * form, for the document and schema tests. Keys are deterministic so a
 * failure reproduces.
 */
import type { SignedMembershipEvent } from "../commune/events";
import { communeIdOf, createGenesis } from "../commune/genesis";
import type { Rules } from "../commune/rules";
import { keyPairFromSecret, type KeyPair } from "../identity/keys";
import { nobleSigner } from "../identity/crypto";
import { sign } from "../identity/signed";
import type { Item, SignedItem } from "../inventory/item";
import type { Proposal, SignedProposal, SignedVote, Vote } from "../proposals/proposal";
import type { Comment, SignedComment } from "../proposals/comment";
import type { Entry, SignedEntry } from "../purse/entry";
import { defaultRules } from "./commune-builder";
import type { CommuneDoc, InventoryDoc, ProposalsDoc, PurseShardDoc } from "../docs/documents";

export const T0 = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;

export const ada: KeyPair = keyPairFromSecret(new Uint8Array(32).fill(21));
export const bo: KeyPair = keyPairFromSecret(new Uint8Array(32).fill(22));

export const rules: Rules = defaultRules;

export const genesis = createGenesis(nobleSigner, { name: "Riverside", founderName: "Ada", at: T0, rules }, ada);
export const commune = communeIdOf(genesis);

/** Syntactically valid Automerge URLs (base58 document ids). */
export const URLS = {
  proposals: "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ",
  inventory: "automerge:3rCkTv9mRGhQxvE6yWj2nFkS8Lp4",
  adaShard: "automerge:4VoPqbqHjdLZ8cTGqNcMs7hW1rNs",
  partnerInventory: "automerge:5kQwz1uJzSLn5AQ7DtqYxw2cm3Ud",
} as const;

export function entry(fields: Partial<Entry> = {}, keys: KeyPair = ada): SignedEntry {
  return sign(
    nobleSigner,
    "entry",
    {
      commune,
      id: "e0f1c2d3b4a5968778695a4b3c2d1e0f",
      kind: "contribution",
      at: T0 + DAY,
      amount: 2500,
      currency: "EUR",
      memo: "Seeds for the spring beds",
      ...fields,
    } as Entry,
    keys,
  );
}

export const inviteForBo = sign(nobleSigner, "invite", { commune, id: "invite-1", at: T0 + DAY, expiresAt: T0 + 8 * DAY }, ada);

export const joinOfBo: SignedMembershipEvent = sign(
  nobleSigner,
  "membership",
  { type: "join", commune, at: T0 + 2 * DAY, name: "Bo", invite: inviteForBo },
  bo,
);

export function proposal(fields: Partial<Proposal> = {}, keys: KeyPair = ada): SignedProposal {
  return sign(
    nobleSigner,
    "proposal",
    {
      commune,
      id: "p1",
      at: T0 + 3 * DAY,
      deadline: T0 + 10 * DAY,
      title: "Buy a second-hand tiller",
      body: "The old one is beyond repair.\nQuotes attached in the inventory.",
      kind: "spend",
      amount: 32000,
      currency: "EUR",
      payee: { outside: "Garden Supply Co." },
      ...fields,
    } as Proposal,
    keys,
  );
}

export function vote(fields: Partial<Vote> = {}, keys: KeyPair = bo): SignedVote {
  return sign(nobleSigner, "vote", { commune, proposal: "p1", at: T0 + 4 * DAY, choice: "yes", ...fields }, keys);
}

export function comment(fields: Partial<Comment> = {}, keys: KeyPair = bo): SignedComment {
  return sign(nobleSigner, "comment", { commune, proposal: "p1", id: "c1", at: T0 + 4 * DAY, text: "Count me in", ...fields }, keys);
}

export function item(fields: Partial<Item> = {}, keys: KeyPair = ada): SignedItem {
  return sign(
    nobleSigner,
    "item",
    {
      commune,
      id: "compost",
      version: 1,
      at: T0 + 5 * DAY,
      title: "Hot composting in three bins",
      body: "Turn every four days; keep it as damp as a wrung-out sponge.",
      link: "https://example.org/compost",
      tags: ["garden", "soil"],
      ...fields,
    },
    keys,
  );
}

export const communeDoc = (): CommuneDoc => ({
  schema: 1,
  type: "commune",
  genesis,
  events: [joinOfBo],
  relays: ["wss://relay.example.org"],
  docs: { proposals: URLS.proposals, inventory: URLS.inventory },
  shards: { [`${ada.publicKey}/2026`]: URLS.adaShard },
  partners: { b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6: { name: "Hillside", inventory: URLS.partnerInventory } },
});

export const purseShardDoc = (entries: SignedEntry[] = [entry()]): PurseShardDoc => ({
  schema: 1,
  type: "purse-shard",
  commune,
  owner: ada.publicKey,
  period: "2026",
  entries,
});

export const proposalsDoc = (): ProposalsDoc => ({
  schema: 1,
  type: "proposals",
  commune,
  proposals: { p1: proposal() },
  votes: { p1: [vote({ choice: "no" }), vote({ choice: "yes", at: T0 + 5 * DAY })] },
  comments: { p1: [comment(), comment({ id: "c2", at: T0 + 5 * DAY, text: "Me too", replyTo: "c1" }, ada)] },
  outcomes: {},
});

export const inventoryDoc = (): InventoryDoc => ({
  schema: 1,
  type: "inventory",
  commune,
  items: { compost: [item(), item({ version: 2, at: T0 + 6 * DAY, tags: ["garden"] })] },
});
