import type { RecordNote } from "../../shared/commands/views";
import type { CommuneState, Problem } from "../../shared/commune/state";
import type { CommuneDoc, ProposalsDoc } from "../../shared/docs/documents";
import type { Tampering } from "../../shared/history/every-record";
import type { Verifier } from "../../shared/identity/crypto";
import type { PublicKey } from "../../shared/identity/keys";
import { checkSignature, type SignaturePurpose } from "../../shared/identity/signed";
import { proposalVersion } from "../../shared/proposals/version";
import type { SignedProposal } from "../../shared/proposals/proposal";
import type { ShardEntry } from "../../shared/purse/balances";
import type { SignedEntry } from "../../shared/purse/entry";
import { ENTRY_NOUNS, Words } from "./record-words";

/**
 * What a member is told on a record's own row (ledger row, proposal,
 * member, knowledge item) about what was done to it: deleted or changed
 * after it was signed, or signed twice by its author. The problems list
 * says the same per record; these notes put it where the record is, in a
 * sentence without ids, names for keys and amounts in their currency.
 */

/** The rows a note can sit on. A vote has no row: it is noted on its proposal. */
export type NotedSubject = "entry" | "proposal" | "member" | "item";

/**
 * The notes of one model, by record. Adding a note is one call by (subject,
 * record id, author); a member's row is ("member", key, key), a vote's note
 * goes on its proposal. The views read them back by the same three.
 */
export class RecordNotes {
  readonly #notes = new Map<string, RecordNote[]>();

  add(subject: NotedSubject, id: string, author: PublicKey | undefined, note: RecordNote): void {
    const key = keyOf(subject, id, author);
    const notes = this.#notes.get(key);
    if (!notes) this.#notes.set(key, [note]);
    else if (!notes.some((known) => known.code === note.code && known.message === note.message)) notes.push(note);
  }

  /** The notes on one record, as copies a view may hand out; undefined when there are none. */
  of(subject: NotedSubject, id: string, author: PublicKey | undefined): RecordNote[] | undefined {
    return this.#notes.get(keyOf(subject, id, author))?.map((note) => ({ ...note }));
  }

  /** How many records carry a note: zero in an honest commune, so a view skips the look-ups. */
  get size(): number {
    return this.#notes.size;
  }
}

/** A knowledge item is one row whoever edited it, and a member's row is their key: the author tells rows apart only for entries and proposals. */
const keyOf = (subject: NotedSubject, id: string, author: PublicKey | undefined) =>
  `${subject}\u0000${id}\u0000${subject === "entry" || subject === "proposal" ? (author ?? "") : ""}`;

/** What the notes are made from: one model's replay and the signed-history reads behind it. */
export interface NoteSources {
  state: CommuneState;
  /** The commune and proposals documents as the signed-history rule reads them (every record ever present). */
  commune: CommuneDoc;
  proposals: ProposalsDoc;
  tampered: readonly Tampering[];
  /** Everything the judges refused: equivocated entries and knowledge items are among them. */
  problems: readonly Problem[];
  entries: readonly ShardEntry[];
  verifier: Verifier;
}

/** Every tampering and equivocation the sources hold, each noted on the record it is about. */
export function recordNotes(sources: NoteSources): RecordNotes {
  const notes = new RecordNotes();
  const words = new Words(sources.state);
  const entries = entriesNamed(sources);
  // An entry its author re-signed in place reads to the history scan as the first version deleted; the equivocation note says what happened, in full.
  const equivocated = new Set(sources.problems.filter((p) => p.code === "record.equivocation" && p.subject === "entry").map((p) => entryKey(p.by, p.id)));
  for (const tampering of sources.tampered) {
    if (tampering.place[0] === "entries" && equivocated.has(entryKey(tampering.by, tampering.id))) continue;
    noteTampering(notes, tampering, sources, words, entries);
  }
  for (const problem of sources.problems) {
    if (problem.code === "record.future-dated" && problem.subject === "entry") {
      const entry = entries.get(entryKey(problem.by, problem.id))?.[0];
      if (entry) notes.add("entry", problem.id, problem.by, { code: "record.future-dated", message: words.futureDated(entry) });
      continue;
    }
    if (problem.code === "record.backdated" && problem.subject === "membership" && problem.by !== undefined) {
      notes.add("member", problem.by, problem.by, { code: "record.backdated", message: problem.reason });
      continue;
    }
    if (problem.code === "record.backdated" && problem.subject === "entry") {
      notes.add("entry", problem.id, problem.by, { code: "record.backdated", message: problem.reason });
      continue;
    }
    if (problem.code === "record.backdated" && problem.subject === "proposal") {
      const counted = sources.state.proposals[problem.id];
      if (counted) notes.add("proposal", problem.id, counted.proposal.by, { code: "record.backdated", message: problem.reason });
      continue;
    }
    if (problem.code !== "record.equivocation") continue;
    if (problem.subject === "entry") {
      const versions = entries.get(entryKey(problem.by, problem.id)) ?? [];
      notes.add("entry", problem.id, problem.by, { code: "record.equivocation", message: words.entryEquivocation(versions, problem.by) });
    } else if (problem.subject === "item") {
      notes.add("item", problem.id, problem.by, { code: "record.equivocation", message: problem.reason });
    }
  }
  noteLateVotes(notes, sources, words);
  for (const { versions, proposal } of Object.values(sources.state.proposals)) {
    if (versions.length < 2) continue;
    // A version re-signed in place over the first is already said, with "after it was made", by its tampering note.
    if (notes.of("proposal", proposal.id, proposal.by)?.some((note) => note.code === "record.equivocation")) continue;
    for (const other of versions) {
      if (other.proposal === proposal) continue;
      notes.add("proposal", proposal.id, proposal.by, {
        code: "record.equivocation",
        message: words.proposalEquivocation(proposal, other.proposal, votesNaming(sources.proposals, proposal)),
      });
    }
  }
  return notes;
}

