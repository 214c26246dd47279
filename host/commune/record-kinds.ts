import { communeRecords, communeState, type CommuneRecords } from "../../shared/commune/commune-state";
import type { MembershipEvent } from "../../shared/commune/events";
import type { Verifier } from "../../shared/identity/crypto";
import { toStored } from "../../shared/docs/automerge-form";
import { periodOf, readCommuneDoc, readProposalsDoc } from "../../shared/docs/documents";
import type { Item } from "../../shared/inventory/item";
import { judgeCheckpoint } from "../../shared/judges/checkpoint";
import { judgeEntry } from "../../shared/judges/entry";
import { judgeItem } from "../../shared/judges/item";
import { judgeProposal } from "../../shared/judges/proposal";
import { refuse } from "../../shared/judges/verdict";
import { judgeVote } from "../../shared/judges/vote";
import type { Proposal, Vote } from "../../shared/proposals/proposal";
import type { Comment } from "../../shared/proposals/comment";
import { discussion } from "../../shared/proposals/discussion";
import { judgeComment } from "../../shared/judges/comment";
import { judgeOutcome } from "../../shared/judges/outcome";
import { judgeExchangeDecline } from "../../shared/judges/exchange-decline";
import type { ExchangeDecline } from "../../shared/partners/exchange";
import type { Outcome } from "../../shared/proposals/outcome";
import { checkpointOf, type Checkpoint } from "../../shared/purse/checkpoint";
import type { Entry } from "../../shared/purse/entry";
import type { CommuneState } from "../../shared/commune/state";
import { fail, ok, type Result } from "../../shared/result";
import type { CommuneModel } from "./commune-model";
import { headsOf } from "./heads";
import type { Fields, RecordKind, WriteTarget } from "./writer";
import { listIn, mapIn } from "./containers";

/**
 * Each kind of record a member writes, as the writer (writer.ts) handles
 * it: what it is judged against, by which shared/ judge, and where it is
 * saved. Rule changes are proposals of kind "rule": no record of their own.
 */

/** A commune whose full model (purse included) a record is judged against. */
export interface ModelTarget extends WriteTarget {
  model(): Result<CommuneModel>;
}

const fromModel = (target: ModelTarget) => target.model();
const wouldNotCount = (noun: string) => (refusal: { reason: string }) => `Not recorded: the ${noun} would not count (${refusal.reason}).`;

export const entryRecord: RecordKind<ModelTarget, CommuneModel, Entry> = {
  purpose: "entry",
  read: fromModel,
  judge: (model, entry, _target, verifier) => judgeEntry(verifier, model.ledger, () => model.entries, { entry, shardOwner: entry.by }),
  async save(target, entry) {
    const shard = await target.docs.ownShard(entry.by, periodOf(entry.at), target.id);
    shard.change((doc) => {
      listIn(doc, "entries").push(toStored(entry));
    });
  },
  refusal: (refusal, entry) => wouldNotCount(entry.kind)(refusal),
};

/** A decline of a partner's exchange (issue 14): moves no money, so it is filed in the commune document, not a purse shard. */
export const declineRecord: RecordKind<ModelTarget, CommuneModel, ExchangeDecline> = {
  purpose: "exchange-decline",
  read: fromModel,
  judge: (model, decline, _target, verifier) => judgeExchangeDecline(verifier, model.state, decline),
  async save(target, decline) {
    target.docs.commune.change((doc) => {
      listIn(doc, "exchangeDeclines").push(toStored(decline));
    });
  },
  refusal: (refusal) => `Not recorded: ${refusal.reason}.`,
};

export const voteRecord: RecordKind<ModelTarget, CommuneModel, Vote> = {
  purpose: "vote",
  read: fromModel,
  judge(model, vote) {
    const target = model.state.proposals[vote.proposal];
    const setting = target && {
      state: model.state,
      proposal: target.proposal,
      electorate: new Set(target.electorate),
      decidesAt: target.tally.decidesAt,
      version: { counting: target.version, firstSeen: target.version === target.versions[0]?.version },
    };
    return judgeVote(setting, vote);
  },
  async save(target, vote) {
    target.docs.proposals.change((doc) => {
      // A proposal from before lists were made up front has none yet.
      listIn(mapIn(doc, "votes"), vote.proposal).push(toStored(vote));
    });
  },
  refusal: wouldNotCount("vote"),
};

export const proposalRecord: RecordKind<ModelTarget, CommuneModel, Proposal> = {
  purpose: "proposal",
  read: fromModel,
  judge: (model, proposal) =>
    model.state.proposals[proposal.id] ? refuse("proposal.duplicate-id", "reuses the id of an earlier proposal") : judgeProposal(model.state, proposal),
  async save(target, proposal) {
    target.docs.proposals.change((doc) => {
      mapIn(doc, "proposals")[proposal.id] = toStored(proposal);
      // The votes list is made with the proposal, by its one author: two
      // members creating it concurrently on their first votes would make
      // two lists under one key, and Automerge keeps only one of them.
      mapIn(doc, "votes")[proposal.id] = [];
      // Its discussion's list too, for the same reason.
      mapIn(doc, "comments")[proposal.id] = [];
      mapIn(doc, "outcomes")[proposal.id] = [];
    });
  },
  refusal: (refusal) => `${refusal.reason}.`,
};

