import { communeState, type CommuneRecords } from "../commune/commune-state";
import type { SignedMembershipEvent } from "../commune/events";
import { communeIdOf, type Genesis } from "../commune/genesis";
import type { CommuneState } from "../commune/state";
import { explain } from "../docs/reasons";
import type { KeyPair, PublicKey } from "../identity/keys";
import type { Crypto, Verifier } from "../identity/crypto";
import { checkSignature, sign, type Signed } from "../identity/signed";
import { formatAmount } from "../money/amount";
import type { Currency } from "../money/currency";
import type { SignedProposal, SignedVote } from "../proposals/proposal";
import { canonicalOrder, purse, type PurseView, type ShardEntry } from "../purse/balances";
import type { SignedEntry } from "../purse/entry";
import { isoDay, memberName } from "../purse/wording";
import { fail, failWith, ok, type Result } from "../result";
import { parseJsonText } from "./json-text";
import { SNAPSHOT_FORMAT, SNAPSHOT_LIMITS, SNAPSHOT_VERSION, snapshotSchema, type Snapshot, type SnapshotBalances, type SnapshotBody } from "./snapshot-schema";

/**
 * A Commune snapshot: the purse as of a moment, with everything needed to
 * re-verify it without the app's data (the signed genesis, membership
 * events, the proposals and votes that decide membership, rules and spends,
 * and every signed entry), the balances the exporter's app computed, and the
 * exporter's signature over the whole. See docs/snapshot-format.md.
 */

/** A commune's records as plain data, as the host reads them from its documents. */
export interface SnapshotInput {
  genesis: Signed<Genesis>;
  events: readonly SignedMembershipEvent[];
  proposals: readonly SignedProposal[];
  votes: readonly SignedVote[];
  shards: readonly { owner: PublicKey; period: string; entries: readonly SignedEntry[] }[];
  /** Automerge document URL → heads. */
  heads: Readonly<Record<string, readonly string[]>>;
}

export interface SnapshotOptions {
  /** Entries and records dated after this are left out; `now` unless told. */
  asOf?: number;
  now: number;
}

export interface VerifiedSnapshot {
  snapshot: Snapshot;
  /** The commune as of the snapshot's asOf, recomputed from its records. */
  state: CommuneState;
  /** The purse recomputed from its entries; entry #n is `view.entries[n - 1]`. */
  view: PurseView;
  /** The exporter's name as the commune knows it. */
  exporter: string;
}

export function createSnapshot(crypto: Crypto, input: SnapshotInput, exporter: KeyPair, options: SnapshotOptions): Snapshot {
  const asOf = options.asOf ?? options.now;
  const upTo = <T extends { at: number }>(records: readonly T[]) => records.filter((record) => record.at <= asOf);
  const shardEntries: ShardEntry[] = input.shards.flatMap((shard) =>
    // An entry whose own signature fails is nobody's statement: it counts for nothing, and a
    // verifier would take it for tampering with the file. It is left out.
    upTo(shard.entries)
      .filter((entry) => checkSignature(crypto, "entry", entry) === undefined)
      .map((entry) => ({ entry, shardOwner: shard.owner })),
  );
  const proposals = relevantProposals(upTo(input.proposals), shardEntries);
  const kept = new Set(proposals.map((proposal) => proposal.id));
  const records: CommuneRecords = {
    genesis: input.genesis,
    events: upTo(input.events),
    proposals,
    votes: upTo(input.votes).filter((vote) => kept.has(vote.proposal)),
  };
  const state = communeState(crypto, records, asOf);
  // The host only exports a commune it has opened, whose genesis it has already checked.
  if (!state.ok) throw new Error(`createSnapshot: ${state.error.message}`);
  const entries = canonicalOrder(shardEntries);
  const view = purse(crypto, entries, state.value);
  const body: SnapshotBody = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    commune: { id: state.value.id, name: state.value.name },
    createdAt: options.now,
    asOf,
    genesis: records.genesis,
    events: [...records.events],
    proposals: [...records.proposals],
    votes: [...records.votes],
    entries: entries.map(({ entry, shardOwner }) => ({ shardOwner, entry })),
    balances: { purse: view.purse, members: view.members },
    heads: Object.fromEntries(Object.entries(input.heads).map(([url, heads]) => [url, [...heads]])),
  };
  return sign(crypto, "snapshot", body, exporter);
}

