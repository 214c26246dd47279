import type * as A from "@automerge/automerge";
import { fromStored } from "../docs/automerge-form";
import { proposalSchema } from "../docs/records";
import { parseWith } from "../docs/reasons";
import type { SignedProposal } from "../proposals/proposal";
import type { ProblemSubject, Problem } from "../commune/state";
import type { PublicKey } from "../identity/keys";
import { scanHistory, type Place, type Places, type Sighting } from "./scan";
import { isWholeHistory } from "./whole-history";

/**
 * A document as the signed-history rule reads it: every record it ever
 * held, not only the ones its current state still shows, and what someone
 * did to the ones it no longer shows as they were written.
 */
export interface EveryRecord {
  /** What the document readers (shared/docs/documents.ts) read: the document itself, or plain data with every record ever present. */
  doc: unknown;
  tampered: Tampering[];
  /** Every value each index key (e.g. "shards/<owner>/<year>", or "owner" of a shard) was ever set to, first seen first; empty when nothing was ever re-pointed. */
  indexes: Map<string, string[]>;
  /** Envelope fields (a shard's owner, a document's commune) a peer rewrote: `doc` shows the value the document was made with. */
  rewritten: { field: string; made: string; now: unknown }[];
  /** For a document whose history was scanned: the change that first carried each signed record, by signature (empty when the current state is the whole history). */
  firstChange: Map<string, string>;
  /**
   * Signed records a key once held that the restored document does not
   * show: every version but the first seen under a key (a proposal re-signed
   * in place). Their judge decides what they are (an equivocation, for a
   * proposal); the readers see only the first.
   */
  displaced: { place: Place; record: Record<string, unknown> }[];
}

export type TamperingKind = "deleted" | "overwritten";

export interface Tampering {
  kind: TamperingKind;
  /** Where the record sat, e.g. ["entries"] or ["proposals", "<id>"]. */
  place: Place;
  /** The record's own id when it has one (entries, proposals, items), else its signature. */
  id: string;
  by: PublicKey | undefined;
  /** For an overwritten record: the fields that differ, with the signed value and what the document shows now. */
  changed: { field: string; signed: unknown; now: unknown }[];
}

export type PlacesName = "commune" | "purse-shard" | "proposals" | "inventory";

/**
 * The unsigned text fields a document is made with, which say what it is
 * and whose (./version.ts, shared/docs/documents.ts): scanned as index
 * values, so the value the document was made with is the one read, however
 * a peer rewrites it later (`everyRecordFrom`). The schema number is not
 * among them: a newer version may raise it, and a reader takes it as advice.
 */
const ENVELOPE: Record<PlacesName, readonly string[]> = {
  commune: ["type"],
  "purse-shard": ["type", "commune", "owner", "period"],
  proposals: ["type", "commune"],
  inventory: ["type", "commune"],
};
const isEnvelope = (name: PlacesName, place: Place) => place.length === 1 && ENVELOPE[name].includes(place[0]!);

/** Where each kind of Commune document keeps its records and index values. */
export const PLACES: Record<PlacesName, Places> = {
  commune: {
    record: (place) => place.length === 1 && (place[0] === "genesis" || place[0] === "events"),
    index: (place) => (place.length === 2 && (place[0] === "shards" || place[0] === "docs")) || isEnvelope("commune", place),
  },
  "purse-shard": { record: (place) => place.length === 1 && place[0] === "entries", index: (place) => isEnvelope("purse-shard", place) },
  proposals: {
    record: (place) => place.length === 2 && (place[0] === "proposals" || place[0] === "votes" || place[0] === "comments" || place[0] === "outcomes"),
    index: (place) => isEnvelope("proposals", place),
  },
  inventory: { record: (place) => place.length === 2 && place[0] === "items", index: (place) => isEnvelope("inventory", place) },
};

/**
 * Reads `doc` by the signed-history rule. A document whose current state is
 * its whole history (`isWholeHistory`: every honest document that was only
 * ever appended to) is returned as it is, at no further cost. Otherwise its
 * changes are scanned and every signed record ever seen is put back where it
 * sat, in the order it was first seen, the current state's own records after
 * them; a record filed under a key (a proposal, the genesis) is the version
 * first seen there. What was deleted or changed is reported.
 *
 * Identity is the signature: Ed25519 signatures are deterministic, so one
 * signed content has one signature, and a record whose fields were changed
 * in place keeps a signature that no longer matches them (the judges say so).
 */
