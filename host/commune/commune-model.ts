import type * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import {
  displacedProposals,
  problemSubjectOf,
  repointedProblem,
  rewrittenProblem,
  tamperingProblem,
  type EveryRecord,
  type PlacesName,
  type Tampering,
} from "../../shared/history/every-record";
import { ChangeGraph, recordHistory, type RecordHistory } from "../../shared/history/change-graph";
import { mayBeBackdated, opCounters, writtenAfter, type Dated } from "../../shared/history/backdated";
import { CLOCK_SKEW_MS, isFutureDated } from "../../shared/history/claimed-time";
import { communeRecords, communeState } from "../../shared/commune/commune-state";
import type { CommuneState, Problem, ProblemSubject } from "../../shared/commune/state";
import {
  readCommuneDoc,
  readInventoryDoc,
  readProposalsDoc,
  readPurseShardDoc,
  describeMalformed,
  type CommuneDoc,
  type InventoryDoc,
  type ProposalsDoc,
  type ReadDoc,
} from "../../shared/docs/documents";
import { inventory, type ItemView } from "../../shared/inventory/inventory";
import { partnerDeclines } from "../../shared/partners/filed";
import { PurseLedger, type EntryView, type PurseView, type ShardEntry } from "../../shared/purse/balances";
import type { SignedEntry } from "../../shared/purse/entry";
import { entrySignatureCheck, type SignatureCheck } from "../../shared/purse/entry-checks";
import type { Malformed } from "../../shared/docs/malformed";
import type { PublicKey } from "../../shared/identity/keys";
import { failWith, ok, type Problem as ResultProblem, type Result } from "../../shared/result";
import type { CommuneDocs } from "./commune-docs";
import { headsOf } from "./heads";
import { recordNotes, type RecordNotes } from "./record-notes";
import { Words } from "./record-words";
import type { Discussion } from "../../shared/proposals/discussion";
import { discussionProblems, discussionsOf } from "./discussions";
import type { OutcomeRecord } from "../../shared/proposals/outcome";
import { outcomeProblems, outcomesOf } from "./outcomes";
import type { HostCrypto } from "../signatures/host-crypto";

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
  /**
   * Every entry with the shard it was read from, as purse() judged them.
   * Copied from the cache's growing list when first read (see #entries), so
   * computing a model after a new entry does not copy the purse.
   */
  readonly entries: ShardEntry[];
  /** The running purse ledger the view came from: extended in place when entries are appended. */
  ledger: PurseLedger;
  items: ItemView[];
  /** Everything that counts for nothing, with the reason: forged, late, malformed. */
  problems: Problem[];
  /** What was done to records that still count (tampered, equivocated), by record, for the views to show on each record's row. */
  notes: RecordNotes;
  doc: CommuneDoc;
  proposals: ProposalsDoc;
  /** Each proposal's discussion, judged and threaded (./discussions.ts), by proposal id. */
  discussions: ReadonlyMap<string, Discussion>;
  /** Each decided proposal's outcome statements (./outcomes.ts), by proposal id. */
  outcomes: ReadonlyMap<string, OutcomeRecord>;
  /** Fingerprint of the document versions this model was computed from. */
  version: string;
}

interface Parsed<T> {
  heads: string;
  read: Result<ReadDoc<T>>;
  /** Records the document's history holds and its current state no longer shows as written (shared/history/). */
  tampered: Tampering[];
  /** When the history was scanned: the change that first carried each signed record, by signature. */
  firstChange: ReadonlyMap<string, string>;
  /** Signed records a key once held besides the one the read shows (a proposal re-signed in place). */
  displaced: EveryRecord["displaced"];
  /** Index keys (the commune document's "shards/…" and "docs/…") that named more than one document over its history. */
  repointed: [place: string, values: string[]][];
  /** Envelope fields a peer rewrote; the read shows the values the document was made with. */
  rewritten: EveryRecord["rewritten"];
}

/**
 * One shard as last read: its heads, owner, entries (each paired with the
 * shard's owner once, not on every model), and how many raw entries they
 * came from.
 */
