import type { CommuneState } from "../commune/state";
import type { PublicKey } from "../identity/keys";
import type { SignedEntry } from "../purse/entry";

/**
 * How exports name the two sides of an entry. Members go by their name; when
 * two keys share a name (compared without regard to case), each gets the
 * first 8 hex digits of its key: "Ada (3f2a91bc)". A key the commune does not
 * know is its first 8 hex digits.
 */
export interface PartyNames {
  member(key: PublicKey): string;
}

export interface NamingOptions {
  /** Rewrites a name before it is compared and shown (the journal makes it a valid account name). */
  normalise?: (name: string) => string;
  /** How a name is told apart from another of the same name: "Ada (3f2a91bc)" unless told. */
  disambiguate?: (name: string, keyPrefix: string) => string;
}

export function partyNames(state: CommuneState, options: NamingOptions = {}): PartyNames {
  const normalise = options.normalise ?? ((name: string) => name);
  const disambiguate = options.disambiguate ?? ((name: string, prefix: string) => `${name} (${prefix})`);
  const byName = new Map<string, number>();
  const names = new Map<PublicKey, string>();
  for (const member of Object.values(state.members)) {
    const folded = normalise(member.name).toLowerCase();
    byName.set(folded, (byName.get(folded) ?? 0) + 1);
  }
  for (const member of Object.values(state.members)) {
    const plain = normalise(member.name);
    names.set(member.key, (byName.get(plain.toLowerCase()) ?? 0) > 1 ? disambiguate(plain, member.key.slice(0, 8)) : plain);
  }
  return {
    member: (key) => names.get(key) ?? normalise(String(key).slice(0, 8)),
  };
}

/** The purse's side of an entry, or the other party's: who gives and who receives. */
export type Party = { kind: "purse" } | { kind: "member"; key: PublicKey } | { kind: "payee"; name: string } | { kind: "partner"; id: string };

export function partiesOf(entry: SignedEntry, reverses?: SignedEntry): { from: Party; to: Party } | undefined {
  const purse: Party = { kind: "purse" };
  switch (entry.kind) {
    case "void": {
      // A void moves back what the entry it takes back moved.
      const undone = reverses && reverses.kind !== "void" ? partiesOf(reverses) : undefined;
      return undone && { from: undone.to, to: undone.from };
    }
    case "contribution":
      return { from: { kind: "member", key: entry.by }, to: purse };
    case "transfer":
      return entry.to === undefined ? undefined : { from: { kind: "member", key: entry.by }, to: { kind: "member", key: entry.to } };
    case "disbursement":
      if (entry.to !== undefined) return { from: purse, to: { kind: "member", key: entry.to } };
      return entry.payee === undefined ? undefined : { from: purse, to: { kind: "payee", name: entry.payee } };
    case "exchange": {
      if (entry.partner === undefined) return undefined;
      const partner: Party = { kind: "partner", id: entry.partner };
      return entry.direction === "in" ? { from: partner, to: purse } : { from: purse, to: partner };
    }
    default:
      return undefined;
  }
}
