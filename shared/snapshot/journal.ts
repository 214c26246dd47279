import type { CommuneState } from "../commune/state";
import { sha256Hex } from "../identity/keys";
import { formatAmount } from "../money/amount";
import type { Currency } from "../money/currency";
import { entryClaim, type EntryView } from "../purse/balances";
import type { SignedEntry } from "../purse/entry";
import { isoDay } from "../purse/wording";
import { partiesOf, partyNames, type Party, type PartyNames } from "./party-names";

/**
 * The purse as a plain-text accounting journal that hledger and ledger-cli
 * read. One transaction per counted entry, in the canonical order; overdrawn
 * and untrusted entries count for nothing, so they appear only as comments.
 *
 * Accounts:
 * - `assets:purse`: the common purse, one commodity per currency, so
 *   `hledger balance assets:purse` is the purse balance per currency.
 * - `members:<name>`: a member's standing. Standings are not money held
 *   anywhere, so they are virtual postings: `(members:Ada)` beside a
 *   contribution or a payment to a member, `[members:Ada]`/`[members:Bo]`
 *   (balanced between themselves) for a transfer. `hledger balance members`
 *   shows each member's standing as purse() computes it, with its sign; add
 *   `--real` to see only money.
 * - Where money came from or went, balancing the purse:
 *   `income:contributions`, `expenses:members:<name>` (paid to a member),
 *   `payees:<name>` (paid to someone outside) and
 *   `assets:partners:<partner>` (exchanges: what the partner owes us, or,
 *   negative, what we owe it; named by the partner's name where the commune
 *   knows it, else its commune id or the name typed on an older entry). So
 *   a reconciled exchange posts opposite amounts to the two communes'
 *   partner accounts, and the two journals net to zero there.
 *
 * Names become account names by keeping letters, digits, space, `.`, `_`, `'`
 * and `-` (others become `_`, runs of spaces one space): a `;`, `#`, `:`, two
 * spaces or a bracket would end or split the name. Names alike after that get
 * the first 8 hex digits of the member's key ("Ada 3f2a91bc") or, for
 * outside payees, of the name's SHA-256.
 */

export interface JournalOptions {
  /** List overdrawn and untrusted entries as comments (default true). */
  excludedAsComments?: boolean;
}

export interface JournalView {
  entries: readonly EntryView[];
  state: CommuneState;
  /** Partner commune id -> its name, for the partner accounts (the commune document's partner list). */
  partnerNames?: Readonly<Record<string, string>>;
  /** Exchanges out a partner declined (PurseView.declined): each is taken back on its decline's day, as the purse counts it. */
  declined?: ReadonlyMap<string, number>;
}

export const PURSE_ACCOUNT = "assets:purse";
export const PARTNERS_ACCOUNT = "assets:partners";
const INDENT = "    ";
const ACCOUNT_WIDTH = 44;

export function purseJournal(view: JournalView, options: JournalOptions = {}): string {
  const { state } = view;
  const currencies = new Map<string, Currency>();
  for (const version of state.rules) for (const currency of version.rules.currencies) currencies.set(currency.code, currency);
  const members = partyNames(state, { normalise: accountSegment, disambiguate: (name, prefix) => `${name} ${prefix}` });
  const payees = payeeNames(view.entries);
  const lines: string[] = [
    `; The common purse of ${oneLine(state.name)}, exported from Commune.`,
    "; Counted entries only; members:* are standings (virtual postings).",
    "",
  ];
  // hledger wants a decimal mark in every commodity directive: "1." declares a currency without decimals.
  for (const currency of currencies.values()) {
    const sample = currency.decimals === 0 ? "1." : formatAmount(10 ** currency.decimals, currency);
    lines.push(`commodity ${sample} ${commodity(currency.code)}`);
  }
  lines.push("", `account ${PURSE_ACCOUNT}`);
  for (const key of Object.keys(state.members).sort()) lines.push(`account members:${members.member(key)}`);
  lines.push("");

  for (const { entry, status, reason, reverses } of view.entries) {
    const currency = currencies.get(String(entry.currency));
    const parties = partiesOf(entry, reverses);
    if (status !== "counted" || !currency || !parties) {
      if (options.excludedAsComments ?? true) {
        lines.push(
          `; ${status}: ${oneLine(String(entry.id))} ${isoDay(entry.at)} ${oneLine(description(entry, parties, members, reverses))} (${oneLine(reason ?? "")})`,
          "",
        );
      }
      continue;
    }
    const money = (minor: number) => `${formatAmount(minor, currency)} ${commodity(currency.code)}`;
    lines.push(`${isoDay(entry.at)} * ${description(entry, parties, members, reverses)}`);
    lines.push(`${INDENT}; entry: ${accountSegment(entry.id)}`);
    if (reverses) lines.push(`${INDENT}; voids: ${accountSegment(reverses.id)}`);
    const posted = postings(entry, parties, members, payees, view.partnerNames, reverses);
    for (const [account, minor] of posted) {
      lines.push(`${INDENT}${account.padEnd(ACCOUNT_WIDTH)}  ${money(minor)}`);
    }
    lines.push("");
    const declinedAt = view.declined?.get(entryClaim(entry.by, entry.id));
    if (declinedAt !== undefined) {
      lines.push(`${isoDay(declinedAt)} * Declined by the partner: ${description(entry, parties, members)}`);
      lines.push(`${INDENT}; declined: ${accountSegment(entry.id)}`);
      for (const [account, minor] of posted) lines.push(`${INDENT}${account.padEnd(ACCOUNT_WIDTH)}  ${money(-minor)}`);
      lines.push("");
    }
  }
  return `${lines.join("\n")}\n`;
}

