import { z } from "zod";
import { fromStored } from "../docs/automerge-form";
import { DocReader } from "../docs/doc-reader";
import { itemsFiledById } from "../docs/documents";
import { automergeUrl, communeId, id, isId, publicKey, signature, time } from "../docs/fields";
import { entrySchema, exchangeDeclineSchema } from "../docs/records";
import type { Malformed } from "../docs/malformed";
import { parseWith } from "../docs/reasons";
import type { Signer } from "../identity/crypto";
import type { KeyPair } from "../identity/keys";
import { sign } from "../identity/signed";
import type { SignedItem } from "../inventory/item";
import type { SignedEntry } from "../purse/entry";
import type { SignedExchangeDecline } from "./exchange";
import { ok, type Result } from "../result";
import { GrantRecord } from "./grant";
import { RosterRecord } from "./roster";

/**
 * The document a commune shares with one partner (docs/partners.md,
 * "Documents"): the grant of its share key, the roster of its members'
 * keys per epoch, the signed versions of the items it shares with that
 * partner (the same records as in its own inventory, so they verify the
 * same everywhere), and, once the partnership is ended, the signed end
 * record. Written only by the commune that shares it; the partner reads it.
 */
export interface SharedDoc {
  schema: 1;
  type: "shared";
  /** The commune that shares. */
  commune: string;
  /** The partner commune it is shared with. */
  partner: string;
  grants: GrantRecord[];
  rosters: RosterRecord[];
  /** Item id → its versions in the order appended. */
  items: Record<string, SignedItem[]>;
  /**
   * The sharing commune's side of the exchange channel: its exchanges out
   * offered to the partner and its acceptances ("in") of the partner's,
   * the same signed entries as in its purse (the purse itself is never
   * shared). Absent in a document made before exchanges were carried.
   */
  exchanges: SignedEntry[];
  /** Its signed declines of the partner's exchanges. */
  declines: SignedExchangeDecline[];
  ends: EndRecord[];
  /**
   * Where what we share went when our epoch moved on (someone left or was
   * removed): a fresh document under a fresh share key, whose grant is
   * sealed to the partner's box key and ours, so the member who is gone
   * cannot read what is shared from then on. Absent before any move.
   */
  moves: MovedRecord[];
}

/** The signed pointer to the shared document that follows this one, with the grant of its share key. */
export const MovedRecord = z.strictObject({
  commune: communeId,
  partner: communeId,
  to: automergeUrl,
  grant: GrantRecord,
  at: time,
  by: publicKey,
  sig: signature,
});
export type MovedRecord = z.infer<typeof MovedRecord>;

export const makeMoved = (signer: Signer, moved: Omit<MovedRecord, "by" | "sig">, author: KeyPair): MovedRecord => sign(signer, "partner-moved", moved, author);

/**
 * The move a partner and every member of ours follow when there are
 * several (two members moved at once, or someone holding the old share key
 * wrote one): the latest that counts, then the smaller signature, a choice
 * every reader makes alike. The honest movers write the next roster into
 * the old document first, so a move signed after it by a member it leaves
 * out does not count (`genuine` judges the signer on the roster line at
 * the move's time), and one dated before it loses to theirs.
 */
export function followedMove(moves: readonly MovedRecord[], genuine: (move: MovedRecord) => boolean): MovedRecord | undefined {
  let chosen: MovedRecord | undefined;
  for (const move of moves) if (genuine(move) && (!chosen || move.at > chosen.at || (move.at === chosen.at && move.sig < chosen.sig))) chosen = move;
  return chosen;
}

/** The signed word that a partnership is over, citing the passed `partner-end` proposal: the partner sees why nothing new comes. */
export const EndRecord = z.strictObject({
  commune: communeId,
  partner: communeId,
  proposal: id,
  at: time,
  by: publicKey,
  sig: signature,
});
export type EndRecord = z.infer<typeof EndRecord>;

export interface NewEnd {
  commune: string;
  partner: string;
  proposal: string;
  at: number;
  author: KeyPair;
}

export const makeEnd = (signer: Signer, end: NewEnd): EndRecord =>
  sign(signer, "partner-end", { commune: end.commune, partner: end.partner, proposal: end.proposal, at: end.at }, end.author);

