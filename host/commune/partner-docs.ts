import type { AutomergeUrl, DocHandle } from "@automerge/automerge-repo";
import { statusAt } from "../../shared/commune/state";
import { toStored, type Stored } from "../../shared/docs/automerge-form";
import { readInventoryDoc } from "../../shared/docs/documents";
import type { SignedItem } from "../../shared/inventory/item";
import { createPartnerAnswer, type PartnerAnswerPart } from "../../shared/partners/answer";
import { makeGrant } from "../../shared/partners/grant";
import { communeBoxKeyOf } from "../../shared/partners/keys";
import { createPartnerOffer, readPartnerOffer, type PartnerOffer } from "../../shared/partners/offer";
import type { Partnership } from "../../shared/partners/partnerships";
import { makeRoster, onRosterAt, rosterChain, rosterId, type RosterRecord } from "../../shared/partners/roster";
import type { HeldEpoch } from "../sync/epoch-keyring";
import { followedMove, makeEnd, makeMoved, readSharedDoc, sharedBeforeOf, sharedLinksOf, type SharedDoc } from "../../shared/partners/shared-doc";
import { checkSignature } from "../../shared/identity/signed";
import { partnershipWith } from "../../shared/partners/partnerships";
import type { PrivacyCrypto } from "../../shared/privacy/crypto";
import { sharedWithPartner } from "../../shared/partners/sharing";
import { fail, ok, type Result } from "../../shared/result";
import type { Verifier } from "../../shared/identity/crypto";
import type { SignedEntry } from "../../shared/purse/entry";
import { entryClaim } from "../../shared/purse/balances";
import { declinesIn, type SignedExchangeDecline } from "../../shared/partners/exchange";
import { judgeExchangeDecline } from "../../shared/judges/exchange-decline";
import { filedFrom, isEmpty, judgedFiled, partnerAnchors, type FiledFromPartner } from "../../shared/partners/filed";
import type { HostContext } from "../commands/context";
import type { CommuneModel } from "./commune-model";
import type { CommuneNode } from "./commune-node";
import { listIn, mapIn } from "./containers";
import { inQueue } from "./writer";

/**
 * The host's side of a partnership (docs/partners.md, step 3): the shared
 * document it makes for a partner once a `partner` proposal passed, the
 * items it copies there as members add and change them, and the end record
 * once a `partner-end` proposal passed. Every change goes through the
 * commune's write queue, as every other write does.
 *
 * The share key is kept nowhere but in the grant: sealed to our own box key
 * (`toUs`), any member who holds the epoch opens it from the shared
 * document; after the end record this host writes nothing more there.
 */
type StoredShared = Stored<SharedDoc>;

/** What sharing with partners needs of the host: signing, the clock, and this machine's epoch keys (for the current epoch's readers). */
type PartnerHost = Pick<HostContext, "crypto" | "now" | "keys" | "privateCommunes">;

const DAY = 86_400_000;
/** How long the offer inside an answer stays good: long enough for the other commune to decide. */
const ANSWER_DAYS = 30;

export interface Granted {
  /** The shared document's address. */
  doc: string;
  /** What to send the partner: our offer, our grant to it and where the document is. */
  answer: string;
}

/** The shared document for `partner`, if this commune made one, read as anyone would read it. */
export async function sharedDocFor(node: CommuneNode, partner: string): Promise<{ url: string; doc: SharedDoc } | undefined> {
  const url = sharedLinksOf(node.docs.commune.doc())[partner];
  if (!url) return undefined;
  // Not here yet (another member made it, and it has not synced): nothing to show, rather than a wait.
  const handle = await node.docs.repo.find<StoredShared>(url as AutomergeUrl, { allowableStates: ["ready", "unavailable"] }).catch(() => undefined);
  if (!handle?.isReady()) return undefined;
  const read = readSharedDoc(handle.doc());
  return read.ok ? { url, doc: read.value.doc } : undefined;
}

/** Whether the document's latest grant came after its latest end: whether we still share into it. */
export const isOpen = (doc: SharedDoc): boolean => {
  const granted = Math.max(0, ...doc.grants.map((grant) => grant.at));
  const ended = Math.max(0, ...doc.ends.map((end) => end.at));
  return doc.grants.length > 0 && granted > ended;
};

