import type { DocHandle } from "@automerge/automerge-repo";
import { communeState } from "../../../shared/commune/commune-state";
import type { CommuneState, Problem } from "../../../shared/commune/state";
import {
  readCommuneDoc,
  readInventoryDoc,
  readProposalsDoc,
  readPurseShardDoc,
  describeMalformed,
  type CommuneDoc,
  type InventoryDoc,
  type ProposalsDoc,
  type PurseShardDoc,
  type ReadDoc,
} from "../../../shared/docs/documents";
import { inventory, type ItemView } from "../../../shared/inventory/inventory";
import { purse, type PurseView, type ShardEntry } from "../../../shared/purse/balances";
import { fail, ok, type Result } from "../../../shared/result";
import type { CommuneDocs } from "./commune-docs";

/**
 * What a commune's documents mean right now, computed from the documents
 * alone with the shared/ rules. Each document is read (and its records
 * checked for shape) once per version: the parse is kept keyed by the
 * document's heads, so a change to one shard does not re-read the others.
 */
export interface CommuneModel {
  id: string;
  state: CommuneState;
  purse: PurseView;
  /** Every entry with the shard it was read from, as purse() judged them. */
  entries: ShardEntry[];
  items: ItemView[];
  /** Everything that counts for nothing, with the reason: forged, late, malformed. */
  problems: Problem[];
  doc: CommuneDoc;
  proposals: ProposalsDoc;
  /** Fingerprint of the document versions this model was computed from. */
  version: string;
}

interface Parsed<T> {
  heads: string;
  read: Result<ReadDoc<T>>;
}

export class CommuneModelCache {
  #parsed = new Map<string, Parsed<unknown>>();
  #model: CommuneModel | undefined;

  #read<T>(handle: DocHandle<unknown>, reader: (raw: unknown) => Result<ReadDoc<T>>): { heads: string; read: Result<ReadDoc<T>> } {
    const heads = handle.heads().join(",");
    const cached = this.#parsed.get(handle.url) as Parsed<T> | undefined;
    if (cached && cached.heads === heads) return cached;
    const parsed = { heads, read: reader(handle.doc()) };
    this.#parsed.set(handle.url, parsed);
    return parsed;
  }

  /** The model for the documents as they are; recomputed only when some document changed or time moved past a decision. */
  compute(docs: CommuneDocs, id: string, now: number): Result<CommuneModel> {
    const commune = this.#read<CommuneDoc>(docs.commune, readCommuneDoc);
    if (!commune.read.ok) return fail(commune.read.error);
    const proposals = this.#read<ProposalsDoc>(docs.proposals, readProposalsDoc);
    if (!proposals.read.ok) return fail(proposals.read.error);
    const items = this.#read<InventoryDoc>(docs.inventory, readInventoryDoc);
    if (!items.read.ok) return fail(items.read.error);
    const shards = [...docs.shards.values()].map((handle) => this.#read<PurseShardDoc>(handle, readPurseShardDoc));

    const version = [commune.heads, proposals.heads, items.heads, ...shards.map((shard) => shard.heads)].join("|");
    const previous = this.#model;
    if (previous && previous.version === version && !decisionPassed(previous.state, now)) return ok(previous);

    const proposalsDoc = proposals.read.value.doc;
    const computed = communeState(
      {
        genesis: commune.read.value.doc.genesis,
        events: commune.read.value.doc.events,
        proposals: Object.values(proposalsDoc.proposals),
        votes: Object.values(proposalsDoc.votes).flat(),
      },
      now,
      id,
    );
    if (!computed.ok) return fail(computed.error);
    const state = computed.value;

    const problems: Problem[] = [...state.problems];
    const malformed = (reads: Result<ReadDoc<unknown>>[]) => {
      for (const read of reads) {
        if (!read.ok) continue;
        for (const m of read.value.malformed) problems.push({ subject: subjectOf(m.list), id: m.id ?? m.key ?? String(m.index ?? ""), by: m.by, reason: describeMalformed(m) });
      }
    };
    malformed([commune.read, proposals.read, items.read, ...shards.map((shard) => shard.read)]);

    const entries: ShardEntry[] = [];
    for (const shard of shards) {
      if (!shard.read.ok) {
        problems.push({ subject: "entry", id: "", by: undefined, reason: shard.read.error });
        continue;
      }
      const owner = shard.read.value.doc.owner;
      for (const entry of shard.read.value.doc.entries) entries.push({ entry, shardOwner: owner });
    }
    const purseView = purse(entries, state);
    for (const view of purseView.entries) {
      if (view.status === "untrusted") problems.push({ subject: "entry", id: view.entry.id, by: view.entry.by, reason: view.reason ?? "untrusted" });
    }
    const inventoryView = inventory(items.read.value.doc.items, state);
    problems.push(...inventoryView.problems);

    const model: CommuneModel = {
      id,
      state,
      purse: purseView,
      entries,
      items: inventoryView.items,
      problems,
      doc: commune.read.value.doc,
      proposals: proposalsDoc,
      version,
    };
    this.#model = model;
    return ok(model);
  }
}

/** An open proposal whose decision time has come changes the model even when no document changed. */
function decisionPassed(state: CommuneState, now: number): boolean {
  return Object.values(state.proposals).some((p) => p.tally.outcome === "open" && p.tally.decidesAt <= now);
}

function subjectOf(list: string): Problem["subject"] {
  switch (list) {
    case "entries":
      return "entry";
    case "proposals":
      return "proposal";
    case "votes":
      return "vote";
    case "items":
      return "item";
    default:
      return "membership";
  }
}