/**
 * A vote that came after the decision (`record.late`, shared/commune/commune-state.ts)
 * has no row of its own: the judge's sentence goes on its proposal, and on
 * the member an admission or removal is about, with what stands.
 */
function noteLateVotes(notes: RecordNotes, sources: NoteSources, words: Words): void {
  const late = new Map<string, Problem>();
  const backdated = new Map<string, Problem>();
  for (const problem of sources.problems) {
    if (problem.subject !== "vote") continue;
    if (problem.code === "record.late") late.set(problem.id, problem);
    else if (problem.code === "record.backdated") backdated.set(problem.id, problem);
  }
  if (late.size === 0 && backdated.size === 0) return;
  for (const [proposalId, votes] of Object.entries(sources.proposals.votes)) {
    for (const vote of votes) {
      const counted = sources.state.proposals[proposalId];
      if (!counted) continue;
      const { proposal } = counted;
      // A vote has no row of its own either way: a false date is said on its proposal.
      const falselyDated = backdated.get(vote.sig);
      if (falselyDated) notes.add("proposal", proposal.id, proposal.by, { code: "record.backdated", message: falselyDated.reason });
      const problem = late.get(vote.sig);
      if (!problem) continue;
      notes.add("proposal", proposal.id, proposal.by, { code: "record.late", message: problem.reason });
      if (proposal.kind === "remove" || proposal.kind === "admit") {
        const what = `${words.name(proposal.member)}'s ${proposal.kind === "remove" ? "removal" : "admission"}`;
        const outcome = counted.tally.outcome === "passed" ? `${what} stands` : `the vote on ${what} stands as decided`;
        notes.add("member", proposal.member, proposal.member, {
          code: "record.late",
          message: `${words.name(vote.by)}'s vote on ${what} came after the vote was decided; ${outcome}`,
        });
      }
    }
  }
}

const entryKey = (by: PublicKey | undefined, id: string) => `${by ?? ""}\u0000${id}`;

/** The entries a tampering or an equivocation names, every version of each, in one pass over the purse (none in an honest commune). */
function entriesNamed(sources: NoteSources): Map<string, SignedEntry[]> {
  const wanted = new Map<string, SignedEntry[]>();
  for (const tampering of sources.tampered) if (tampering.place[0] === "entries") wanted.set(entryKey(tampering.by, tampering.id), []);
  for (const problem of sources.problems)
    if (problem.subject === "entry" && (problem.code === "record.equivocation" || problem.code === "record.future-dated"))
      wanted.set(entryKey(problem.by, problem.id), []);
  if (wanted.size === 0) return wanted;
  // Ids first: one set look-up per entry and no string made for it, so a single noted entry costs a 100,000-entry purse little at every new entry.
  const ids = new Set([...wanted.keys()].map((key) => key.slice(key.indexOf("\u0000") + 1)));
  for (const { entry } of sources.entries) {
    if (!ids.has(entry.id)) continue;
    const versions = wanted.get(entryKey(entry.by, entry.id));
    if (versions && !versions.some((known) => known.sig === entry.sig)) versions.push(entry);
  }
  return wanted;
}

/** How many votes name `proposal`'s version: whether "the version the votes approved" is the one that counts. */
function votesNaming(doc: ProposalsDoc, proposal: SignedProposal): number {
  const version = proposalVersion(proposal);
  return (doc.votes[proposal.id] ?? []).filter((vote) => vote.version === version).length;
}