interface ShardRead {
  heads: string[];
  key: string;
  read: Result<{ owner: PublicKey; entries: ShardEntry[]; malformed: Malformed[]; schemaNote?: ResultProblem }>;
  length: number;
  /** What was done to entries this shard once held (shared/history/); the originals are among `entries`. */
  tampered: Tampering[];
  /** Read ahead by prepare() and not yet part of any model: the next compute takes all of it as new. */
  pending?: boolean;
  /** When the history was scanned: the change that first carried each entry, by signature (for the change graph). */
  firstChange: ReadonlyMap<string, string>;
  /** The latest date among its entries not dated ahead of the clock: an appended entry dated well before it may be backdated. */
  latestAt: number;
  /** Its entries written after one of their author's dated well later (`ShardEntry.writtenAfter`). */
  backdated: ShardEntry[];
  /** Envelope fields (its owner, commune, year) a peer rewrote; the read shows the values it was made with. */
  rewritten: EveryRecord["rewritten"];
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const withOwner = (owner: PublicKey, entries: readonly SignedEntry[]): ShardEntry[] => entries.map((entry) => ({ entry, shardOwner: owner }));

/** A document that says a newer version saved it, named beside its records (which were read all the same). */
const schemaProblem = (note: ResultProblem, subject: ProblemSubject, by: PublicKey | undefined): Problem => ({
  subject,
  id: "",
  by,
  code: note.code,
  reason: note.message,
});

/** What the purse's ledger says counts for nothing, one problem per untrusted entry. */
function untrustedProblems(views: readonly EntryView[]): Problem[] {
  const problems: Problem[] = [];
  for (const view of views) {
    if (view.status === "untrusted")
      problems.push({ subject: "entry", id: view.entry.id, by: view.entry.by, reason: view.reason ?? "untrusted", ...(view.code ? { code: view.code } : {}) });
  }
  return problems;
}

export class CommuneModelCache {
  readonly #crypto: HostCrypto;
  readonly #checkEntry: SignatureCheck;
  #parsed = new Map<string, Parsed<unknown>>();
  readonly #graphs = new Map<string, ChangeGraph>();
  #shards = new Map<string, ShardRead>();
  #model: CommuneModel | undefined;
  #stateKey: string | undefined;
  /** The partners' declines that count, worked out once per version of the commune document and state, and the key they were judged under. */
  #declines: { key: string; declines: { claim: string; at: number; sig: string }[]; sigs: string } | undefined;
  /** The membership records of the commune document at the heads it was last read at. */
  #membership: { heads: string; key: string } | undefined;
  /** The untrusted entries of #model's ledger, extended with the ledger so an append does not rescan the purse. */
  #untrusted: Problem[] = [];
  /**
   * Every entry #model's ledger judged, in the order they were read. Only
   * ever pushed to (a replay starts a new list): a model records the length
   * it was computed at and copies that many when its entries are read, so
   * an append never shows in a model computed before it.
   */
  #entries: ShardEntry[] = [];
  /** Entries whose signature this cache has found valid; weak, so entries of an older read go with it. */
  #signed = new WeakSet<SignedEntry>();

  constructor(crypto: HostCrypto) {
    this.#crypto = crypto;
    this.#checkEntry = entrySignatureCheck(crypto);
  }