/** Every signed version of each item of ours shared with `partner`, by item id. */
function itemsFor(node: CommuneNode, model: CommuneModel, partner: string): Record<string, SignedItem[]> {
  const read = readInventoryDoc(node.docs.inventory.doc());
  const versions = read.ok ? read.value.doc.items : {};
  const shared: Record<string, SignedItem[]> = {};
  // Only items whose version that counts says so: an item shared with no partner never leaves our inventory.
  for (const { item } of model.items) if (sharedWithPartner(item, partner)) shared[item.id] = [...(versions[item.id] ?? [item])];
  return shared;
}

/**
 * Makes the shared document for a passed `partner` proposal: the grant of a
 * fresh share key sealed to the partner's box key (from its offer) and to
 * ours, our roster for the current epoch, the items shared with it; links it
 * from the commune document; and keeps the partner's own answer, when the
 * proposal carried one, in the commune's partners map.
 */
export function grantPartner(host: HostContext, node: CommuneNode, partnership: Partnership): Promise<Result<Granted>> {
  return inQueue(node, async () => {
    const model = node.model();
    if (!model.ok) return model;
    const existing = await sharedDocFor(node, partnership.partner);
    if (existing && isOpen(existing.doc))
      return fail("partner.granted", `${partnership.name} was granted what this commune shares already: a partnership is granted once.`, { field: "proposal" });
    const context = await host.privateCommunes.open(node.id).catch(() => undefined);
    const current = context?.keyring.current();
    if (!context || !current)
      return fail("partner.needsPrivate", "Only a private commune can grant a partner a key: this one has no epoch key on this machine.");
    const at = host.now();
    const ourBox = communeBoxKeyOf(context.privacy, host.crypto, current.keys.epochKey);
    const grant = makeGrant(context.privacy, host.crypto, {
      commune: node.id,
      partner: partnership.partner,
      epoch: current.id,
      partnerBox: partnership.offer.box,
      ourBox: ourBox.publicKey,
      shareKey: context.privacy.randomKey(),
      author: host.keys,
      at,
    });
    if (!grant.ok) return grant;
    const readers = rosterMembersNow(current.readers, model.value, at);
    const previous = existing?.doc.rosters.at(-1);
    const roster = makeRoster(host.crypto, {
      commune: node.id,
      epoch: current.id,
      previous: previous ? rosterId(previous) : null,
      // Names stay ours: no member has chosen yet to show partners theirs, so partners see "a member of" us.
      members: readers.map((key) => ({ key })),
      author: host.keys,
      at,
    });
    const handle = node.docs.repo.create<StoredShared>(
      toStored<SharedDoc>({
        schema: 1,
        type: "shared",
        commune: node.id,
        partner: partnership.partner,
        grants: [grant.value],
        rosters: [roster],
        items: itemsFor(node, model.value, partnership.partner),
        exchanges: [],
        declines: [],
        ends: [],
        moves: [],
      }),
    );
    node.docs.commune.change((doc) => {
      mapIn(mapIn(doc, "docs"), "shared")[partnership.partner] = toStored(handle.url as string);
      mapIn(doc, "sharedGrants")[partnership.partner] = toStored(grant.value);
      if (partnership.answer) keepAnswerIn(doc, partnership.offer, partnership.answer);
    });
    const answer = answerFor(host, node, { url: handle.url, grant: grant.value }, partnership.partner);
    return answer.ok ? ok({ doc: handle.url, answer: answer.value }) : answer;
  });
}

/** The partner's answer in the commune's partners map: its name, the document it shares with us, its offer and its grant. */
function keepAnswerIn(doc: object, offer: PartnerOffer, answer: PartnerAnswerPart): void {
  mapIn(doc, "partners")[offer.commune] = toStored({ name: offer.name, inventory: answer.doc, offer, grant: answer.grant });
}

/** Keeps the partner's box key as its latest move says (partner.shared): what we share with it is sealed to that key from then on. */
export function keepPartnerBox(node: CommuneNode, partner: string, box: string): Promise<Result<void>> {
  return inQueue(node, async () => {
    const partners = (node.docs.commune.doc() as { partners?: Record<string, unknown> } | undefined)?.partners;
    if (!partners || !Object.hasOwn(partners, partner)) return ok(undefined);
    node.docs.commune.change((doc) => {
      const stored = mapIn<Record<string, unknown>>(doc, "partners")[partner];
      if (stored) stored["box"] = box;
    });
    return ok(undefined);
  });
}

