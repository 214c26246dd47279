import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { z } from "zod";
import { communeId, name, publicKey, signature, time } from "../docs/fields";
import { canonicalJson } from "../identity/canonical";
import type { Signer, Verifier } from "../identity/crypto";
import type { KeyPair, PublicKey } from "../identity/keys";
import { checkSignature, sign } from "../identity/signed";
import { itemId } from "../privacy/headers";

/**
 * The roster (docs/partners.md, "The roster"): what a partner is told of
 * our members, enough to check that a shared item or an exchange answer was
 * signed by one of them, and nothing of our history. One record per epoch,
 * signed by a member of the roster before it; the first is anchored in the
 * keys the partner already trusts (the signer of the partner offer, who
 * must be in it).
 *
 * Which roster is current, the same for every partner whatever order the
 * records arrive in: walk from the anchored first roster down, taking at
 * each step the child (a roster citing it as `previous`, signed by a key
 * in it, later than it, not from the future) with the latest time, ties to
 * the smallest id. Our own members correct a wrong roster by writing a
 * later child of the roster before it (docs/partners.md says why a partner
 * cannot judge more than this).
 */
export const MAX_ROSTER = 1_000;

export const RosterMember = z.strictObject({
  key: publicKey,
  /** Present only when the member chose to show partners their name. */
  name: name.optional(),
});

export const RosterRecord = z.strictObject({
  commune: communeId,
  /** The commune's epoch this roster is of. */
  epoch: itemId,
  /** The roster it follows, or null for the first. */
  previous: itemId.nullable(),
  members: z.array(RosterMember).min(1).max(MAX_ROSTER),
  at: time,
  by: publicKey,
  sig: signature,
});
export type RosterRecord = z.infer<typeof RosterRecord>;
export type RosterMember = z.infer<typeof RosterMember>;

/** A roster's id: the SHA-256 of its canonical JSON, signature included. */
export const rosterId = (roster: RosterRecord): string => bytesToHex(sha256(new TextEncoder().encode(canonicalJson(roster))));

export interface NewRoster {
  commune: string;
  epoch: string;
  previous: string | null;
  members: readonly RosterMember[];
  author: KeyPair;
  at: number;
}

/** Members in key order, each once, so two members writing the same roster write the same record but for its signer and time. */
export function makeRoster(signer: Signer, roster: NewRoster): RosterRecord {
  const byKey = new Map(roster.members.map((member) => [member.key, member]));
  const members = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  return sign(signer, "partner-roster", { commune: roster.commune, epoch: roster.epoch, previous: roster.previous, members, at: roster.at }, roster.author);
}

export interface RosterRefusal {
  id: string;
  code:
    | "roster.malformed"
    | "roster.badSignature"
    | "roster.otherCommune"
    | "roster.notAnchored"
    | "roster.signerNotOnRoster"
    | "roster.notLater"
    | "roster.fromTheFuture";
  reason: string;
}

export interface RosterChain {
  /** The current line, oldest first; empty when no roster is anchored. */
  chain: RosterRecord[];
  /** Records that can never be on the line, each with why (a valid roster on a losing branch is not refused, only not current). */
  refused: RosterRefusal[];
}

export interface RosterContext {
  commune: string;
  /** Keys the partner trusts before any roster: the offer's signer. */
  anchors: readonly PublicKey[];
  /** The reader's clock; a roster more than `skewMs` after it waits. */
  now: number;
  skewMs?: number;
}

const DEFAULT_SKEW_MS = 5 * 60_000;

/** The current roster line from records in any order (duplicates and strangers' records included). */
export function rosterChain(verifier: Verifier, records: readonly unknown[], context: RosterContext): RosterChain {
  const refused: RosterRefusal[] = [];
  const byId = new Map<string, RosterRecord>();
  for (const record of records) {
    const parsed = RosterRecord.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      refused.push({ id: "", code: "roster.malformed", reason: `${issue?.path.join(".") || "roster"} ${issue?.message ?? ""}`.trim() });
      continue;
    }
    const roster = parsed.data;
    const id = rosterId(roster);
    if (byId.has(id)) continue;
    if (roster.commune !== context.commune) {
      refused.push({ id, code: "roster.otherCommune", reason: "is a roster of another commune" });
      continue;
    }
    if (checkSignature(verifier, "partner-roster", roster)) {
      refused.push({ id, code: "roster.badSignature", reason: "was altered after signing or is badly signed" });
      continue;
    }
    byId.set(id, roster);
  }

  const latest = context.now + (context.skewMs ?? DEFAULT_SKEW_MS);
  const children = new Map<string | null, { id: string; roster: RosterRecord }[]>();
  for (const [id, roster] of byId) {
    const list = children.get(roster.previous) ?? [];
    list.push({ id, roster });
    children.set(roster.previous, list);
  }
  const anchors = new Set(context.anchors);
  const onRoster = (parent: RosterRecord, key: string) => parent.members.some((member) => member.key === key);

  /** The valid children of `parent` (null: first rosters), refusing the rest. */
  const validChildren = (parentId: string | null, parent: RosterRecord | undefined) =>
    (children.get(parentId) ?? []).filter(({ id, roster }) => {
      if (roster.at > latest) {
        refused.push({ id, code: "roster.fromTheFuture", reason: "is dated later than this machine's clock allows; it is read when its time comes" });
        return false;
      }
      if (!parent) {
        if (anchors.has(roster.by)) return true;
        refused.push({ id, code: "roster.notAnchored", reason: "is a first roster signed by a key the partner offer did not name" });
        return false;
      }
      if (!onRoster(parent, roster.by)) {
        refused.push({ id, code: "roster.signerNotOnRoster", reason: "is signed by a key that is not on the roster it follows" });
        return false;
      }
      if (roster.at <= parent.at) {
        refused.push({ id, code: "roster.notLater", reason: "is dated no later than the roster it follows" });
        return false;
      }
      return true;
    });

  const chain: RosterRecord[] = [];
  let parentId: string | null = null;
  let parent: RosterRecord | undefined;
  // Each step moves to a strictly later roster, so the walk ends; the bound is for a record set no honest commune makes.
  for (let step = 0; step <= byId.size; step++) {
    const next: { id: string; roster: RosterRecord } | undefined = validChildren(parentId, parent).sort(
      (a, b) => b.roster.at - a.roster.at || (a.id < b.id ? -1 : 1),
    )[0];
    if (!next) break;
    chain.push(next.roster);
    parentId = next.id;
    parent = next.roster;
  }
  // Children of rosters off the line are neither judged nor current.
  return { chain, refused: refused.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.code < b.code ? -1 : 1)) };
}

/** The roster in force at `at` (the latest on the line dated at or before it), or undefined before the first. */
export function rosterAt(chain: readonly RosterRecord[], at: number): RosterRecord | undefined {
  let found: RosterRecord | undefined;
  for (const roster of chain) if (roster.at <= at) found = roster;
  return found;
}

/** Whether `key` was on the roster in force at `at`: what a partner asks of every record of ours it reads. */
export const onRosterAt = (chain: readonly RosterRecord[], key: string, at: number): boolean =>
  rosterAt(chain, at)?.members.some((member) => member.key === key) ?? false;