export function everyRecord(doc: A.Doc<unknown>, places: Places, changes: () => readonly Uint8Array[]): EveryRecord {
  if (isWholeHistory(doc)) return wholeHistory(doc);
  return everyRecordFrom(doc, places, scanHistory(changes(), places));
}

/** `everyRecord` of a document `isWholeHistory` found whole: the document itself, nothing done to it. */
export const wholeHistory = (doc: A.Doc<unknown>): EveryRecord => ({
  doc,
  tampered: [],
  indexes: new Map(),
  firstChange: new Map(),
  displaced: [],
  rewritten: [],
});

/**
 * The second half of `everyRecord`, for a document that is not its whole
 * history and whose changes were scanned elsewhere (the host scans in a
 * worker thread and keeps the sightings): the sightings of `scanHistory`
 * over the document's changes, put together with its current state.
 */
export function everyRecordFrom(doc: A.Doc<unknown>, places: Places, sightings: readonly Sighting[]): EveryRecord {
  const plain = fromStored(doc);
  if (!isObject(plain)) return { doc, tampered: [], indexes: new Map(), firstChange: new Map(), displaced: [], rewritten: [] };
  const displaced: EveryRecord["displaced"] = [];
  const tampered = restore(plain, sightings, places, displaced);
  const indexes = indexValues(sightings, places);
  return { doc: plain, tampered, indexes, firstChange: firstChanges(sightings, places), displaced, rewritten: restoreEnvelope(plain, indexes) };
}

/**
 * Puts back each envelope field the document was made with (an index value
 * at the root, or the commune's links to its other documents): the first
 * value seen is the maker's, since every other peer's change to it depends
 * on the change that made the document. Shard index keys are not among
 * them: a re-pointed shard key keeps every document it named (the readers
 * count them all).
 */
function restoreEnvelope(plain: Record<string, unknown>, indexes: ReadonlyMap<string, readonly string[]>): EveryRecord["rewritten"] {
  const rewritten: EveryRecord["rewritten"] = [];
  for (const [field, values] of indexes) {
    const made = values[0];
    const path = field.split("/");
    if (made === undefined || !(path.length === 1 || (path.length === 2 && path[0] === "docs"))) continue;
    const parent = ensure(plain, path.slice(0, -1), false) as Record<string, unknown>;
    const slot = path[path.length - 1]!;
    const now = Object.hasOwn(parent, slot) ? parent[slot] : undefined;
    if (now === made) continue;
    rewritten.push({ field, made, now });
    Object.defineProperty(parent, slot, { value: made, enumerable: true, writable: true, configurable: true });
  }
  return rewritten;
}

function firstChanges(sightings: readonly Sighting[], places: Places): Map<string, string> {
  const first = new Map<string, string>();
  for (const sighting of sightings)
    if (places.record(sighting.place) && isSigned(sighting.value) && !first.has(sighting.value.sig)) first.set(sighting.value.sig, sighting.change);
  return first;
}

function indexValues(sightings: readonly Sighting[], places: Places): Map<string, string[]> {
  const indexes = new Map<string, string[]>();
  for (const sighting of sightings) {
    if (!places.index(sighting.place) || typeof sighting.value !== "string") continue;
    const key = sighting.place.join("/");
    const values = indexes.get(key) ?? [];
    if (!values.includes(sighting.value)) values.push(sighting.value);
    indexes.set(key, values);
  }
  return indexes;
}