/** Keeps the answer of a partner this commune already decided on (`partner.accept`): no vote, since the decision is made. */
export function keepPartnerAnswer(node: CommuneNode, offer: PartnerOffer, answer: PartnerAnswerPart): Promise<Result<void>> {
  return inQueue(node, async () => {
    node.docs.commune.change((doc) => keepAnswerIn(doc, offer, answer));
    return ok(undefined);
  });
}

/** A fresh answer for a document we share: our offer (signed now, by this member, who signed the grant or must be on our roster) and the grant. */
export function answerFor(host: HostContext, node: CommuneNode, shared: { url: string; grant: SharedDoc["grants"][number] }, partner: string): Result<string> {
  const model = node.model();
  if (!model.ok) return model;
  const at = host.now();
  const text = createPartnerOffer(
    host.crypto,
    {
      commune: node.id,
      name: model.value.state.name,
      relays: node.record.relays,
      epoch: shared.grant.epoch,
      box: shared.grant.ourBox,
      at,
      expiresAt: at + ANSWER_DAYS * DAY,
    },
    host.keys,
  );
  const offer = readPartnerOffer(host.crypto, text, at, partner);
  if (!offer.ok) return offer;
  return ok(createPartnerAnswer(offer.value, { grant: shared.grant, doc: shared.url }));
}

/** Our roster now: the current epoch record's readers, and whoever joined since by an invite that carried its key: all hold the epoch and sign as us. */
function rosterMembersNow(readers: readonly string[] | undefined, model: CommuneModel, at: number): string[] {
  return [...new Set([...(readers ?? []), ...activeAndApplicants(model, at)])].sort();
}

/**
 * Why a partner would not count what this member signs for it now: the
 * roster it reads for us (in what we share with it) does not name this
 * member yet, since a member on that roster writes the next one only once
 * this member's join reaches them. A record signed now falls in the roster
 * before and counts for nothing there, for good (docs/partners.md, "The
 * roster"); an exchange would leave our purse and never be accepted. A
 * check to run before signing; undefined when the partner would count it,
 * or when we share nothing with it yet.
 */
export async function notOnOurRosterYet(host: PartnerHost, node: CommuneNode, model: CommuneModel, partner: string): Promise<string | undefined> {
  const shared = await sharedDocFor(node, partner);
  if (!shared) return undefined;
  // The partner's own rule for what we sign (onRosterAt), at the time this member would sign.
  const line = rosterLine(host, node, shared.doc);
  if (line.length === 0 || onRosterAt(line, host.keys.publicKey, host.now())) return undefined;
  const name = partnershipWith(model.state, partner)?.name ?? partner.slice(0, 8);
  return (
    `${name} would not count this yet: the roster ${model.state.name} shares with it does not name you until a member on it has ` +
    "seen your join and written the next one. Try again once your join has reached another member."
  );
}

/** The roster line a partner follows in a document we share: the grant's signer wrote the first roster, and a fork is settled as the partner settles it. */
function rosterLine(host: PartnerHost, node: CommuneNode, doc: SharedDoc): RosterRecord[] {
  const anchors = doc.grants.map((grant) => grant.by);
  return rosterChain(host.crypto, doc.rosters, { commune: node.id, anchors, now: host.now() }).chain;
}

const rosterTip = (host: PartnerHost, node: CommuneNode, doc: SharedDoc): RosterRecord | undefined => rosterLine(host, node, doc).at(-1);

/**
 * A new roster when ours moved on since the document's latest (someone
 * joined, or a new epoch began), signed by this member, who must be on that
 * latest roster for the partner to follow the line (shared/partners/roster.ts).
 * Without it a member who joined after the grant would sign items and
 * answers a partner cannot verify.
 */
function nextRoster(host: PartnerHost, node: CommuneNode, model: CommuneModel, doc: SharedDoc, current: HeldEpoch | undefined): RosterRecord | undefined {
  const latest = rosterTip(host, node, doc);
  if (!current || !latest || !latest.members.some((member) => member.key === host.keys.publicKey)) return undefined;
  const at = host.now();
  const members = rosterMembersNow(current.readers, model, at);
  const held = latest.members.map((member) => member.key).sort();
  if (latest.epoch === current.id && held.length === members.length && held.every((key, index) => key === members[index])) return undefined;
  return makeRoster(host.crypto, {
    commune: node.id,
    epoch: current.id,
    previous: rosterId(latest),
    members: members.map((key) => ({ key })),
    author: host.keys,
    at,
  });
}

