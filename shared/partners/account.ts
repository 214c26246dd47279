import type { CommuneId } from "../commune/genesis";
import type { Currency } from "../money/currency";
import type { SignedEntry } from "../purse/entry";
import { isoDay, money } from "../purse/wording";
import { cites, type SignedExchangeDecline } from "./exchange";

/**
 * The account with one partner commune (issue 14, docs/partners.md
 * "Exchanges"), like a Credit Commons mirror account: from our exchange
 * entries naming the partner and the partner's answers we can read, every
 * exchange between the two communes, its state, the net position per
 * currency, and each mismatch in words.
 *
 * Each exchange is keyed by the giving commune and its offer id. It counts
 * in the position only once the receiving side accepted it with an entry
 * citing it exactly, in the same amount and currency; a decline makes it
 * count for nothing from the decline's time. Everything else is a line in
 * words, phrased the same on both sides (communes by name, never "we"), so
 * both communes read the same list.
 *
 * Pure and independent of arrival order: records are deduplicated by
 * signature and read in one canonical order. Given the same records, the
 * two communes' accounts hold the same exchanges and opposite positions.
 */

export interface AccountSide {
  id: CommuneId;
  name: string;
  /** Exchange entries of this commune naming the other; others are ignored. */
  entries: readonly SignedEntry[];
  declines: readonly SignedExchangeDecline[];
}

export interface AccountInput {
  /** Our side: entries that count in our purse, declines our members signed. */
  us: AccountSide;
  /** The partner's side, as read from what it shares with us. */
  them: AccountSide;
  /** Whether a record of the partner's is signed by a key on its roster at the record's time (onRosterAt over its roster chain). */
  onTheirRoster: (record: SignedEntry | SignedExchangeDecline) => boolean;
  currencies: readonly Currency[];
}

export type ExchangeState = "offered" | "accepted" | "declined";

export interface AccountExchange {
  /** The giving commune's exchange out. */
  entry: SignedEntry;
  /** Whether we gave (out) or received (in). */
  direction: "in" | "out";
  state: ExchangeState;
  acceptance?: SignedEntry;
  decline?: SignedExchangeDecline;
  words: string;
}

export interface PartnerAccount {
  /** Every exchange either side offered, by time. */
  exchanges: AccountExchange[];
  /** Per currency code, in minor units: what the partner owes us (negative: what we owe it), from accepted exchanges only. */
  position: Record<string, number>;
  /** Per currency code: what we offered and the partner has not answered yet. */
  offeredByUs: Record<string, number>;
  /** Each record one side wrote that the other's does not match, in words. */
  mismatches: string[];
  /** "Hillside owes us 30.00 EUR and 4.00 HOUR". */
  words: string;
}

type Record_ = SignedEntry | SignedExchangeDecline;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const canonical = (a: Record_, b: Record_): number => a.at - b.at || compareText(a.by, b.by) || compareText(a.sig, b.sig);

function distinct<T extends Record_>(records: readonly T[]): T[] {
  const bySig = new Map<string, T>();
  for (const record of records) if (!bySig.has(record.sig)) bySig.set(record.sig, record);
  return [...bySig.values()].sort(canonical);
}

interface Offer {
  exchange: AccountExchange;
  giver: AccountSide;
}