/** Puts every sighted signed record back into `plain` (in place) and says what was done to it. */
function restore(plain: Record<string, unknown>, sightings: readonly Sighting[], places: Places, displaced: EveryRecord["displaced"]): Tampering[] {
  const tampered: Tampering[] = [];
  // Each place's records by signature, first seen first: a Map keeps insertion order, and looking a signature up stays O(1) in a 100,000-entry shard.
  const byPlace = new Map<string, { place: Place; list: boolean; bySig: Map<string, SignedRecord> }>();
  for (const sighting of sightings) {
    const { value } = sighting;
    if (!places.record(sighting.place) || !isSigned(value)) continue;
    const key = sighting.place.join("\u0000");
    const group = byPlace.get(key) ?? { place: sighting.place, list: sighting.list, bySig: new Map<string, SignedRecord>() };
    if (!group.bySig.has(value.sig)) group.bySig.set(value.sig, value);
    byPlace.set(key, group);
  }
  for (const { place, list, bySig } of byPlace.values()) {
    const records = [...bySig.values()];
    if (list) {
      const container = ensure(plain, place, true) as unknown[];
      const current = container.filter(isSigned);
      const shown = new Set(current.map((record) => record.sig));
      for (const record of records) if (!shown.has(record.sig)) tampered.push(tamperingOf("deleted", place, record));
      // A record changed in place keeps its signature: the signed original takes its place.
      for (const now of current) {
        const original = bySig.get(now.sig);
        const changed = original ? changedFields(original, now) : [];
        if (original && changed.length > 0) tampered.push({ ...tamperingOf("overwritten", place, original), changed });
      }
      const restored: unknown[] = [...records, ...(container as unknown[]).filter((value) => !isSigned(value) || !bySig.has(value.sig))];
      // Element by element: a shard's list can hold more records than a call takes arguments.
      container.length = 0;
      for (const value of restored) container.push(value);
    } else {
      const parent = ensure(plain, place.slice(0, -1), false) as Record<string, unknown>;
      const slot = place[place.length - 1]!;
      const first = records[0]!;
      const now = Object.hasOwn(parent, slot) ? parent[slot] : undefined;
      if (!isSigned(now)) tampered.push(tamperingOf("deleted", place, first));
      else if (now.sig !== first.sig || changedFields(first, now).length > 0)
        tampered.push({ ...tamperingOf("overwritten", place, first), changed: changedFields(first, now) });
      Object.defineProperty(parent, slot, { value: first, enumerable: true, writable: true, configurable: true });
      for (const other of records.slice(1)) displaced.push({ place, record: other });
    }
  }
  return tampered;
}

function tamperingOf(kind: TamperingKind, place: Place, record: SignedRecord): Tampering {
  return { kind, place, id: typeof record.id === "string" ? record.id : record.sig, by: typeof record.by === "string" ? record.by : undefined, changed: [] };
}

function changedFields(signed: Record<string, unknown>, now: Record<string, unknown>): Tampering["changed"] {
  const fields = new Set([...Object.keys(signed), ...Object.keys(now)]);
  const changed: Tampering["changed"] = [];
  for (const field of fields) {
    const before = signed[field];
    const after = now[field];
    // Most fields are the same scalar: no encoding for them (a 20,000-entry shard has 160,000 fields to compare).
    if (before !== after && encoded(before) !== encoded(after)) changed.push({ field, signed: before, now: after });
  }
  return changed;
}

/**
 * The container at `place` in `root` (a list when `list`, else a map),
 * made, with every map on the way, when it is absent or a peer put
 * something else there (text where the entries were, a list where the
 * votes were): the signed records it held are put back into the new one.
 */
function ensure(root: Record<string, unknown>, place: Place, list: boolean): Record<string, unknown> | unknown[] {
  let current: Record<string, unknown> | unknown[] = root;
  place.forEach((key, index) => {
    const last = index === place.length - 1;
    const wantList = last && list;
    const parent = current as Record<string, unknown>;
    const now = Object.hasOwn(parent, key) ? parent[key] : undefined;
    const fits = wantList ? Array.isArray(now) : isObject(now) && !Array.isArray(now);
    if (!fits) Object.defineProperty(parent, key, { value: wantList ? [] : {}, enumerable: true, writable: true, configurable: true });
    current = parent[key] as Record<string, unknown> | unknown[];
  });
  return current;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
type SignedRecord = Record<string, unknown> & { sig: string };
const isSigned = (value: unknown): value is SignedRecord => isObject(value) && !Array.isArray(value) && typeof value.sig === "string";

const SUBJECTS: Record<string, ProblemSubject> = {
  entries: "entry",
  genesis: "genesis",
  proposals: "proposal",
  votes: "vote",
  comments: "comment",
  outcomes: "outcome",
  items: "item",
};

/** What a record in a document's list or map is, for a problem: the one mapping the readers' malformed records and the tampering reports use. */
export const problemSubjectOf = (list: string): ProblemSubject => (Object.hasOwn(SUBJECTS, list) ? SUBJECTS[list]! : "membership");
const NOUNS: Record<ProblemSubject, string> = {
  genesis: "founding record",
  entry: "purse entry",
  membership: "membership record",
  proposal: "proposal",
  vote: "vote",
  comment: "comment",
  outcome: "outcome statement",
  item: "knowledge item",
};

/**
 * What a member is told about a tampered record, beside it: what was done,
 * and that the signed original still counts. Names come from `nameOf`, so
 * the reason reads "Ada's purse entry ..." rather than a key.
 */
export function tamperingProblem(tampering: Tampering, nameOf: (key: PublicKey | undefined) => string): Problem {
  const subject = problemSubjectOf(tampering.place[0] ?? "");
  const whose = `${nameOf(tampering.by)}'s signed ${NOUNS[subject]}`;
  const reason =
    tampering.kind === "deleted"
      ? `${whose} was deleted from the document after it was written; the signed original still counts`
      : `${whose} was changed after it was signed (${tampering.changed.map((change) => `${change.field}: ${shown(change.signed)} → ${shown(change.now)}`).join(", ")}); the signed original still counts`;
  return { subject, id: tampering.id, by: tampering.by, reason, code: tampering.kind === "deleted" ? "record.deleted" : "record.overwritten" };
}

const shown = (value: unknown): string =>
  value === undefined
    ? "nothing"
    : typeof value === "string"
      ? JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)
      : (encoded(value) ?? String(value));

