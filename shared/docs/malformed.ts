import type { PublicKey } from "../identity/keys";

/** The lists and maps of Commune documents that hold records. */
export type RecordList =
  | "events"
  | "relays"
  | "shards"
  | "partners"
  | "entries"
  | "proposals"
  | "votes"
  | "comments"
  | "outcomes"
  | "items"
  | "epochs"
  | "grants"
  | "rosters"
  | "ends"
  | "exchanges"
  | "declines"
  | "moves";

/**
 * A record left out of a document because it is malformed, where it was and
 * why. It counts for nothing; the app reports it to the member.
 */
export interface Malformed {
  list: RecordList;
  /** Position in the list (from 0); for votes and items, in the list filed under `key`. */
  index?: number;
  /** Key in the map: shard key, partner id, proposal id, or the proposal or item id a list is filed under. */
  key?: string;
  /** The record's own id and author, when those at least are well-formed. */
  id?: string;
  by?: PublicKey;
  /** What is wrong, for people: "amount must be a positive whole number of minor units". */
  reason: string;
}

/** The unsigned lists a reader takes as empty when a peer put something else in their place (./doc-reader.ts, unsignedList). */
const WHOLE_LISTS: Partial<Record<RecordList, string>> = {
  relays: "The commune's relay addresses",
  shards: "The commune's links to its purse shards",
  partners: "The commune's partners",
  epochs: "The commune's epoch records",
};

/** "Entry #13 is malformed: amount must be ...", counting from 1 as people do. */
export function describeMalformed(malformed: Malformed): string {
  const { list, index, reason } = malformed;
  const whole = WHOLE_LISTS[list];
  if (index === undefined && malformed.key === undefined && whole !== undefined) return `${whole} ${reason}`;
  const key = `"${shortened(malformed.key ?? "")}"`;
  const nth = index === undefined ? "" : ` #${index + 1}`;
  switch (list) {
    case "events":
      return `Membership event${nth} is malformed: ${reason}`;
    case "relays":
      return `Relay address${nth} is malformed: ${reason}`;
    case "entries":
      return `Entry${nth} is malformed: ${reason}`;
    case "shards":
      return `The link to purse shard ${key} is malformed: ${reason}`;
    case "partners":
      return `Partner commune ${key} is malformed: ${reason}`;
    case "proposals":
      return `Proposal ${key} is malformed: ${reason}`;
    case "votes":
      return index === undefined ? `The votes on proposal ${key} are malformed: ${reason}` : `Vote${nth} on proposal ${key} is malformed: ${reason}`;
    case "comments":
      return index === undefined ? `The discussion of proposal ${key} is malformed: ${reason}` : `Comment${nth} on proposal ${key} is malformed: ${reason}`;
    case "epochs":
      return `Epoch record${nth} is malformed: ${reason}`;
    case "outcomes":
      return index === undefined ? `The outcomes of proposal ${key} are malformed: ${reason}` : `Outcome${nth} of proposal ${key} is malformed: ${reason}`;
    case "items":
      return index === undefined
        ? `The versions of knowledge item ${key} are malformed: ${reason}`
        : `Version${nth} of knowledge item ${key} is malformed: ${reason}`;
    case "grants":
      return `Partner grant${nth} is malformed: ${reason}`;
    case "exchanges":
      return `Shared exchange${nth} is malformed: ${reason}`;
    case "declines":
      return `Shared decline of an exchange${nth} is malformed: ${reason}`;
    case "moves":
      return `The pointer to a partner's next shared document${nth} is malformed: ${reason}`;
    case "rosters":
      return `Partner roster${nth} is malformed: ${reason}`;
    case "ends":
      return `Partnership end record${nth} is malformed: ${reason}`;
  }
}

/** Keys and ids come from other members' documents: never quote more than a line of one. */
export const shortened = (text: string): string => (text.length > 70 ? `${text.slice(0, 67)}...` : text);