/**
 * The proposals that decide who was a member, which rules held and which
 * spends were allowed. A general proposal changes none of these; it is kept
 * only when an entry cites it or it shares an id with another proposal
 * (the earlier of two proposals with one id stands, so leaving it out could
 * change which one counts).
 */
function relevantProposals(proposals: readonly SignedProposal[], entries: readonly ShardEntry[]): SignedProposal[] {
  const cited = new Set(entries.map(({ entry }) => entry.proposal).filter((id) => id !== undefined));
  const idCount = new Map<string, number>();
  for (const proposal of proposals) idCount.set(proposal.id, (idCount.get(proposal.id) ?? 0) + 1);
  return proposals.filter((proposal) => proposal.kind !== "general" || cited.has(proposal.id) || (idCount.get(proposal.id) ?? 0) > 1);
}

/** A snapshot dated more than this after the verifier's clock is refused: clocks differ, but not by days. */
export const CLOCK_SKEW = 86_400_000;

/**
 * Checks a snapshot from a file: its shape, version, every signature, and that
 * its balances follow from its entries. Answers the first problem in words a
 * member understands. Never throws: the file may be hostile.
 */
export function verifySnapshot(verifier: Verifier, raw: unknown, now: number): Result<VerifiedSnapshot> {
  try {
    return verify(verifier, raw, now);
  } catch {
    // Every check above is meant not to throw; this is the last guard at the edge (a bug must not crash the host).
    return fail("snapshot.uncheckable", "This snapshot could not be checked: it is malformed in a way Commune does not recognise.");
  }
}

export const NOT_A_SNAPSHOT = "Not a Commune snapshot";

function verify(verifier: Verifier, raw: unknown, now: number): Result<VerifiedSnapshot> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || (raw as { format?: unknown }).format !== SNAPSHOT_FORMAT) {
    return fail("snapshot.notASnapshot", `${NOT_A_SNAPSHOT}: the file does not say it is one.`);
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version === "number" && Number.isSafeInteger(version) && version > SNAPSHOT_VERSION) {
    return fail(
      "snapshot.newerVersion",
      `This snapshot was written by a newer version of Commune (snapshot version ${version}; this version reads up to ${SNAPSHOT_VERSION}). Update Commune to open it.`,
    );
  }
  if (version !== SNAPSHOT_VERSION) return fail("snapshot.notASnapshot", `${NOT_A_SNAPSHOT}: its version is not one Commune has ever written.`);
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) return fail("snapshot.malformed", `The snapshot is malformed: ${explain(parsed.error.issues, raw)}.`);
  const snapshot: Snapshot = parsed.data;

  if (communeIdOf(snapshot.genesis) !== snapshot.commune.id) {
    return fail("snapshot.foreignGenesis", "The snapshot's founding record does not belong to the commune it names.");
  }
  if (snapshot.asOf > snapshot.createdAt) return fail("snapshot.asOfAfterCreated", "The snapshot claims to show the purse at a time after it was made.");
  if (snapshot.createdAt > now + CLOCK_SKEW) return fail("snapshot.fromTheFuture", `The snapshot is dated ${isoDay(snapshot.createdAt)}, in the future.`);
  const late = lateRecord(snapshot);
  if (late) return fail("snapshot.lateEntry", `The snapshot holds ${late}, dated after the time it shows (${isoDay(snapshot.asOf)}).`);

  const computed = communeState(verifier, snapshot, snapshot.asOf, snapshot.commune.id);
  if (!computed.ok) return failWith(computed.error);
  const state = computed.value;

  const entries = canonicalOrder(snapshot.entries);
  for (const [index, { entry }] of entries.entries()) {
    const problem = checkSignature(verifier, "entry", entry);
    if (problem) {
      const what = problem === "unsigned" ? "is not signed" : "was altered after it was signed";
      return fail("snapshot.entryRefused", `Entry #${index + 1} (by ${memberName(state, entry.by)}, ${isoDay(entry.at)}) ${what}.`);
    }
  }
  const view = purse(verifier, entries, state);
  const mismatch = balanceMismatch(snapshot.balances, view, state);
  if (mismatch) return fail("snapshot.balancesMismatch", `The balances in the file do not match its entries: ${mismatch}.`);

  const exporter = memberName(state, snapshot.by);
  if (checkSignature(verifier, "snapshot", snapshot)) return fail("snapshot.altered", `The snapshot was altered after ${exporter} exported it.`);
  if (!Object.hasOwn(state.members, snapshot.by)) {
    return fail("snapshot.signedByStranger", `The snapshot was signed by ${exporter}, who was never a member of ${state.name}.`);
  }
  return ok({ snapshot, state, view, exporter });
}