type Posting = [account: string, minor: number];

/** A void posts the opposite of what the entry it `reverses` posted, to the same accounts, so every balance drops back. */
function postings(
  entry: SignedEntry,
  parties: { from: Party; to: Party },
  members: PartyNames,
  payees: Map<string, string>,
  partnerNames: Readonly<Record<string, string>> | undefined,
  reverses?: SignedEntry,
): Posting[] {
  const { amount } = entry;
  const member = (party: Party) => (party.kind === "member" ? members.member(party.key) : "");
  switch (entry.kind) {
    case "void": {
      const undone = reverses && partiesOf(reverses);
      if (!reverses || !undone) return [];
      return postings(reverses, undone, members, payees, partnerNames).map(([account, minor]) => [account, -minor]);
    }
    case "contribution":
      return [
        [PURSE_ACCOUNT, amount],
        ["income:contributions", -amount],
        [`(members:${member(parties.from)})`, amount],
      ];
    case "transfer":
      return [
        [`[members:${member(parties.from)}]`, -amount],
        [`[members:${member(parties.to)}]`, amount],
      ];
    case "disbursement":
      if (parties.to.kind === "member") {
        const name = member(parties.to);
        return [
          [PURSE_ACCOUNT, -amount],
          [`expenses:members:${name}`, amount],
          [`(members:${name})`, -amount],
        ];
      }
      return [
        [PURSE_ACCOUNT, -amount],
        [`payees:${payees.get(entry.payee ?? "") ?? "_"}`, amount],
      ];
    case "exchange": {
      const id = entry.partner ?? "";
      const partner = `${PARTNERS_ACCOUNT}:${accountSegment(partnerNames && Object.hasOwn(partnerNames, id) ? partnerNames[id]! : id)}`;
      const into = entry.direction === "in" ? amount : -amount;
      return [
        [PURSE_ACCOUNT, into],
        [partner, -into],
      ];
    }
  }
}

function description(entry: SignedEntry, parties: { from: Party; to: Party } | undefined, members: PartyNames, reverses?: SignedEntry): string {
  const name = (party: Party | undefined): string => {
    switch (party?.kind) {
      case undefined:
        return "?";
      case "purse":
        return "the purse";
      case "member":
        return members.member(party.key);
      case "payee":
        return oneLine(party.name);
      case "partner":
        return `partner ${accountSegment(party.id)}`;
    }
  };
  if (entry.kind === "void") {
    const undone = reverses ? partiesOf(reverses) : undefined;
    const what = reverses ? `Void of ${description({ ...reverses, memo: "" }, undone, members)}` : `Void of ${oneLine(String(entry.of))}`;
    const memo = typeof entry.memo === "string" ? oneLine(entry.memo) : "";
    return memo === "" ? what : `${what} | ${memo}`;
  }
  const what =
    entry.kind === "contribution"
      ? `Contribution from ${name(parties?.from)}`
      : entry.kind === "transfer"
        ? `Transfer from ${name(parties?.from)} to ${name(parties?.to)}`
        : entry.kind === "disbursement"
          ? `Paid to ${name(parties?.to)}`
          : `Exchange ${entry.direction === "in" ? "from" : "to"} ${name(entry.direction === "in" ? parties?.from : parties?.to)}`;
  const memo = typeof entry.memo === "string" ? oneLine(entry.memo) : "";
  return memo === "" ? what : `${what} | ${memo}`;
}

/** Outside payees' account names, told apart by a hash of the name when two look alike. */
function payeeNames(entries: readonly EntryView[]): Map<string, string> {
  const originals = new Set<string>();
  for (const { entry } of entries) if (typeof entry.payee === "string") originals.add(entry.payee);
  const count = new Map<string, number>();
  for (const name of originals) count.set(accountSegment(name).toLowerCase(), (count.get(accountSegment(name).toLowerCase()) ?? 0) + 1);
  return new Map(
    [...originals].map((name) => {
      const plain = accountSegment(name);
      return [name, (count.get(plain.toLowerCase()) ?? 0) > 1 ? `${plain} ${sha256Hex(name).slice(0, 8)}` : plain];
    }),
  );
}

/** One segment of an account name: no `:`, `;`, `#`, brackets, tabs or two spaces in a row. */
export function accountSegment(name: string): string {
  const cleaned = name
    .replace(/[^\p{L}\p{N} ._'-]/gu, "_")
    .replace(/ {2,}/g, " ")
    .trim();
  return cleaned === "" ? "_" : cleaned;
}

/** Text on one line with no `;` (which starts a comment in a description). */
function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .replaceAll(";", ",")
    .replace(/ {2,}/g, " ")
    .trim();
}

/** A commodity symbol: bare when letters only, quoted when it holds digits (hledger and ledger both require it). */
const commodity = (code: string): string => (/^[A-Z]+$/.test(code) ? code : `"${code}"`);