export interface ReadShared {
  doc: SharedDoc;
  malformed: Malformed[];
}

const strictly =
  <T>(schema: z.ZodType<T>) =>
  (value: unknown): Result<T> =>
    parseWith(schema, value);

/** Reads a shared document from anyone (our own, or a partner's that arrived through a relay): records one by one, as the other readers do. */
export function readSharedDoc(raw: unknown): Result<ReadShared> {
  const opened = DocReader.open(raw, "shared");
  if (!opened.ok) return opened;
  const reader = opened.value;
  const commune = reader.field("commune", communeId);
  if (!commune.ok) return commune;
  const partner = reader.field("partner", communeId);
  if (!partner.ok) return partner;
  const grants = reader.list("grants", strictly(GrantRecord));
  if (!grants.ok) return grants;
  const rosters = reader.list("rosters", strictly(RosterRecord));
  if (!rosters.ok) return rosters;
  const ends = reader.list("ends", strictly(EndRecord));
  if (!ends.ok) return ends;
  const exchanges = reader.has("exchanges") ? reader.list("exchanges", strictly(entrySchema)) : ok([]);
  if (!exchanges.ok) return exchanges;
  const declines = reader.has("declines") ? reader.list("declines", strictly(exchangeDeclineSchema)) : ok([]);
  if (!declines.ok) return declines;
  const moves = reader.has("moves") ? reader.list("moves", strictly(MovedRecord)) : ok([]);
  if (!moves.ok) return moves;
  const items = itemsFiledById(reader);
  if (!items.ok) return items;
  return ok({
    doc: {
      schema: 1,
      type: "shared",
      commune: commune.value,
      partner: partner.value,
      grants: grants.value,
      rosters: rosters.value,
      items: items.value,
      exchanges: exchanges.value,
      declines: declines.value,
      ends: ends.value,
      moves: moves.value,
    },
    malformed: reader.malformed,
  });
}

/**
 * Our grants, partner commune id → the grant, as the commune document keeps
 * them (`sharedGrants`): under the epoch key like everything of ours, so
 * every member opens the share key from there (sealed to our box key) and
 * can read and write the shared document, which is sealed under it.
 */
export function ourGrantsOf(communeDoc: unknown): Record<string, GrantRecord> {
  const grants = fromStored((communeDoc as { sharedGrants?: unknown } | undefined)?.sharedGrants);
  const found: Record<string, GrantRecord> = {};
  if (typeof grants !== "object" || grants === null || Array.isArray(grants)) return found;
  for (const [partner, value] of Object.entries(grants)) {
    const grant = GrantRecord.safeParse(value);
    if (grant.success && grant.data.partner === partner) found[partner] = grant.data;
  }
  return found;
}

/**
 * The commune document's links to the documents it shares, partner commune
 * id → address (`docs.shared`), as unsigned as the other links: a key that
 * is not a commune id or an address that is not one is left out.
 */
export function sharedLinksOf(communeDoc: unknown): Record<string, string> {
  const docs = fromStored((communeDoc as { docs?: unknown } | undefined)?.docs) as { shared?: unknown } | undefined;
  const shared = docs?.shared;
  const links: Record<string, string> = {};
  if (typeof shared !== "object" || shared === null || Array.isArray(shared)) return links;
  for (const [partner, url] of Object.entries(shared)) {
    if (isId(partner) && communeId.safeParse(partner).success && automergeUrl.safeParse(url).success) links[partner] = url as string;
  }
  return links;
}

/**
 * The documents we shared with partners before our epoch moved on
 * (`sharedBefore`: partner, the document, its grant), as the commune
 * document lists them: members still open them with the old share key
 * (their last word is the pointer to the next one). Malformed ones are left out.
 */
export function sharedBeforeOf(communeDoc: unknown): { partner: string; doc: string; grant: GrantRecord }[] {
  const list = fromStored((communeDoc as { sharedBefore?: unknown } | undefined)?.sharedBefore);
  if (!Array.isArray(list)) return [];
  return list.flatMap((value: unknown) => {
    const parsed = SharedBefore.safeParse(value);
    return parsed.success && parsed.data.grant.partner === parsed.data.partner ? [parsed.data] : [];
  });
}

const SharedBefore = z.strictObject({ partner: communeId, doc: automergeUrl, grant: GrantRecord });