  /**
   * Reads a shard, and says what was appended since the last read: the new
   * entries when the only changes since are insertions at the end of its
   * entries list (what a member's host writes), undefined when anything else
   * changed and the whole shard was read again.
   */
  #readShard(docs: CommuneDocs, handle: DocHandle<unknown>, now: number): { shard: ShardRead; appended: ShardEntry[] | undefined } {
    const heads = headsOf(handle) as string[];
    const key = heads.join(",");
    let previous: ShardRead | undefined = this.#shards.get(handle.url);
    if (previous?.pending) {
      previous.pending = false;
      if (previous.key === key) return { shard: previous, appended: previous.read.ok ? previous.read.value.entries : undefined };
      // Changed since it was read ahead: no model holds any of it, so it is read as new.
      previous = undefined;
    }
    if (previous && previous.key === key) return { shard: previous, appended: [] };
    const doc = handle.doc() as { entries?: unknown[] } | undefined;
    const length = Array.isArray(doc?.entries) ? doc.entries.length : 0;
    if (previous?.read.ok) {
      if (this.#onlyAppends(handle, previous, heads, key)) {
        const tail = readPurseShardDoc(doc, previous.length);
        if (tail.ok) {
          const { owner } = previous.read.value;
          const appended = withOwner(owner, tail.value.doc.entries);
          // The lists grow in place, not by copy: this read replaces the previous one, which no one else holds.
          const { entries, malformed, schemaNote } = previous.read.value;
          for (const item of appended) entries.push(item);
          for (const item of tail.value.malformed) malformed.push(item);
          const shard: ShardRead = {
            heads,
            key,
            length,
            read: ok({ owner, entries, malformed, ...(schemaNote ? { schemaNote } : {}) }),
            tampered: previous.tampered,
            firstChange: previous.firstChange,
            latestAt: previous.latestAt,
            backdated: previous.backdated,
            rewritten: previous.rewritten,
          };
          this.#markBackdated(handle, shard, appended, now);
          this.#shards.set(handle.url, shard);
          return { shard, appended };
        }
      }
    }
    // Only here, not for an append: an append that passed the check above hid nothing.
    const seen = docs.everyRecordOf(handle, "purse-shard");
    const full = seen.ok ? readPurseShardDoc(seen.value.doc) : seen;
    const shard: ShardRead = {
      heads,
      key,
      length,
      tampered: seen.ok ? seen.value.tampered : [],
      read: full.ok
        ? ok({
            owner: full.value.doc.owner,
            entries: withOwner(full.value.doc.owner, full.value.doc.entries),
            malformed: full.value.malformed,
            ...(full.value.schemaNote ? { schemaNote: full.value.schemaNote } : {}),
          })
        : failWith(full.error),
      firstChange: seen.ok ? seen.value.firstChange : new Map(),
      latestAt: -Infinity,
      backdated: [],
      rewritten: seen.ok ? seen.value.rewritten : [],
    };
    if (shard.read.ok) this.#markBackdated(handle, shard, shard.read.value.entries, now);
    this.#shards.set(handle.url, shard);
    return { shard, appended: previous ? undefined : shard.read.ok ? shard.read.value.entries : undefined };
  }

  /**
   * Finds which of `items` (a shard's entries just read: all of them, or
   * those appended) are backdated, and notes on each the entry it was
   * provably written after (shared/history/backdated.ts). The op counters
   * answer for an honest shard without the change graph; the graph is read
   * only when some entry is dated well before one written ahead of it.
   */
  #markBackdated(handle: DocHandle<unknown>, shard: ShardRead, items: readonly ShardEntry[], now: number): void {
    if (!shard.read.ok || items.length === 0) return;
    const { owner, entries } = shard.read.value;
    const dated = (item: ShardEntry): Dated | undefined =>
      Number.isSafeInteger(item.entry.at) && typeof item.entry.sig === "string" ? { sig: item.entry.sig, at: item.entry.at } : undefined;
    const before = shard.latestAt;
    for (const item of items) {
      const record = dated(item);
      if (record && !isFutureDated(record.at, now) && record.at > shard.latestAt) shard.latestAt = record.at;
    }
    const candidates = items.flatMap((item) => dated(item) ?? []);
    const doc = handle.doc() as { entries?: unknown } | undefined;
    // Appended entries come after what the shard held: only a date well before the latest one so far can be false.
    const suspect =
      items === entries
        ? mayBeBackdated(candidates, opCounters(doc?.entries), now)
        : candidates.some((record) => record.at + CLOCK_SKEW_MS < Math.max(before, shard.latestAt));
    if (!suspect) return;
    // Only the owner's own genuine entries bear witness: anyone can write a record dated 2099 into a shard.
    const witnesses = entries.filter(({ entry }) => entry.by === owner && this.#checkSignature(entry) === undefined).map(({ entry }) => entry);
    const history = recordHistory(handle.doc() as A.Doc<unknown>, this.#graphOf(handle.url), shard.firstChange, ["entries"]);
    const found = writtenAfter(candidates, witnesses, (records) => history.latestSeen(records), now);
    if (found.size === 0) return;
    for (const item of items) {
      const after = typeof item.entry.sig === "string" ? found.get(item.entry.sig) : undefined;
      if (!after) continue;
      item.writtenAfter = after;
      shard.backdated.push(item);
    }
  }

  /**
   * What the commune document's change graph says about its membership
   * events. The op counters answer first: the graph is read only when some
   * event is dated well before one written ahead of it.
   */
  #eventHistory(docs: CommuneDocs, firstChange: ReadonlyMap<string, string>, now: number): Pick<RecordHistory, "latestSeen"> {
    const doc = docs.commune.doc() as A.Doc<unknown>;
    const history = recordHistory(doc, this.#graphOf(docs.commune.url), firstChange, ["events"]);
    return {
      latestSeen: (dated) => {
        const counters = opCounters((doc as { events?: unknown }).events);
        const records = [...dated].map(([sig, at]) => ({ sig, at }));
        return mayBeBackdated(records, counters, now) ? history.latestSeen(dated) : new Map();
      },
    };
  }

  /** The last append check made, per shard: ready() and #readShard ask it of the same version. */
  readonly #appendChecks = new Map<string, { from: string; to: string; onlyAppends: boolean }>();

  /** Whether the only changes from the shard's last read to `heads` are entries appended at the end (what a member's host writes). */
  #onlyAppends(handle: DocHandle<unknown>, previous: ShardRead, heads: readonly string[], key: string): boolean {
    const known = this.#appendChecks.get(handle.url);
    if (known?.from === previous.key && known.to === key) return known.onlyAppends;
    const patches = handle.diff(previous.heads as never, heads as never);
    const onlyAppends = patches.every((patch) => patch.path[0] === "entries" && typeof patch.path[1] === "number" && patch.path[1] >= previous.length);
    this.#appendChecks.set(handle.url, { from: previous.key, to: key, onlyAppends });
    return onlyAppends;
  }

