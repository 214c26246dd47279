import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import type { SignedItem } from "../inventory/item";
import type { SignedEntry } from "../purse/entry";
import type { SignedExchangeDecline } from "./exchange";
import { rosterAt, rosterChain, type RosterRecord } from "./roster";
import { followedMove, type MovedRecord, type SharedDoc } from "./shared-doc";

/**
 * What a partner's shared document counts for on our side (docs/partners.md,
 * "The roster"): its roster line from the keys we trust (the signers of the
 * partner's offers), and each item's newest version that is signed, of that
 * commune, by a key on the roster in force at its time. An item with no
 * such version is shown as not verifying, never as the partner's word.
 */
export interface SharedContext {
  partner: string;
  anchors: readonly string[];
  now: number;
}

export interface VerifiedShared {
  items: Array<{ item: SignedItem; verified: boolean }>;
  /**
   * The partner's exchange entries naming us (its offers to us, its
   * acceptances of ours) and its declines of ours, each signed by a key on
   * its roster at its time: the only ones that count for us.
   */
  exchanges: SignedEntry[];
  declines: SignedExchangeDecline[];
  /** The roster line the records were judged by. */
  chain: RosterRecord[];
  /** Where the partner's sharing went on (its epoch moved on): the move to follow, signed on its roster, if any. */
  moved?: MovedRecord;
  ended: boolean;
  problems: string[];
}

const newer = (a: SignedItem, b: SignedItem) => a.version > b.version || (a.version === b.version && (a.at > b.at || (a.at === b.at && a.sig > b.sig)));

export function verifiedShared(verifier: Verifier, doc: SharedDoc, context: SharedContext): VerifiedShared {
  if (doc.commune !== context.partner)
    return {
      items: [],
      exchanges: [],
      declines: [],
      chain: [],
      ended: false,
      problems: ["The document is shared by another commune than this partner: nothing in it counts."],
    };
  const { chain, refused } = rosterChain(verifier, doc.rosters, { commune: context.partner, anchors: context.anchors, now: context.now });
  const problems = refused.map((refusal) => `A roster ${refusal.reason}.`);
  // A record older than the first roster is judged by it: that roster is of the epoch it was written in, made when the partnership began.
  const onRoster = (key: string, at: number) => (rosterAt(chain, at) ?? chain[0])?.members.some((member) => member.key === key) ?? false;
  const genuine = (
    record: { by: string; at: number; commune: string; sig: string },
    purpose: "item" | "partner-end" | "entry" | "exchange-decline" | "partner-moved",
  ) => record.commune === context.partner && checkSignature(verifier, purpose, record) === undefined && onRoster(record.by, record.at);
  const items: VerifiedShared["items"] = [];
  for (const versions of Object.values(doc.items)) {
    let best: SignedItem | undefined;
    let newest: SignedItem | undefined;
    for (const version of versions) {
      if (!newest || newer(version, newest)) newest = version;
      if (genuine(version, "item") && (!best || newer(version, best))) best = version;
    }
    if (best) items.push({ item: best, verified: true });
    else if (newest) {
      items.push({ item: newest, verified: false });
      problems.push(`"${newest.title}" is not signed by a member on ${context.partner.slice(0, 8)}'s roster at its time.`);
    }
  }
  items.sort((a, b) => a.item.title.localeCompare(b.item.title) || (a.item.id < b.item.id ? -1 : 1));
  const exchanges: SignedEntry[] = [];
  for (const entry of doc.exchanges) {
    // Only what concerns us: an exchange of theirs with a third commune is not ours to count, nor to be told about.
    if (entry.kind !== "exchange" || entry.partner !== doc.partner) continue;
    if (genuine(entry, "entry")) exchanges.push(entry);
    else
      problems.push(
        `An exchange in ${entry.currency} (offer ${entry.offer ?? entry.id}) is not signed by a member on ${context.partner.slice(0, 8)}'s roster at its time: it counts for nothing.`,
      );
  }
  const declines: SignedExchangeDecline[] = [];
  for (const decline of doc.declines) {
    if (decline.partner !== doc.partner) continue;
    if (genuine(decline, "exchange-decline")) declines.push(decline);
    else
      problems.push(
        `A decline of exchange ${decline.offer} is not signed by a member on ${context.partner.slice(0, 8)}'s roster at its time: it counts for nothing.`,
      );
  }
  const moved = followedMove(doc.moves, (move) => move.partner === doc.partner && genuine(move, "partner-moved"));
  return { items, exchanges, declines, chain, ...(moved ? { moved } : {}), ended: doc.ends.some((end) => genuine(end, "partner-end")), problems };
}