function noteTampering(notes: RecordNotes, tampering: Tampering, sources: NoteSources, words: Words, entries: Map<string, SignedEntry[]>): void {
  const [list, slot] = tampering.place;
  const who = words.name(tampering.by);
  const tampered = (message: string): RecordNote => ({ code: "record.tampered", message });
  switch (list) {
    case "entries": {
      const original = entries.get(entryKey(tampering.by, tampering.id))?.[0];
      const noun = original ? ENTRY_NOUNS[original.kind] : "purse entry";
      const message =
        tampering.kind === "deleted"
          ? `${who}'s signed ${noun} was deleted from the documents after it was written; the purse judges it as if it were there`
          : `${who}'s ${noun} was changed after it was signed (${words.changes(tampering, original)}); the purse judges the signed original`;
      // Not "it still counts": the signed original may itself count for nothing (overdrawn, or refused), and its row says so.
      notes.add("entry", tampering.id, tampering.by, tampered(message));
      return;
    }
    case "proposals": {
      const original = slot === undefined ? undefined : sources.proposals.proposals[slot];
      const counting = slot === undefined ? undefined : sources.state.proposals[slot]?.proposal;
      if (tampering.kind === "deleted") {
        notes.add(
          "proposal",
          tampering.id,
          tampering.by,
          tampered(`${who}'s signed proposal was deleted from the documents after it was written; it still counts`),
        );
        return;
      }
      const changes = words.changes(tampering, original);
      if (original && resignedByAuthor(tampering, original, "proposal", sources.verifier)) {
        const approved = counting !== undefined && votesNaming(sources.proposals, counting) > 0;
        notes.add("proposal", tampering.id, tampering.by, {
          code: "record.equivocation",
          message: `${who} signed a second version of this proposal after it was made (${changes}); ${approved ? "the version the votes approved" : "the first version"} counts`,
        });
        return;
      }
      notes.add(
        "proposal",
        tampering.id,
        tampering.by,
        tampered(`${who}'s proposal was changed after it was signed (${changes}); the signed original still counts`),
      );
      return;
    }
    case "votes": {
      if (slot === undefined) return;
      const vote = (sources.proposals.votes[slot] ?? []).find((known) => known.sig === tampering.id);
      const proposal = sources.state.proposals[slot]?.proposal ?? sources.proposals.proposals[slot];
      const choice = typeof vote?.choice === "string" ? `${vote.choice} ` : "";
      const message =
        tampering.kind === "deleted"
          ? `${who}'s signed ${choice}vote was deleted after it was cast; it still counts`
          : `${who}'s ${choice}vote was changed after it was signed (${words.changes(tampering, vote)}); the signed vote still counts`;
      if (proposal) notes.add("proposal", proposal.id, proposal.by, tampered(message));
      // A deleted vote on an admission or a removal is about a member's standing: that member's row says whether it holds.
      if (proposal && (proposal.kind === "remove" || proposal.kind === "admit")) {
        const outcome = sources.state.proposals[proposal.id]?.tally.outcome;
        const member = words.name(proposal.member);
        const what = proposal.kind === "remove" ? `${member}'s removal` : `${member}'s admission`;
        const stands = outcome === "passed" ? `${what} stands` : "the proposal is decided by its signed votes as before";
        notes.add(
          "member",
          proposal.member,
          proposal.member,
          tampered(
            `A signed vote on ${what} was ${tampering.kind === "deleted" ? "deleted" : "changed"} after it was cast; ${stands} (the signed vote still counts)`,
          ),
        );
      }
      return;
    }
    case "events": {
      const event = sources.commune.events.find((known) => known.sig === tampering.id);
      const member = event && event.type === "admit" ? event.member : tampering.by;
      const what = event ? EVENT_NOUNS[event.type] : "membership record";
      const message =
        tampering.kind === "deleted"
          ? `${who}'s signed ${what} was deleted from the documents after it was written; it still counts`
          : `${who}'s ${what} was changed after it was signed (${words.changes(tampering, event)}); the signed original still counts`;
      if (member) notes.add("member", member, member, tampered(message));
      return;
    }
    case "genesis": {
      const founder = sources.state.founder;
      const message =
        tampering.kind === "deleted"
          ? `The commune's founding record, signed by ${words.name(founder)}, was deleted from the documents; the signed original still counts`
          : `The commune's founding record, signed by ${words.name(founder)}, was changed after it was signed (${words.changes(tampering, undefined)}); the signed original still counts`;
      notes.add("member", founder, founder, tampered(message));
      return;
    }
    case "items": {
      const message =
        tampering.kind === "deleted"
          ? `${who}'s signed knowledge item was deleted from the documents after it was written; it still counts`
          : `${who}'s knowledge item was changed after it was signed (${words.changes(tampering, undefined)}); the signed original still counts`;
      notes.add("item", slot ?? tampering.id, tampering.by, tampered(message));
      return;
    }
    default:
      return;
  }
}

/**
 * Whether an overwritten record was replaced by another version its own
 * author validly signed (an equivocation), not by someone's unsigned edit:
 * the record the document shows now is the original with the changed
 * fields, and its signature must hold.
 */
function resignedByAuthor(tampering: Tampering, original: object, purpose: SignaturePurpose, verifier: Verifier): boolean {
  if (!tampering.changed.some((change) => change.field === "sig") || tampering.changed.some((change) => change.field === "by")) return false;
  const now: Record<string, unknown> = { ...original };
  for (const change of tampering.changed) {
    if (change.now === undefined) delete now[change.field];
    else now[change.field] = change.now;
  }
  return checkSignature(verifier, purpose, now) === undefined;
}

const EVENT_NOUNS: Record<CommuneDoc["events"][number]["type"], string> = {
  join: "record of joining",
  admit: "admission",
  leave: "notice of leaving",
};