export const itemRecord: RecordKind<ModelTarget, CommuneModel, Item> = {
  purpose: "item",
  read: fromModel,
  judge: (model, item, _target, verifier) => judgeItem(verifier, model.state, item, item.id),
  async save(target, item) {
    target.docs.inventory.change((doc) => {
      listIn(mapIn(doc, "items"), item.id).push(toStored(item));
    });
  },
  refusal: wouldNotCount("knowledge item"),
};

/**
 * Membership is judged from the commune and proposals documents alone, by
 * replaying them with the new event (communeState applies the membership
 * judge to every event), so a newcomer can join while the purse arrives.
 */
export const membershipRecord: RecordKind<WriteTarget, { records: CommuneRecords; now: number }, MembershipEvent> = {
  purpose: "membership",
  read(target, now) {
    const commune = readCommuneDoc(target.docs.commune.doc());
    if (!commune.ok) return commune;
    const proposals = readProposalsDoc(target.docs.proposals.doc());
    if (!proposals.ok) return proposals;
    return ok({ records: communeRecords(commune.value.doc, proposals.value.doc), now });
  },
  judge({ records, now }, event, target, verifier) {
    const replay = communeState(verifier, { ...records, events: [...records.events, event] }, now, target.id);
    if (!replay.ok) return refuse("membership.unreadable", replay.error.message);
    const refused = replay.value.problems.find((problem) => problem.subject === "membership" && problem.id === event.sig);
    return refused ? refuse(refused.code ?? "membership.refused", refused.reason) : "counted";
  },
  async save(target, event) {
    target.docs.commune.change((doc) => {
      listIn(doc, "events").push(toStored(event));
    });
  },
  refusal: (refusal) => `${refusal.reason}.`,
};

/** The commune's membership state from its commune and proposals documents alone. */
export function membershipState(verifier: Verifier, target: WriteTarget, now: number): Result<CommuneState> {
  const read = membershipRecord.read(target, now);
  return read.ok ? communeState(verifier, read.value.records, now, target.id) : read;
}

/** Only a complete count is signed: a count of a purse still loading would be wrong. */
export interface CheckpointTarget extends ModelTarget {
  readonly loaded: boolean;
}

/** This machine's count of the purse as checkpoint fields: the heads of every shard it covers, and what it found. */
export function checkpointFields(target: WriteTarget, model: CommuneModel, at: number): Fields<Checkpoint> {
  const shards: Record<string, string[]> = {};
  for (const [key, handle] of target.docs.shards) shards[key] = [...headsOf(handle)];
  const { commune: _commune, at: _at, ...fields } = checkpointOf(target.id, at, shards, model.purse, model.state);
  return fields;
}

export const checkpointRecord: RecordKind<CheckpointTarget, CommuneModel, Checkpoint> = {
  purpose: "checkpoint",
  read: (target) =>
    target.loaded && target.docs.unloadedShards() === 0
      ? target.model()
      : fail("checkpoint.purseLoading", "The purse is still loading here: its count would be incomplete."),
  judge: (model, checkpoint, _target, verifier) => judgeCheckpoint(verifier, model.state, checkpoint, checkpoint.by),
  async save(target, checkpoint) {
    target.docs.commune.change((doc) => {
      mapIn(doc, "checkpoints")[checkpoint.by] = toStored(checkpoint);
    });
  },
  refusal: (refusal) => `${refusal.reason}.`,
};

/**
 * A comment, edit or retraction is judged as every member judges it: on its
 * own (shared/judges/comment.ts) and within its proposal's thread with the
 * records already there (shared/proposals/discussion.ts), so an edit of
 * another member's comment, or a reply to nothing, is refused before it is
 * signed into the documents.
 */
export const commentRecord: RecordKind<ModelTarget, CommuneModel, Comment> = {
  purpose: "comment",
  read: fromModel,
  judge(model, comment, _target, verifier) {
    const existing = model.proposals.comments?.[comment.proposal] ?? [];
    const thread = discussion([...existing, comment], (record) => judgeComment(verifier, model.state, record));
    const refused = thread.refused.find((refusal) => refusal.sig === comment.sig);
    return refused ? refuse(refused.code, refused.reason) : "counted";
  },
  async save(target, comment) {
    target.docs.proposals.change((doc) => {
      // Proposals made before discussions existed have no list yet; the first comment makes it.
      listIn(mapIn(doc, "comments"), comment.proposal).push(toStored(comment));
    });
  },
  refusal: (refusal) => `Not recorded: ${refusal.reason.charAt(0).toLowerCase()}${refusal.reason.slice(1)}.`,
};

/** An outcome statement, judged as every member judges it (shared/judges/outcome.ts). */
export const outcomeRecord: RecordKind<ModelTarget, CommuneModel, Outcome> = {
  purpose: "outcome",
  read: fromModel,
  judge: (model, outcome, _target, verifier) => judgeOutcome(verifier, model.state, outcome),
  async save(target, outcome) {
    target.docs.proposals.change((doc) => {
      // Proposals made before outcomes existed have no list yet; the first statement makes it.
      listIn(mapIn(doc, "outcomes"), outcome.proposal).push(toStored(outcome));
    });
  },
  refusal: (refusal) => `Not recorded: ${refusal.reason}.`,
};
