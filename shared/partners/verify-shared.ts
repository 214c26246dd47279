import type { Verifier } from "../identity/crypto";
import { checkSignature } from "../identity/signed";
import type { SignedItem } from "../inventory/item";
import { rosterAt, rosterChain } from "./roster";
import type { SharedDoc } from "./shared-doc";

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
  ended: boolean;
  problems: string[];
}

const newer = (a: SignedItem, b: SignedItem) => a.version > b.version || (a.version === b.version && (a.at > b.at || (a.at === b.at && a.sig > b.sig)));

export function verifiedShared(verifier: Verifier, doc: SharedDoc, context: SharedContext): VerifiedShared {
  if (doc.commune !== context.partner)
    return { items: [], ended: false, problems: ["The document is shared by another commune than this partner: nothing in it counts."] };
  const { chain, refused } = rosterChain(verifier, doc.rosters, { commune: context.partner, anchors: context.anchors, now: context.now });
  const problems = refused.map((refusal) => `A roster ${refusal.reason}.`);
  // A record older than the first roster is judged by it: that roster is of the epoch it was written in, made when the partnership began.
  const onRoster = (key: string, at: number) => (rosterAt(chain, at) ?? chain[0])?.members.some((member) => member.key === key) ?? false;
  const genuine = (record: { by: string; at: number; commune: string; sig: string }, purpose: "item" | "partner-end") =>
    record.commune === context.partner && checkSignature(verifier, purpose, record) === undefined && onRoster(record.by, record.at);
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
  return { items, ended: doc.ends.some((end) => genuine(end, "partner-end")), problems };
}
