import type { CommentView, CommuneListItem, ItemView, LedgerRow, MemberView, ProposalView } from "../shared/commands/views";
import { fail, ok, type Result } from "../shared/result";
import { clean, shortId, shortKey } from "./text";

/**
 * What a person types to name things, turned into ids: a commune by id, id
 * prefix or name; a member by public key, key prefix (8+ hex digits) or name
 * (any case); a proposal or item by id or a prefix of 4+ characters. Pure
 * functions over the host's views; an unknown or ambiguous reference is an
 * error that lists the candidates.
 */
const MIN_KEY_PREFIX = 8;
const MIN_ID_PREFIX = 4;
const LISTED = 10;

const listOf = (labels: string[]) => labels.slice(0, LISTED).join(", ") + (labels.length > LISTED ? `, … (${labels.length - LISTED} more)` : "");

const communeLabel = (commune: CommuneListItem) => `${clean(commune.name)} (${commune.id})`;

/** The commune a command runs in: the one named, or the only one this member belongs to. */
export function resolveCommune(text: string | undefined, communes: CommuneListItem[]): Result<CommuneListItem> {
  if (communes.length === 0)
    return fail("reference.noCommune", "You belong to no commune yet. Found one (commune create NAME) or join one (commune join INVITE).", {
      field: "commune",
    });
  if (text === undefined) {
    if (communes.length === 1) return ok(communes[0]!);
    // A commune you have left still answers "show", but it is not the one you mean by default.
    const current = communes.filter((commune) => commune.status !== "left" && commune.status !== "removed");
    if (current.length === 1) return ok(current[0]!);
    return fail("reference.ambiguous", `You belong to several communes; say which with --commune: ${listOf(communes.map(communeLabel))}.`, {
      field: "commune",
    });
  }
  const wanted = text.trim().toLowerCase();
  const exact = communes.filter((commune) => commune.id === wanted || commune.name.toLowerCase() === wanted);
  const candidates = exact.length > 0 ? exact : communes.filter((commune) => wanted.length >= MIN_ID_PREFIX && commune.id.startsWith(wanted));
  if (candidates.length === 1) return ok(candidates[0]!);
  if (candidates.length > 1)
    return fail(
      "reference.ambiguous",
      `--commune ${JSON.stringify(clean(text))} could be several communes: ${listOf(candidates.map(communeLabel))}. Give the id.`,
      { field: "commune" },
    );
  return fail("reference.notFound", `You belong to no commune ${JSON.stringify(clean(text))}. Yours: ${listOf(communes.map(communeLabel))}.`, {
    field: "commune",
  });
}

const memberLabel = (member: MemberView) => `${clean(member.name)} (key ${shortKey(member.key)}, ${member.status})`;

/** A member's public key. A full key passes as it is: the host decides what it may do (admitting someone not yet known, say). */
export function resolveMember(text: string, members: MemberView[]): Result<string> {
  const wanted = text.trim().toLowerCase();
  if (/^[0-9a-f]{64}$/.test(wanted)) return ok(wanted);
  const byName = members.filter((member) => member.name.trim().toLowerCase() === wanted);
  const byKey = /^[0-9a-f]+$/.test(wanted) && wanted.length >= MIN_KEY_PREFIX ? members.filter((member) => member.key.startsWith(wanted)) : [];
  const candidates = [...new Set([...byName, ...byKey])];
  if (candidates.length === 1) return ok(candidates[0]!.key);
  if (candidates.length > 1)
    return fail(
      "reference.ambiguous",
      `${JSON.stringify(clean(text))} could be several members: ${listOf(candidates.map(memberLabel))}. Give more of the key.`,
    );
  if (/^[0-9a-f]+$/.test(wanted) && wanted.length < MIN_KEY_PREFIX && members.some((member) => member.key.startsWith(wanted))) {
    return fail("reference.tooShort", `Give at least ${MIN_KEY_PREFIX} hex digits of a member's key, not ${JSON.stringify(clean(text))}.`);
  }
  const known = members.length ? ` Members: ${listOf(members.map(memberLabel))}.` : "";
  return fail("reference.notFound", `No member is called or has a key starting with ${JSON.stringify(clean(text))}.${known}`);
}

/** A record id (proposal, item) from the id or a unique prefix. */
function resolveId<T extends { id: string }>(text: string, records: T[], what: string, label: (record: T) => string, listCommand: string): Result<string> {
  const wanted = text.trim().toLowerCase();
  const exact = records.find((record) => record.id === wanted);
  if (exact) return ok(exact.id);
  if (wanted.length < MIN_ID_PREFIX)
    return fail("reference.tooShort", `Give at least ${MIN_ID_PREFIX} characters of the ${what} id, not ${JSON.stringify(clean(text))}.`);
  const candidates = records.filter((record) => record.id.startsWith(wanted));
  if (candidates.length === 1) return ok(candidates[0]!.id);
  if (candidates.length > 1)
    return fail("reference.ambiguous", `${JSON.stringify(clean(text))} could be several ${what}s: ${listOf(candidates.map(label))}. Give more of the id.`);
  return fail("reference.notFound", `No ${what} id starts with ${JSON.stringify(clean(text))}. "${listCommand}" lists them.`);
}

export const resolveProposal = (text: string, proposals: ProposalView[]) =>
  resolveId(text, proposals, "proposal", (p) => `${shortId(p.id)} ${JSON.stringify(clean(p.title))} (${p.outcome})`, "commune proposals");

export const resolveEntry = (text: string, entries: LedgerRow[]) =>
  resolveId(text, entries, "entry", (row) => `${shortId(row.id)} ${row.kind} #${row.n}`, "commune ledger --member YOUR-NAME");

/** A payment out of the purse by any member, as a reverse proposal names it. */
export function resolvePayment(text: string, payments: LedgerRow[]): Result<LedgerRow> {
  const id = resolveId(text, payments, "payment", (row) => `${shortId(row.id)} by ${clean(row.byName)} (#${row.n})`, "commune ledger --kind disbursement");
  if (!id.ok) return id;
  const matching = payments.filter((row) => row.id === id.value);
  if (matching.length > 1)
    return fail("reference.ambiguous", `Several members have a payment ${id.value}: ${listOf(matching.map((row) => `#${row.n} by ${clean(row.byName)}`))}.`);
  return ok(matching[0]!);
}

/** A comment in one proposal's discussion, by id or prefix. */
export const resolveComment = (text: string, discussion: CommentView[]) =>
  resolveId(text, discussion, "comment", (c) => `${shortId(c.id)} by ${clean(c.byName)}`, "commune proposals");

export const resolveItem = (text: string, items: ItemView[]) =>
  resolveId(text, items, "item", (item) => `${shortId(item.id)} ${JSON.stringify(clean(item.title))}`, "commune knowledge list");