/**
 * Where we share with `partner` now when two members of ours moved at once:
 * the move partners follow (`followedMove`, the smaller signature) in the
 * document both moved from, not the commune document's link, which keeps
 * whichever write came last. The link is pointed there if it differs; what
 * the other fresh document got is copied over by the caller, from our own
 * records, like anything missing.
 */
async function settledMove(host: PartnerHost, node: CommuneNode, partner: string, linked: string): Promise<string> {
  const before = sharedBeforeOf(node.docs.commune.doc())
    .filter((entry) => entry.partner === partner)
    .at(-1);
  if (!before) return linked;
  const handle = await node.docs.repo.find<StoredShared>(before.doc as AutomergeUrl, { allowableStates: ["ready", "unavailable"] }).catch(() => undefined);
  const read = handle?.isReady() ? readSharedDoc(handle.doc()) : undefined;
  if (!read?.ok) return linked;
  const followed = followedMove(
    read.value.doc.moves,
    (move) => move.commune === node.id && move.partner === partner && checkSignature(host.crypto, "partner-moved", move) === undefined,
  );
  if (!followed || followed.to === linked) return linked;
  node.docs.commune.change((stored) => {
    mapIn(mapIn(stored, "docs"), "shared")[partner] = toStored(followed.to as string);
    mapIn(stored, "sharedGrants")[partner] = toStored(followed.grant);
  });
  return followed.to;
}

/**
 * The partner's box key as we last learned it: from the grant it gave us
 * that we follow now (a move it made when its epoch moved on carries one
 * sealed by its new epoch, `ourBox` on its side), else from its offer.
 */
function partnerBoxOf(model: CommuneModel, partner: string): string | undefined {
  const kept = model.doc.partners[partner];
  return kept?.box ?? kept?.grant?.ourBox ?? kept?.offer?.box ?? partnershipWith(model.state, partner)?.offer.box;
}

/**
 * Moves what we share with a partner to a fresh document under a fresh
 * share key, once our epoch or the partner's moved on (docs/partners.md,
 * "Keys"): its grant is sealed to the partner's box key and ours as they
 * are now, so a member who is gone, of ours (holding the old share key) or
 * of theirs (holding their old box key), reads nothing shared from then
 * on. The fresh document starts with everything the old one holds (the
 * roster line too, extended for the new epoch, so the partner verifies it
 * from the anchors it knows); the old one gets a signed pointer to it,
 * which the partner follows (`partner.shared`), and stays readable with
 * the old key by us (`sharedBefore` in the commune document). Undefined
 * when this member cannot extend the roster line (another member will).
 */
function movedShared(
  host: PartnerHost,
  node: CommuneNode,
  model: CommuneModel,
  from: { partner: string; url: string; handle: DocHandle<StoredShared>; doc: SharedDoc },
  privacy: PrivacyCrypto,
  current: HeldEpoch,
): { doc: SharedDoc; handle: DocHandle<StoredShared> } | undefined {
  const { partner, url, handle, doc } = from;
  const partnerBox = partnerBoxOf(model, partner);
  const roster = nextRoster(host, node, model, doc, current);
  const before = doc.grants.at(-1);
  // Only a member on the line's tip can extend it (when our epoch moved on) or carry it over as it is (when only the partner's did).
  const onTip = rosterTip(host, node, doc)?.members.some((member) => member.key === host.keys.publicKey) ?? false;
  if (!partnerBox || !before || !onTip) return undefined;
  const at = host.now();
  const ourBox = communeBoxKeyOf(privacy, host.crypto, current.keys.epochKey);
  const grant = makeGrant(privacy, host.crypto, {
    commune: node.id,
    partner,
    epoch: current.id,
    partnerBox,
    ourBox: ourBox.publicKey,
    shareKey: privacy.randomKey(),
    author: host.keys,
    at,
  });
  if (!grant.ok) return undefined;
  // The earlier grants come along: their signers anchor the roster line the fresh document carries on.
  const fresh: SharedDoc = { ...doc, grants: [...doc.grants, grant.value], rosters: roster ? [...doc.rosters, roster] : [...doc.rosters], ends: [], moves: [] };
  const created = node.docs.repo.create<StoredShared>(toStored<SharedDoc>(fresh));
  const moved = makeMoved(host.crypto, { commune: node.id, partner, to: created.url, grant: grant.value, at }, host.keys);
  handle.change((stored) => {
    // The roster that leaves out whoever is gone goes into the old document too, before the pointer: a move that member signs
    // afterwards does not count for partners, and one dated before loses to this one (followedMove).
    if (roster) listIn(stored, "rosters").push(toStored(roster));
    listIn(stored, "moves").push(toStored(moved));
  });
  node.docs.commune.change((stored) => {
    mapIn(mapIn(stored, "docs"), "shared")[partner] = toStored(created.url as string);
    mapIn(stored, "sharedGrants")[partner] = toStored(grant.value);
    listIn(stored, "sharedBefore").push(toStored({ partner, doc: url, grant: before }));
  });
  return { doc: fresh, handle: created };
}

