import type { MemberStatus } from "../commune/state";
import type { PublicKey } from "../identity/keys";

/**
 * Which epoch is current, judged by the signed history (docs/relay.md,
 * "Which epoch is current"): a relay only orders what it is given, and a
 * removed member can sign an epoch record as well as anyone, so each member
 * decides for itself from what it holds. Pure, and independent of the order
 * the records arrived in, so every member holding the same records and the
 * same membership history picks the same epoch.
 */

/** What a member knows of an epoch once it has opened its record. */
export interface EpochFacts {
  id: string;
  epoch: number;
  parent: string | null;
  /** The record's author and signed time (its clear header). */
  by: PublicKey;
  at: number;
  /** The readers the record was sealed to (from inside the record). */
  readers: readonly PublicKey[];
}

/** A member's status at a time, by issue 12's rules over the signed history (shared/commune/state.ts, statusAt). */
export type StandingAt = (key: PublicKey, at: number) => MemberStatus | undefined;

/** Who should read an epoch started at `at`: the active members and applicants then (the rotation seals to both). */
export function readersDueAt(everyone: readonly PublicKey[], standing: StandingAt, at: number): PublicKey[] {
  return [...new Set(everyone)].filter((key) => ["active", "applicant"].includes(standing(key, at) ?? "")).sort();
}

/** Why a child epoch does not count (undefined when it does): its author must have been active, and its readers exactly those due, at its signed time. */
export function childEpochProblem(child: EpochFacts, everyone: readonly PublicKey[], standing: StandingAt): string | undefined {
  if (standing(child.by, child.at) !== "active") {
    return `Epoch ${child.epoch} (${child.id.slice(0, 8)}) was started by ${child.by.slice(0, 8)}, who was not an active member at its signed time`;
  }
  const due = readersDueAt(everyone, standing, child.at);
  const readers = [...new Set(child.readers)].sort();
  const missing = due.filter((key) => !readers.includes(key));
  const extra = readers.filter((key) => !due.includes(key));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const words = [
    ...(missing.length > 0 ? [`leaves out ${missing.map((key) => key.slice(0, 8)).join(", ")}`] : []),
    ...(extra.length > 0 ? [`is sealed to ${extra.map((key) => key.slice(0, 8)).join(", ")}, not active members or applicants then`] : []),
  ];
  return `Epoch ${child.epoch} (${child.id.slice(0, 8)}) ${words.join(" and ")}`;
}

export interface CurrentEpoch {
  /** The current epoch's id; undefined when no first epoch is held. */
  current: string | undefined;
  /** The children passed over on the way, each with its reason, for the member to see. */
  refused: Array<{ id: string; reason: string }>;
}

/**
 * The current epoch: from the first epoch (the one the genesis anchors; of
 * several claiming number 1, the smallest id), step to the valid children of
 * the epoch reached, the smallest id among them, until there is none.
 * Children that are not valid are reported and never followed, so a removed
 * member's fork, or a rotation that left someone out, does not become current.
 *
 * `judgeFirst`: a commune moved from plaintext, whose first epochs no genesis
 * anchors (any active member may make one, and a relay takes one from
 * whoever proves the old relay key: docs/relay.md, "The relay-key route").
 * Its first epochs are judged as children are, and the smallest valid id is
 * the first.
 */
export function currentEpochOf(
  epochs: readonly EpochFacts[],
  everyone: readonly PublicKey[],
  standing: StandingAt,
  options: { judgeFirst?: boolean } = {},
): CurrentEpoch {
  const byId = new Map<string, EpochFacts>();
  for (const epoch of epochs) byId.set(epoch.id, epoch);
  const smallest = (ids: string[]) => ids.sort()[0];
  const refused: CurrentEpoch["refused"] = [];
  const firsts = [...byId.values()].filter((epoch) => epoch.parent === null && epoch.epoch === 1);
  const validFirsts = firsts.filter((first) => {
    const problem = options.judgeFirst ? childEpochProblem(first, everyone, standing) : undefined;
    if (problem) refused.push({ id: first.id, reason: problem });
    return problem === undefined;
  });
  let current = smallest(validFirsts.map((epoch) => epoch.id));
  // Each step goes one number up, so the walk ends within as many steps as there are epochs.
  while (current !== undefined) {
    const parent = byId.get(current)!;
    const valid: string[] = [];
    for (const child of byId.values()) {
      if (child.parent !== current || child.epoch !== parent.epoch + 1) continue;
      const problem = childEpochProblem(child, everyone, standing);
      if (problem) refused.push({ id: child.id, reason: problem });
      else valid.push(child.id);
    }
    const next = smallest(valid);
    if (next === undefined) break;
    current = next;
  }
  refused.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { current, refused };
}

/**
 * Why a batch's author may not write under an epoch (undefined when they
 * may): they must have been an active member or applicant when it started,
 * or have become one while it was current (a newcomer joins with the
 * current key from the invite). Anyone else, a removed member above all, is
 * refused with the reason.
 */
export function batchAuthorProblem(
  author: PublicKey,
  epoch: Pick<EpochFacts, "id" | "epoch" | "at">,
  standing: StandingAt,
  joinedAt?: number,
): string | undefined {
  const member = (at: number) => ["active", "applicant"].includes(standing(author, at) ?? "");
  if (member(epoch.at)) return undefined;
  if (joinedAt !== undefined && joinedAt >= epoch.at && member(joinedAt)) return undefined;
  return `${author.slice(0, 8)} was not a member when epoch ${epoch.epoch} (${epoch.id.slice(0, 8)}) started`;
}

/** The signed history's membership as these rules read it: each member's status changes in time order (CommuneState.members has this shape). */
export type MemberHistories = Readonly<Record<PublicKey, { readonly history: readonly { readonly at: number; readonly status: MemberStatus }[] }>>;

/** StandingAt over a membership history: the status of the last change at or before `at`. */
export function standingIn(members: MemberHistories): StandingAt {
  return (key, at) => {
    const history = Object.hasOwn(members, key) ? members[key]!.history : [];
    let status: MemberStatus | undefined;
    for (const change of history) {
      if (change.at > at) break;
      status = change.status;
    }
    return status;
  };
}

/**
 * batchAuthorProblem over a membership history, with when the author joined
 * taken from it: the first time at or after the epoch's start that they
 * became an applicant or member. An author the history does not know at all
 * is let through: a newcomer's first batch carries their own join (their
 * host seals it with the invite's key), so the history learns them from it,
 * and what it holds is judged record by record by the signed-history rules
 * like any change. A removed member, or one who left, is known, and refused.
 */
export function batchAuthorProblemIn(members: MemberHistories, author: PublicKey, epoch: Pick<EpochFacts, "id" | "epoch" | "at">): string | undefined {
  if (!Object.hasOwn(members, author)) return undefined;
  const joinedAt = members[author]!.history.find((change) => change.at >= epoch.at && ["active", "applicant"].includes(change.status))?.at;
  return batchAuthorProblem(author, epoch, standingIn(members), joinedAt);
}