const LINKED: Record<string, string> = {
  "docs/proposals": "The commune's link to its proposals was re-pointed to another document; the proposals document it was founded with still counts",
  "docs/inventory": "The commune's link to its knowledge inventory was re-pointed to another document; the inventory it was founded with still counts",
};

/**
 * What a member is told when a key of the commune document's index (a
 * member's purse shard for a year, or the link to the proposals or the
 * inventory) was set to more than one document over its history: the host
 * reads every document it named (shards) or the one the commune was founded
 * with (links), so nothing is lost, but someone pointed it elsewhere and
 * the members should know. `values` are the documents, first seen first.
 */
export function repointedProblem(place: string, values: readonly string[], nameOf: (key: PublicKey | undefined) => string): Problem {
  const shard = /^shards\/([0-9a-f]{64})\/(\d{4})$/.exec(place);
  const reason = shard
    ? `The commune's index of ${nameOf(shard[1])}'s purse for ${shard[2]} was re-pointed to another document (${values.length} documents over its history); the entries of every one of them still count`
    : (LINKED[place] ?? `The commune's index key ${shown(place)} was re-pointed to another document; the first one still counts`);
  return { subject: shard ? "entry" : place === "docs/inventory" ? "item" : "proposal", id: place, by: undefined, reason, code: "index.repointed" };
}

const DOCUMENT_NOUNS: Record<PlacesName, string> = {
  commune: "commune document",
  "purse-shard": "part of the purse",
  proposals: "proposals document",
  inventory: "knowledge inventory",
};

/** What a member is told about an envelope field a peer rewrote: what it says now, and that the document is read as it was made. */
export function rewrittenProblem(
  places: PlacesName,
  rewrite: EveryRecord["rewritten"][number],
  owner: PublicKey | undefined,
  nameOf: (key: PublicKey | undefined) => string,
): Problem {
  const whose = owner === undefined ? `This ${DOCUMENT_NOUNS[places]}` : `${nameOf(owner)}'s ${DOCUMENT_NOUNS[places]}`;
  const brief = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);
  const now = rewrite.now === undefined ? "deleted it" : `changed it to ${brief(shown(rewrite.now))}`;
  return {
    subject: places === "purse-shard" ? "entry" : places === "inventory" ? "item" : places === "proposals" ? "proposal" : "membership",
    id: rewrite.field,
    by: owner,
    code: "document.rewritten",
    reason: `${whose} was made with ${rewrite.field} ${shown(rewrite.made)}; someone ${now}. It is read as it was made.`,
  };
}

/** JSON for comparing and showing values a hostile document holds: a bigint (an integer too large for a number) becomes its digits instead of throwing. */
function encoded(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "bigint" ? inner.toString() : inner));
}

/**
 * The proposals a key once held besides the one restored there, as their
 * schema reads them: more versions for the replay to choose among (the one
 * its votes name counts; the author of the other is named).
 */
export function displacedProposals(displaced: EveryRecord["displaced"]): SignedProposal[] {
  const found: SignedProposal[] = [];
  for (const { place, record } of displaced) {
    if (place.length !== 2 || place[0] !== "proposals") continue;
    const parsed = parseWith(proposalSchema, record);
    if (parsed.ok && parsed.value.id === place[1]) found.push(parsed.value as SignedProposal);
  }
  return found;
}