  /**
   * Has every document the next compute() reads in full settled by the
   * signed-history reader (../history/history-reader.ts): a document whose
   * history needs scanning is scanned in a worker, while this thread goes
   * on answering. A shard that only had entries appended is not read in
   * full, and so costs nothing here.
   */
  async ready(docs: CommuneDocs): Promise<void> {
    const needed: { handle: DocHandle<unknown>; places: PlacesName }[] = [];
    const small: [DocHandle<unknown>, PlacesName][] = [
      [docs.commune as DocHandle<unknown>, "commune"],
      [docs.proposals as DocHandle<unknown>, "proposals"],
      [docs.inventory as DocHandle<unknown>, "inventory"],
    ];
    for (const [handle, places] of small) if (this.#parsed.get(handle.url)?.heads !== headsOf(handle).join(",")) needed.push({ handle, places });
    for (const handle of docs.shards.values()) {
      if (!handle.isReady()) continue;
      const heads = headsOf(handle);
      const key = heads.join(",");
      const previous = this.#shards.get(handle.url);
      if (previous?.key === key) continue;
      if (previous?.read.ok && !previous.pending && this.#onlyAppends(handle, previous, heads, key)) continue;
      needed.push({ handle: handle as DocHandle<unknown>, places: "purse-shard" });
    }
    await docs.history.settle(needed);
  }

  /**
   * Reads the shards no model has seen yet and checks their entries'
   * signatures on every core (./signature-workers): worker threads take
   * chunks of entries while this thread reads the next shards and takes
   * chunks too, a few milliseconds at a time with the event loop free in
   * between. The first model of a large purse then costs the judging alone,
   * and the host keeps answering (saved views, other communes, a browser
   * waiting for its page) while 100,000 signatures are checked. Entries
   * found valid are what compute()'s checks find done; the others are left
   * to the ledger, which checks them again (their verdicts are remembered)
   * and says what is wrong.
   */
  async prepare(docs: CommuneDocs): Promise<void> {
    await this.readAhead(docs);
    // Checks started by an earlier readAhead (while the shards arrived) are waited for too.
    while (this.#checking.size > 0) await Promise.all(this.#checking);
    const failure = this.#checkFailure;
    this.#checkFailure = undefined;
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  }

  /**
   * What prepare() does, without waiting for the signature checks it starts:
   * called as each shard of a purse still arriving is in (a newcomer's, one
   * shard at a time), so the workers check one shard while this thread loads
   * the next, rather than every check starting once the last shard is in.
   */
  async readAhead(docs: CommuneDocs): Promise<void> {
    // Shard versions found sound before are in the verdict file: wait until it is read.
    await this.#crypto.verdictsRead;
    const unread = [...docs.shards.values()].filter((handle) => !this.#shards.has(handle.url));
    // Every shard whose history needs a scan is queued for the workers at once; each is read as soon as its own scan is in.
    const settled = unread.map((handle) => docs.history.settle([{ handle: handle as DocHandle<unknown>, places: "purse-shard" }]));
    for (const [index, handle] of unread.entries()) {
      await settled[index];
      if (this.#shards.has(handle.url)) continue;
      const { shard } = this.#readShard(docs, handle, Date.now());
      shard.pending = true;
      await turn();
      if (!shard.read.ok) continue;
      const entries = shard.read.value.entries;
      const version = `${handle.url}@${[...shard.heads].sort().join(",")}`;
      if (this.#crypto.verifiedVersions.has(version)) {
        for (const { entry } of entries) this.#signed.add(entry);
        continue;
      }
      this.#track(this.#checkShard(entries, version));
    }
  }

  /** Signature checks started and not finished: prepare() waits for every one, and passes on the first that failed. */
  readonly #checking = new Set<Promise<void>>();
  #checkFailure: unknown;

  #track(check: Promise<void>): void {
    const settled: Promise<void> = check
      .catch((error: unknown) => {
        this.#checkFailure ??= error;
      })
      .finally(() => this.#checking.delete(settled));
    this.#checking.add(settled);
  }

  async #checkShard(entries: readonly ShardEntry[], version: string): Promise<void> {
    const unchecked = entries.map(({ entry }) => entry).filter((entry) => !this.#signed.has(entry));
    const problems = await this.#crypto.workers.check(unchecked);
    let allValid = true;
    problems.forEach((problem, index) => {
      if (problem === undefined) this.#signed.add(unchecked[index]!);
      else allValid = false;
    });
    if (allValid) this.#crypto.verifiedVersions.add(version);
  }

  /** The signature check of every ledger made here: an entry object checked once is not checked (or looked up) again. */
  readonly #checkSignature: SignatureCheck = (entry) => {
    if (this.#signed.has(entry)) return undefined;
    const problem = this.#checkEntry(entry);
    if (problem === undefined) this.#signed.add(entry);
    return problem;
  };

  /** The change graph of a document, kept and grown across models: which vote's author had which in their copy (shared/history/change-graph.ts). */
  #graphOf(url: string): ChangeGraph {
    let graph = this.#graphs.get(url);
    if (!graph) this.#graphs.set(url, (graph = new ChangeGraph()));
    return graph;
  }

  #read<T>(docs: CommuneDocs, handle: DocHandle<unknown>, reader: (raw: unknown) => Result<ReadDoc<T>>, places: PlacesName): Parsed<T> {
    const heads = headsOf(handle).join(",");
    const cached = this.#parsed.get(handle.url) as Parsed<T> | undefined;
    if (cached && cached.heads === heads) return cached;
    const seen = docs.everyRecordOf(handle, places);
    const parsed: Parsed<T> = seen.ok
      ? {
          heads,
          read: reader(seen.value.doc),
          tampered: seen.value.tampered,
          firstChange: seen.value.firstChange,
          displaced: seen.value.displaced,
          repointed: [...seen.value.indexes].filter(([place, values]) => values.length > 1 && place.includes("/")),
          rewritten: seen.value.rewritten,
        }
      : { heads, read: seen, tampered: [], firstChange: new Map(), displaced: [], repointed: [], rewritten: [] };
    this.#parsed.set(handle.url, parsed);
    return parsed;
  }

  /**
   * What the membership replay reads of the commune document (the genesis
   * and the events, by signature), worked out once per version of it. Other
   * changes to that document (a checkpoint written on an invite, the relay
   * list, a new shard in the index) leave it as it was, and so the purse
   * is not judged again for them.
   */
  #membershipKey(heads: string, doc: CommuneDoc): string {
    if (this.#membership?.heads !== heads) {
      this.#membership = { heads, key: [doc.genesis.sig, ...doc.events.map((event) => event.sig)].join(",") };
    }
    return this.#membership.key;
  }

  /**
   * The partners' declines of our exchanges out, filed in the commune
   * document (shared/partners/filed.ts), judged against each partner's
   * roster once per version of that document and of the state.
   */
  #partnerDeclines(docs: CommuneDocs, key: string, state: CommuneState, doc: CommuneDoc, now: number) {
    if (this.#declines?.key === key) return this.#declines;
    const declines = partnerDeclines(this.#crypto, docs.commune.doc(), state, doc.partners, now);
    this.#declines = { key, declines, sigs: declines.map((decline) => decline.sig).join(",") };
    return this.#declines;
  }

  /** The model for the documents as they are; recomputed only when some document changed or time moved past a decision. */
  compute(docs: CommuneDocs, id: string, now: number): Result<CommuneModel> {
    const commune = this.#read<CommuneDoc>(docs, docs.commune, readCommuneDoc, "commune");
    if (!commune.read.ok) return failWith(commune.read.error);
    const proposals = this.#read<ProposalsDoc>(docs, docs.proposals, readProposalsDoc, "proposals");
    if (!proposals.read.ok) return failWith(proposals.read.error);
    const items = this.#read<InventoryDoc>(docs, docs.inventory, readInventoryDoc, "inventory");
    if (!items.read.ok) return failWith(items.read.error);
    const shardReads = [...docs.shards.values()].map((handle) => this.#readShard(docs, handle, now));

    const version = [commune.heads, proposals.heads, items.heads, ...shardReads.map(({ shard }) => shard.key)].join("|");
    const previous = this.#model;
    const timeMoved = previous !== undefined && (decisionPassed(previous.state, now) || (previous.ledger?.nextDue ?? Infinity) <= now);
    if (previous && previous.version === version && !timeMoved) {
      advanceClock(previous.state, now);
      return ok(previous);
    }

    // The membership and proposals replay depends only on the commune and
    // proposals documents (and the clock, when a decision falls due).
    const stateKey = `${this.#membershipKey(commune.heads, commune.read.value.doc)}|${proposals.heads}`;
    const reuseState = previous !== undefined && this.#stateKey === stateKey && !timeMoved;
    const proposalsDoc = proposals.read.value.doc;
    let state: CommuneState;
    if (reuseState) {
      state = previous.state;
      advanceClock(state, now);
    } else {
      const history = recordHistory(docs.proposals.doc() as A.Doc<unknown>, this.#graphOf(docs.proposals.url), proposals.firstChange, ["votes", "proposals"]);
      const records = communeRecords(commune.read.value.doc, proposalsDoc, history, this.#eventHistory(docs, commune.firstChange, now));
      // A proposal re-signed in place is a second version, not only a tampering: the replay chooses the one its votes name.
      records.proposals = [...records.proposals, ...displacedProposals(proposals.displaced)];
      const computed = communeState(this.#crypto, records, now, id);
      if (!computed.ok) return failWith(computed.error);
      state = computed.value;
    }
    this.#stateKey = stateKey;
    const declinesBefore = this.#declines?.sigs;
    const declines = this.#partnerDeclines(docs, `${commune.heads}|${stateKey}`, state, commune.read.value.doc, now);
    const declinesChanged = declinesBefore !== undefined && declinesBefore !== declines.sigs;

    const problems: Problem[] = [...state.problems];
    const malformed = (reads: [Result<ReadDoc<unknown>>, ProblemSubject][]) => {
      for (const [read, subject] of reads) {
        if (!read.ok) continue;
        if (read.value.schemaNote) problems.push(schemaProblem(read.value.schemaNote, subject, undefined));
        for (const m of read.value.malformed)
          problems.push({ subject: problemSubjectOf(m.list), id: m.id ?? m.key ?? String(m.index ?? ""), by: m.by, reason: describeMalformed(m) });
      }
    };
    malformed([
      [commune.read, "membership"],
      [proposals.read, "proposal"],
      [items.read, "item"],
    ]);
    const nameOf = (key: PublicKey | undefined) => (key !== undefined && state.members[key]?.name) || (key ? key.slice(0, 8) : "someone");
    const tampered = [...commune.tampered, ...proposals.tampered, ...items.tampered, ...shardReads.flatMap(({ shard }) => shard.tampered)];
    for (const tampering of tampered) problems.push(tamperingProblem(tampering, nameOf));
    for (const [place, values] of commune.repointed) problems.push(repointedProblem(place, values, nameOf));
    for (const [parsed, places] of [
      [commune, "commune"],
      [proposals, "proposals"],
      [items, "inventory"],
    ] as const)
      for (const rewrite of parsed.rewritten)
        // A link re-pointed to another document is said once, by repointedProblem.
        if (!commune.repointed.some(([place]) => place === rewrite.field)) problems.push(rewrittenProblem(places, rewrite, undefined, nameOf));

    const appended: ShardEntry[] = [];
    // A decline filed from a partner takes an entry back from its time: the purse is judged again, not extended.
    let onlyAppends = reuseState && !declinesChanged;
    for (const { shard, appended: added } of shardReads) {
      if (!shard.read.ok) {
        problems.push({ subject: "entry", id: "", by: undefined, reason: shard.read.error.message });
        // Its entries left the count: every later model replays, as a host computing afresh would.
        onlyAppends = false;
        continue;
      }
      if (shard.read.value.schemaNote) problems.push(schemaProblem(shard.read.value.schemaNote, "entry", shard.read.value.owner));
      for (const rewrite of shard.rewritten) problems.push(rewrittenProblem("purse-shard", rewrite, shard.read.value.owner, nameOf));
      for (const m of shard.read.value.malformed)
        problems.push({ subject: "entry", id: m.id ?? String(m.index ?? ""), by: m.by, reason: describeMalformed(m) });
      for (const { entry, writtenAfter: after } of shard.backdated)
        problems.push({ subject: "entry", id: entry.id, by: entry.by, code: "record.backdated", reason: new Words(state).backdated(entry, after!) });
      if (added === undefined) onlyAppends = false;
      // A loop, not push(...added): a whole shard can hold more entries than a call takes arguments.
      else for (const item of added) appended.push(item);
    }
    // New entries after everything judged so far extend the ledger, and the
    // entry list and untrusted problems grow by them alone: an append costs
    // the new entries, not the purse. Anything else (an older entry arriving
    // late, a rule or membership change) replays.
    let ledger = previous?.ledger;
    const judgedBefore = ledger?.size ?? 0;
    let purseView: PurseView;
    if (previous && ledger && onlyAppends && ledger.tryAppend(appended)) {
      for (const item of appended) this.#entries.push(item);
      purseView = ledger.view();
      for (const problem of untrustedProblems(ledger.judgedSince(judgedBefore))) this.#untrusted.push(problem);
    } else {
      this.#entries = shardReads.flatMap(({ shard }) => (shard.read.ok ? shard.read.value.entries : []));
      ledger = new PurseLedger(this.#crypto, state, { checkSignature: this.#checkSignature, declines: declines.declines });
      ledger.judgeArrivals(this.#entries);
      purseView = ledger.view();
      this.#untrusted = untrustedProblems(ledger.judgedSince(0));
    }
    for (const problem of this.#untrusted) problems.push(problem);
    const inventoryView = inventory(this.#crypto, items.read.value.doc.items, state);
    problems.push(...inventoryView.problems);
    const discussions = discussionsOf(this.#crypto, state, proposalsDoc.comments ?? {});
    problems.push(...discussionProblems(discussions));
    const outcomes = outcomesOf(this.#crypto, state, proposalsDoc.outcomes ?? {});
    problems.push(...outcomeProblems(outcomes));

    const all = this.#entries;
    const length = all.length;
    const notes = recordNotes({
      state,
      commune: commune.read.value.doc,
      proposals: proposalsDoc,
      tampered,
      problems,
      entries: all,
      verifier: this.#crypto,
    });
    let entries: ShardEntry[] | undefined;
    const model: CommuneModel = {
      id,
      state,
      purse: purseView,
      get entries() {
        return (entries ??= all.slice(0, length));
      },
      ledger,
      items: inventoryView.items,
      problems,
      notes,
      doc: commune.read.value.doc,
      proposals: proposalsDoc,
      discussions,
      outcomes,
      version,
    };
    this.#model = model;
    return ok(model);
  }
}

/** An open proposal whose decision time has come changes the model even when no document changed. */
/**
 * A state reused because no decision fell due since it was worked out is the
 * same state at `now`, except for its clock, which the purse reads to tell an
 * entry dated ahead of it. Both reuse paths (nothing changed at all; only
 * the purse changed) must move it, or a write made days after the last
 * computation is judged by that computation's clock and refused as dated
 * ahead (host/commands/spend-limit.test.ts).
 */
function advanceClock(state: CommuneState, now: number): void {
  if (now > state.now) state.now = now;
}

function decisionPassed(state: CommuneState, now: number): boolean {
  // An advice process awaiting its proposer's decision stays open past its decision time: only the decision, a document change, moves it.
  return Object.values(state.proposals).some(
    (p) => p.tally.outcome === "open" && p.tally.decidesAt <= now && !(p.tally.result?.kind === "advice" && p.tally.result.awaiting),
  );
}
