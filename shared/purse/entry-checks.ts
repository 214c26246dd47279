import { currencyAt, isActiveAt, notActiveClause, type CommuneState } from "../commune/state";
import type { PublicKey } from "../identity/keys";
import type { Verifier } from "../identity/crypto";
import { checkSignature, type SignatureProblem } from "../identity/signed";
import type { Currency } from "../money/currency";
import { fail, ok, type Result } from "../result";
import { ENTRY_KINDS, type EntryKind, type SignedEntry } from "./entry";
import { isoDay, memberName } from "./wording";

/**
 * The rules one purse entry must meet on its own, whatever else is in the
 * purse. Each returns the first problem in words a member understands, or
 * nothing when the entry passes. Entries come from other members' documents,
 * so a field may hold anything a member signed: the checks never throw.
 */

/**
 * Verifies an entry's signature with purpose "entry". A parameter so a host
 * can hand in verdicts it has already cached (verification is about 1.5 ms
 * per entry); it must answer exactly as `entrySignatureCheck` would.
 */
export type SignatureCheck = (entry: SignedEntry) => SignatureProblem | undefined;

export const entrySignatureCheck =
  (verifier: Verifier): SignatureCheck =>
  (entry) =>
    checkSignature(verifier, "entry", entry);

export const notActiveMember = (state: CommuneState, key: unknown, at: number): string => `${memberName(state, key)} ${notActiveClause(state, key, at)}`;

/**
 * Whether the entry is what its author signed, for this commune, in the
 * author's own shard, dated, with an id, and written while the author was an
 * active member: at its date and at its effective time (`effectiveTime`
 * in ./balances), when its history proves it was written later. Only
 * entries that pass may claim their id.
 */
export function provenanceProblem(
  entry: SignedEntry,
  shardOwner: PublicKey,
  state: CommuneState,
  verify: SignatureCheck,
  effectiveAt: number = entry.at,
): string | undefined {
  const signature = verify(entry);
  if (signature === "unsigned") return "unsigned";
  if (signature !== undefined) return "altered after signing or badly signed";
  if (entry.commune !== state.id) return "belongs to another commune";
  if (entry.by !== shardOwner) return "written into another member's purse shard";
  if (!Number.isSafeInteger(entry.at)) return "has no valid date";
  if (typeof entry.id !== "string" || entry.id === "") return "has no id";
  if (!isActiveAt(state, entry.by, entry.at)) return notActiveMember(state, entry.by, entry.at);
  // A backdated entry was written no earlier than its effective time: dated while its author was active, it must also have been written then.
  if (effectiveAt > entry.at && !isActiveAt(state, entry.by, effectiveAt)) return notActiveMember(state, entry.by, effectiveAt);
  return undefined;
}

const KINDS: ReadonlySet<unknown> = new Set<EntryKind>(ENTRY_KINDS);

const isNonEmptyText = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

/**
 * Whether the entry's content makes sense at its time: a known kind, a
 * positive whole amount in a currency the commune had then, and the fields
 * its kind needs. Answers with that currency. Call only after
 * `provenanceProblem` passed (the date is valid).
 */
export function contentCheck(entry: SignedEntry, state: CommuneState): Result<Currency> {
  if (!KINDS.has(entry.kind)) return fail("entry.unknownKind", "is of a kind the purse does not know");
  if (!Number.isSafeInteger(entry.amount) || entry.amount <= 0) {
    return fail("entry.badAmount", "its amount is not a positive whole number of the currency's smallest unit");
  }
  const currency = typeof entry.currency === "string" ? currencyAt(state, entry.currency, entry.at) : undefined;
  if (!currency) {
    return fail("entry.unknownCurrency", `is in ${String(entry.currency)}, which was not one of the commune's currencies on ${isoDay(entry.at)}`);
  }
  const problem = kindProblem(entry, state);
  return problem === undefined ? ok(currency) : fail("entry.kindProblem", problem);
}

function kindProblem(entry: SignedEntry, state: CommuneState): string | undefined {
  if (entry.kind !== "void" && entry.corrects !== undefined && (!isNonEmptyText(entry.corrects) || entry.corrects === entry.id)) {
    return "names no other entry it corrects";
  }
  switch (entry.kind) {
    case "void":
      if (!isNonEmptyText(entry.of)) return "is a void of no entry";
      if (entry.of === entry.id) return "is a void of itself";
      return undefined;
    case "contribution":
      return undefined;
    case "transfer":
      if (entry.to === undefined) return "is a transfer to no one";
      if (entry.to === entry.by) return "is a transfer from its author to themselves";
      if (!isActiveAt(state, entry.to, entry.at)) {
        return `transfers to ${memberName(state, entry.to)}, who ${notActiveClause(state, entry.to, entry.at)}`;
      }
      return undefined;
    case "disbursement":
      if (entry.to !== undefined && entry.payee !== undefined) {
        return "names both a member and an outside payee; a disbursement pays one of them";
      }
      if (entry.to !== undefined) {
        if (!isActiveAt(state, entry.to, entry.at)) {
          return `pays ${memberName(state, entry.to)}, who ${notActiveClause(state, entry.to, entry.at)}`;
        }
        return undefined;
      }
      if (entry.payee === undefined) return "pays no one: a disbursement names a member or an outside payee";
      return isNonEmptyText(entry.payee) ? undefined : "names an outside payee without a name";
    case "exchange":
      if (!isNonEmptyText(entry.partner)) return "names no partner commune";
      if (entry.direction !== "in" && entry.direction !== "out") {
        return "has no direction: an exchange goes in or out of the purse";
      }
      // Answering our own offer would be writing the partner's side of it.
      if (entry.offer !== undefined && entry.partner === entry.commune) return "names its own commune as the partner: an exchange is between two communes";
      return undefined;
  }
}