/** The active members and applicants: those who hold the current epoch, with its record's readers. */
function activeAndApplicants(model: CommuneModel, at: number): string[] {
  return Object.keys(model.state.members).filter((key) => {
    const status = statusAt(model.state, key, at);
    return status === "active" || status === "applicant";
  });
}

/** Writes the signed end record into the shared document for a passed `partner-end` proposal: from then on nothing new is written there. */
export function endPartnership(host: HostContext, node: CommuneNode, partnership: Partnership): Promise<Result<{ ended: string }>> {
  return inQueue(node, async () => {
    const shared = await sharedDocFor(node, partnership.partner);
    if (!shared || !isOpen(shared.doc))
      return fail("partner.notGranted", `Nothing is shared with ${partnership.name} now, so there is nothing to end.`, { field: "proposal" });
    const end = makeEnd(host.crypto, { commune: node.id, partner: partnership.partner, proposal: partnership.proposal, at: host.now(), author: host.keys });
    const handle = await node.docs.repo.find<StoredShared>(shared.url as AutomergeUrl);
    handle.change((doc) => {
      listIn(doc, "ends").push(toStored(end));
    });
    return ok({ ended: partnership.partner });
  });
}

/** Our side of the exchanges with partners: our exchange entries that count in our purse (a voided one was taken back by its author), and our declines that count. */
export function ourExchangeSide(model: CommuneModel, verifier: Verifier, communeDoc: unknown): { entries: SignedEntry[]; declines: SignedExchangeDecline[] } {
  const entries = model.purse.entries
    .filter((view) => view.status === "counted" && view.entry.kind === "exchange" && !model.purse.voided.has(entryClaim(view.entry.by, view.entry.id)))
    .map((view) => view.entry);
  const declines = declinesIn((communeDoc as { exchangeDeclines?: unknown } | undefined)?.exchangeDeclines).filter(
    (decline) => judgeExchangeDecline(verifier, model.state, decline) === "counted",
  );
  return { entries, declines };
}

/** Our records for `partner`'s side of the exchange channel: our exchanges naming it (out, and acceptances of its), and our declines of its. */
function exchangeRecordsFor(node: CommuneNode, model: CommuneModel, partner: string, verifier: Verifier): (SignedEntry | SignedExchangeDecline)[] {
  const ours = ourExchangeSide(model, verifier, node.docs.commune.doc());
  return [
    ...ours.entries.filter((entry) => entry.partner === partner && entry.offer !== undefined),
    ...ours.declines.filter((decline) => decline.partner === partner),
  ];
}

/** Whether the partner's genuine end record is filed here: it ended the partnership, so nothing more of ours goes to it. */
export function endedByPartner(verifier: Verifier, node: CommuneNode, model: CommuneModel, partner: string, now: number): boolean {
  const filed = filedFrom(node.docs.commune.doc(), partner);
  if (filed.ends.length === 0) return false;
  const anchors = partnerAnchors(model.state, model.doc.partners[partner], partner);
  return judgedFiled(verifier, filed, { partner, us: model.state.id, anchors, now }).ended;
}

