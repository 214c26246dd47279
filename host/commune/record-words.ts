import { currencyAt, type CommuneState } from "../../shared/commune/state";
import { futureDatedReason, longDay } from "../../shared/history/claimed-time";
import type { Tampering } from "../../shared/history/every-record";
import type { PublicKey } from "../../shared/identity/keys";
import { formatMoney } from "../../shared/money/amount";
import type { SignedProposal } from "../../shared/proposals/proposal";
import type { SignedEntry } from "../../shared/purse/entry";

/**
 * The words of a record's notes (./record-notes.ts): names for keys,
 * amounts in their currency, dates a person reads, and what changed from
 * what, so a note needs no ids.
 */

export const ENTRY_NOUNS: Record<SignedEntry["kind"], string> = {
  contribution: "contribution",
  disbursement: "disbursement",
  transfer: "transfer",
  exchange: "exchange",
  void: "void",
};

/** A field's name in a note. Fields not listed keep their own name. */
const FIELD_NAMES: Record<string, string> = { at: "date", to: "to", sig: "signature", by: "author" };

/** Names, amounts, dates and field values in a member's words. */
export class Words {
  readonly #state: CommuneState;
  constructor(state: CommuneState) {
    this.#state = state;
  }

  name(key: unknown): string {
    return (typeof key === "string" && this.#state.members[key]?.name) || "Someone";
  }

  /** "amount: 10.00 EUR → 900.00 EUR, memo: "dues" → "gift"": the signature itself is not news to a member, the fields are. */
  changes(tampering: Tampering, original: object | undefined): string {
    const signedRecord = (original ?? {}) as Record<string, unknown>;
    // The value shown now is read in the record as shown now: a changed currency changes how its amount reads.
    const nowRecord: Record<string, unknown> = { ...signedRecord };
    for (const change of tampering.changed) nowRecord[change.field] = change.now;
    const shown = tampering.changed.filter((change) => change.field !== "sig");
    if (shown.length === 0) return "its signature was replaced";
    return shown
      .map(({ field, signed, now }) => `${FIELD_NAMES[field] ?? field}: ${this.value(field, signed, signedRecord)} → ${this.value(field, now, nowRecord)}`)
      .join(", ");
  }

  entryEquivocation(versions: readonly SignedEntry[], by: PublicKey | undefined): string {
    const [first, ...others] = versions;
    const noun = first ? ENTRY_NOUNS[first.kind] : "purse entry";
    const differences = others.map((other) => this.#differences(first!, other)).filter(Boolean);
    return `${this.name(by)} signed two versions of this ${noun}${differences.length ? ` (${differences.join("; ")})` : ""}; the first counts`;
  }

  /** "Ada's contribution is dated 1 January 2099, 00:00 UTC, ahead of this machine's clock: it counts only from then". */
  futureDated(entry: SignedEntry): string {
    return `${this.name(entry.by)}'s ${ENTRY_NOUNS[entry.kind] ?? "purse entry"} is ${futureDatedReason(entry.at)}`;
  }

  /** "Bo's disbursement is dated 1 December 2026, 09:00 UTC, but was written after Bo's contribution of 4 December 2026, 12:00 UTC: the purse places it then". */
  backdated(entry: SignedEntry, after: SignedEntry): string {
    const noun = (record: SignedEntry) => ENTRY_NOUNS[record.kind] ?? "purse entry";
    return `${this.name(entry.by)}'s ${noun(entry)} is dated ${longDay(entry.at)}, but was written after ${this.name(after.by)}'s ${noun(after)} of ${longDay(after.at)}: the purse places it then`;
  }

  proposalEquivocation(counting: SignedProposal, other: SignedProposal, votes: number): string {
    const differences = this.#differences(counting, other);
    return `${this.name(counting.by)} signed two versions of this proposal${differences ? ` (${differences})` : ""}; ${votes > 0 ? "the version the votes approved" : "the first version"} counts`;
  }

  #differences(kept: object, other: object): string {
    const a = kept as Record<string, unknown>;
    const b = other as Record<string, unknown>;
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((field) => field !== "sig" && field !== "by").sort();
    return fields
      .filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]))
      .map((field) => `${FIELD_NAMES[field] ?? field}: ${this.value(field, a[field], a)} → ${this.value(field, b[field], b)}`)
      .join(", ");
  }

  /** One field's value; amounts in the record's currency, keys as names, times as dates. */
  value(field: string, value: unknown, record: Record<string, unknown>): string {
    if (value === undefined || value === null) return "nothing";
    if (field === "amount" && Number.isSafeInteger(value) && typeof record.currency === "string") {
      const currency = currencyAt(this.#state, record.currency, typeof record.at === "number" ? record.at : this.#state.now);
      if (currency) return formatMoney(value as number, currency);
    }
    if ((field === "at" || field === "deadline") && Number.isSafeInteger(value)) return longDay(value as number);
    if ((field === "to" || field === "member" || field === "by") && typeof value === "string") return this.name(value);
    if (field === "payee" && typeof value === "object") {
      const payee = value as { member?: unknown; outside?: unknown };
      if (typeof payee.member === "string") return this.name(payee.member);
      if (typeof payee.outside === "string") return quoted(payee.outside);
    }
    if (typeof value === "string") return quoted(value);
    return (JSON.stringify(value) ?? String(value)).slice(0, 60);
  }
}

const quoted = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