export function partnerAccount(input: AccountInput): PartnerAccount {
  const { us, them, currencies } = input;
  const mismatches: string[] = [];
  const amountOf = (record: { amount: number; currency: string }): string => {
    const currency = currencies.find((known) => known.code === record.currency);
    return currency ? money(record.amount, currency) : `${record.amount} (minor units of ${record.currency})`;
  };
  const other = (side: AccountSide): AccountSide => (side === us ? them : us);
  const trusted = (side: AccountSide, record: Record_): boolean => {
    if (side === us || input.onTheirRoster(record)) return true;
    const what = "kind" in record ? `An exchange of ${amountOf(record)}` : "A decline";
    mismatches.push(`${what} said to be from ${them.name} on ${isoDay(record.at)} is not signed by a member on ${them.name}'s roster: it counts for nothing.`);
    return false;
  };
  const entriesOf = (side: AccountSide) =>
    distinct(side.entries).filter(
      (entry) =>
        entry.kind === "exchange" && entry.offer !== undefined && entry.commune === side.id && entry.partner === other(side).id && trusted(side, entry),
    );
  const declinesOf = (side: AccountSide) =>
    distinct(side.declines).filter((decline) => decline.commune === side.id && decline.partner === other(side).id && trusted(side, decline));

  const offers = new Map<string, Offer>();
  const keyOf = (giver: AccountSide, offer: string) => `${giver.id}:${offer}`;
  const answers: { side: AccountSide; entry: SignedEntry }[] = [];
  for (const side of [us, them]) {
    for (const entry of entriesOf(side)) {
      if (entry.direction === "in") answers.push({ side, entry });
      else if (offers.has(keyOf(side, entry.offer!)))
        mismatches.push(
          `${side.name} offered ${amountOf(entry)} on ${isoDay(entry.at)} under offer ${entry.offer!}, an offer id it used before: only the first counts.`,
        );
      else
        offers.set(keyOf(side, entry.offer!), {
          giver: side,
          exchange: { entry, direction: side === us ? "out" : "in", state: "offered", words: "" },
        });
    }
  }

  for (const { side, entry } of answers.sort((a, b) => canonical(a.entry, b.entry))) {
    const giver = other(side);
    const offer = offers.get(keyOf(giver, entry.offer!));
    const accepted = `${side.name} recorded accepting ${amountOf(entry)} on ${isoDay(entry.at)} under offer ${entry.offer!}`;
    if (!offer || !cites(entry, offer.exchange.entry)) mismatches.push(`${accepted}, an exchange ${giver.name} never offered.`);
    else if (entry.amount !== offer.exchange.entry.amount || entry.currency !== offer.exchange.entry.currency)
      mismatches.push(`${accepted}, but ${giver.name} offered ${amountOf(offer.exchange.entry)}.`);
    else if (offer.exchange.acceptance) mismatches.push(`${accepted}, which it had accepted already: it counts once.`);
    else offer.exchange.acceptance = entry;
  }

  for (const side of [us, them]) {
    const giver = other(side);
    for (const decline of declinesOf(side)) {
      const offer = offers.get(keyOf(giver, decline.offer));
      if (!offer || !cites(decline, offer.exchange.entry))
        mismatches.push(`${side.name} declined, on ${isoDay(decline.at)}, an exchange under offer ${decline.offer} that ${giver.name} never offered.`);
      else if (!offer.exchange.decline) offer.exchange.decline = decline;
    }
  }

  const position: Record<string, number> = {};
  const offeredByUs: Record<string, number> = {};
  const exchanges: AccountExchange[] = [];
  for (const { exchange, giver } of [...offers.values()].sort((a, b) => canonical(a.exchange.entry, b.exchange.entry))) {
    const { entry, acceptance, decline } = exchange;
    const receiver = other(giver);
    const sent = `${amountOf(entry)} ${giver.name} sent ${receiver.name} on ${isoDay(entry.at)}`;
    if (decline) {
      exchange.state = "declined";
      exchange.words = `${capitalised(sent)}: declined by ${receiver.name} on ${isoDay(decline.at)}${decline.reason.trim() ? ` ("${decline.reason.trim()}")` : ""}.`;
      if (acceptance) mismatches.push(`${receiver.name} both accepted and declined the ${sent}: it counts for nothing.`);
    } else if (acceptance) {
      exchange.state = "accepted";
      exchange.words = `${capitalised(sent)}: accepted on ${isoDay(acceptance.at)}.`;
      position[entry.currency] = (position[entry.currency] ?? 0) + (giver === us ? entry.amount : -entry.amount);
    } else {
      exchange.words = `${capitalised(sent)}: offered, not yet accepted.`;
      mismatches.push(`${receiver.name} has not accepted the ${sent}.`);
      if (giver === us) offeredByUs[entry.currency] = (offeredByUs[entry.currency] ?? 0) + entry.amount;
    }
    exchanges.push(exchange);
  }
  return { exchanges, position, offeredByUs, mismatches, words: positionWords(them.name, position, currencies) };
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const listed = (parts: readonly string[]): string =>
  parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]!}`;

/** "Hillside owes us 30.00 EUR and 4.00 HOUR; we owe Hillside 2.00 SEED", or that nothing is owed. */
export function positionWords(partner: string, position: Readonly<Record<string, number>>, currencies: readonly Currency[]): string {
  const codes = Object.keys(position)
    .filter((code) => position[code] !== 0)
    .sort(compareText);
  const amount = (code: string, minor: number) => {
    const currency = currencies.find((known) => known.code === code);
    return currency ? money(minor, currency) : `${minor} (minor units of ${code})`;
  };
  const owedToUs = codes.filter((code) => position[code]! > 0).map((code) => amount(code, position[code]!));
  const owedByUs = codes.filter((code) => position[code]! < 0).map((code) => amount(code, -position[code]!));
  const parts = [
    ...(owedToUs.length > 0 ? [`${partner} owes us ${listed(owedToUs)}`] : []),
    ...(owedByUs.length > 0 ? [`we owe ${partner} ${listed(owedByUs)}`] : []),
  ];
  return parts.length === 0 ? `Nothing is owed either way between us and ${partner}.` : `${capitalised(parts.join("; "))}.`;
}

/**
 * Whether an exchange out of `amount` would take what the partner owes us
 * past the credit limit the commune set for it (in the exchange's
 * currency). Offers not yet answered count as if accepted: any of them may
 * still be. Undefined when it stays within the limit, or there is none.
 */
export function creditLimitProblem(
  account: PartnerAccount,
  partner: string,
  amount: number,
  currency: Currency,
  limit: number | undefined,
): string | undefined {
  if (limit === undefined) return undefined;
  const owed = account.position[currency.code] ?? 0;
  const pending = account.offeredByUs[currency.code] ?? 0;
  const after = owed + pending + amount;
  if (after <= limit) return undefined;
  const counting = pending > 0 ? ` (counting ${money(pending, currency)} offered and not yet answered)` : "";
  return `Sending ${money(amount, currency)} would take what ${partner} owes us to ${money(after, currency)}${counting}, past the credit limit of ${money(limit, currency)} the commune set for ${partner}.`;
}