/**
 * Copies to each open shared document what it does not hold yet: the
 * versions of our items shared with that partner, and our side of the
 * exchange channel (our exchanges naming it, our declines of its). What
 * keeps a partner up to date after an item is added, edited or retired, or
 * an exchange is made or answered. Records are only appended; a document
 * whose partner ended the partnership (its end record filed here) gets
 * nothing more, so ending stops what flows both ways.
 */
export function shareWithPartners(host: PartnerHost, node: CommuneNode): Promise<Result<{ copied: number }>> {
  return inQueue(node, async () => {
    const model = node.model();
    if (!model.ok) return model;
    let copied = 0;
    const links = Object.entries(sharedLinksOf(node.docs.commune.doc()));
    if (links.length === 0) return ok({ copied });
    const context = await host.privateCommunes.open(node.id).catch(() => undefined);
    const current = context?.keyring.current();
    for (const [partner, linked] of links) {
      const url = await settledMove(host, node, partner, linked);
      const handle: DocHandle<StoredShared> | undefined = await node.docs.repo
        .find<StoredShared>(url as AutomergeUrl, { allowableStates: ["ready", "unavailable"] })
        .catch(() => undefined);
      if (!handle?.isReady()) continue;
      const read = readSharedDoc(handle.doc());
      if (!read.ok || !isOpen(read.value.doc) || endedByPartner(host.crypto, node, model.value, partner, host.now())) continue;
      let doc = read.value.doc;
      let target = handle;
      // Our epoch moved on since the grant (someone left or was removed), or the partner's did (its box key changed): what we
      // share goes on in a fresh document whose key the member who is gone, on either side, cannot open.
      const granted = doc.grants.at(-1);
      const theirBox = partnerBoxOf(model.value, partner);
      if (context && current && granted && (granted.epoch !== current.id || (theirBox !== undefined && granted.partnerBox !== theirBox))) {
        const moved = movedShared(host, node, model.value, { partner, url, handle, doc }, context.privacy, current);
        if (moved) {
          ({ doc, handle: target } = moved);
          copied++;
        }
      }
      const held = new Set([
        ...Object.values(doc.items).flatMap((versions) => versions.map((version) => version.sig)),
        ...doc.exchanges.map((entry) => entry.sig),
        ...doc.declines.map((decline) => decline.sig),
      ]);
      const missing = Object.entries(itemsFor(node, model.value, partner)).flatMap(([id, versions]) =>
        versions.filter((version) => !held.has(version.sig)).map((version) => ({ id, version })),
      );
      const records = exchangeRecordsFor(node, model.value, partner, host.crypto).filter((record) => !held.has(record.sig));
      const roster = nextRoster(host, node, model.value, doc, current);
      if (missing.length === 0 && records.length === 0 && !roster) continue;
      target.change((stored) => {
        if (roster) listIn(stored, "rosters").push(toStored(roster));
        const items = mapIn<unknown[]>(stored, "items");
        // listIn hands back the document's own list: a list assigned here and pushed to as a plain array would stay empty in the document.
        for (const { id, version } of missing) listIn(items, id).push(toStored(version));
        for (const record of records) listIn(stored, "kind" in record ? "exchanges" : "declines").push(toStored(record));
      });
      copied += missing.length + records.length + (roster ? 1 : 0);
    }
    return ok({ copied });
  });
}

/** After a write partners may read of (an item, an exchange, an answer): copies it to the shared documents. A copy the disk refused now is made by the next write. */
export async function shareAfterWrite(host: HostContext, commune: string): Promise<void> {
  const node = host.node(commune);
  if (node.ok) await shareWithPartners(host, node.value);
}

/**
 * Files what a member of ours read in a partner's shared document and
 * counts (shared/partners/filed.ts, `toFile`) in our commune document, so
 * every member counts it. Only appends.
 */
export function fileFromPartner(node: CommuneNode, partner: string, records: FiledFromPartner): Promise<Result<{ filed: number }>> {
  return inQueue(node, async () => {
    if (isEmpty(records)) return ok({ filed: 0 });
    node.docs.commune.change((doc) => {
      const filed = mapIn(mapIn(doc, "fromPartners"), partner);
      for (const list of ["rosters", "exchanges", "declines", "ends"] as const) for (const record of records[list]) listIn(filed, list).push(toStored(record));
    });
    return ok({ filed: records.rosters.length + records.exchanges.length + records.declines.length + records.ends.length });
  });
}