function lateRecord(snapshot: Snapshot): string | undefined {
  const after = (record: { at: number }) => record.at > snapshot.asOf;
  if (snapshot.events.some(after)) return "a membership event";
  if (snapshot.proposals.some(after)) return "a proposal";
  if (snapshot.votes.some(after)) return "a vote";
  const index = canonicalOrder(snapshot.entries).findIndex(({ entry }) => after(entry));
  return index < 0 ? undefined : `entry #${index + 1}`;
}

/** The first difference between the balances a file states and those its entries give, in words. */
export function balanceMismatch(stated: SnapshotBalances, view: PurseView, state: CommuneState): string | undefined {
  const currencies = new Map<string, Currency>();
  for (const version of state.rules) for (const currency of version.rules.currencies) currencies.set(currency.code, currency);
  const amount = (minor: number | undefined, code: string): string => {
    if (minor === undefined) return "nothing";
    const currency = currencies.get(code);
    return currency ? formatAmount(minor, currency) : String(minor);
  };
  const compare = (statedBook: Record<string, number>, computedBook: Record<string, number>, label: (code: string) => string) => {
    for (const code of sortedUnion(statedBook, computedBook)) {
      const claimed = Object.hasOwn(statedBook, code) ? statedBook[code] : undefined;
      const actual = Object.hasOwn(computedBook, code) ? computedBook[code] : undefined;
      if (claimed !== actual) return `${label(code)} says ${amount(claimed, code)}, entries give ${amount(actual, code)}`;
    }
    return undefined;
  };

  const inPurse = compare(stated.purse, view.purse, (code) => `${code} purse`);
  if (inPurse) return inPurse;
  for (const key of sortedUnion(stated.members, view.members)) {
    const name = memberName(state, key);
    if (!Object.hasOwn(stated.members, key)) return `it gives no standing for ${name}`;
    if (!Object.hasOwn(view.members, key)) return `it gives a standing for ${name}, who was not a member`;
    const standing = compare(stated.members[key]!, view.members[key]!, (code) => `${name}'s ${code} standing`);
    if (standing) return standing;
  }
  return undefined;
}

const sortedUnion = (a: object, b: object): string[] => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();

/**
 * Reads a snapshot file's text: at most SNAPSHOT_LIMITS.textLength characters
 * (200 MiB), nested at most SNAPSHOT_LIMITS.depth deep, then verifySnapshot.
 */
export function parseSnapshotText(verifier: Verifier, text: string, now: number): Result<VerifiedSnapshot> {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const parsed = parseJsonText(body, { maxLength: SNAPSHOT_LIMITS.textLength, maxDepth: SNAPSHOT_LIMITS.depth });
  if (parsed.ok) return verifySnapshot(verifier, parsed.value, now);
  switch (parsed.error) {
    case "too large":
      return fail("snapshot.tooLarge", `The file is too large to be a Commune snapshot (the limit is ${SNAPSHOT_LIMITS.textLength / 1024 / 1024} MB).`);
    case "too deep":
      return fail("snapshot.tooDeep", `${NOT_A_SNAPSHOT}: it nests lists or objects more than ${SNAPSHOT_LIMITS.depth} deep.`);
    case "truncated":
      return fail("snapshot.truncated", "The snapshot file is incomplete: it ends in the middle, perhaps cut off while saving or copying.");
    case "not json":
      // A snapshot starts with "{"; what starts otherwise is another kind of file, or a backup whose header was damaged.
      return /^\s*\{/.test(body)
        ? fail("snapshot.notJson", "The snapshot file is damaged: it starts as a snapshot but is not valid JSON further on.")
        : fail(
            "snapshot.notJson",
            `${NOT_A_SNAPSHOT} or backup: it starts like neither (a snapshot is JSON; a backup starts with Commune's header, which a damaged backup may have lost).`,
          );
    case "duplicate key":
      return fail(
        "snapshot.duplicateKey",
        `The snapshot was altered: it names "${parsed.key ?? ""}" twice in one record, so two programs could read it two ways. A snapshot Commune writes never does.`,
        { params: { key: parsed.key ?? "" } },
      );
  }
}
