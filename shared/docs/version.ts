import { fail, ok, type Problem, type Result } from "../result";
import { fromStored } from "./automerge-form";

/**
 * Every Commune document names its `type` and a `schema` number, and says
 * plainly when the document is newer than this version. The number is
 * advice, not a verdict: it sits in the document unsigned, so any peer
 * holding the document can raise it, and a reader that refused a document
 * for it would let one peer take every member's signed records out of
 * count (and, on a running host, count them until it restarts). A reader
 * therefore reads a newer document's records as this version understands
 * them, each judged on its own, names the newer schema beside them, and
 * says "update" instead of "damaged" when the envelope itself is beyond it
 * (./doc-reader.ts). This check runs before any other look at the document.
 *
 * Raise a type's number when a change would make an older version misread
 * the document (a field whose absence or old meaning would be counted
 * wrongly). Fields an older version can safely ignore need no new number.
 */
export type DocType = "commune" | "purse-shard" | "proposals" | "inventory" | "shared";

export const SUPPORTED_SCHEMA = {
  commune: 1,
  "purse-shard": 1,
  proposals: 1,
  inventory: 1,
  shared: 1,
} as const satisfies Record<DocType, number>;

/** How a message names each type, as the subject of a sentence and after "a Commune ...". */
const WORDS: Record<DocType, { subject: string; noun: string }> = {
  commune: { subject: "This commune", noun: "commune" },
  "purse-shard": { subject: "This part of the purse", noun: "purse shard" },
  proposals: { subject: "This commune's proposals", noun: "proposals" },
  inventory: { subject: "This inventory", noun: "inventory" },
  shared: { subject: "What this partner shares", noun: "shared document" },
};

const isDocType = (value: unknown): value is DocType => typeof value === "string" && Object.hasOwn(SUPPORTED_SCHEMA, value);

/** Reads a field that may still be in its stored (Automerge) form. */
const field = (doc: object, key: string): unknown => (Object.hasOwn(doc, key) ? fromStored((doc as Record<string, unknown>)[key]) : undefined);

/**
 * What a member is told about a document whose schema is newer than this
 * version's, when there is something to tell: `readable` when its records
 * were read all the same (the schema number is the document's word, not a
 * signed fact, hence "says"), otherwise when nothing of it could be read.
 */
export function newerSchema(type: DocType, schema: number, readable: boolean): Problem | undefined {
  const supported = SUPPORTED_SCHEMA[type];
  if (schema <= supported) return undefined;
  const { subject } = WORDS[type];
  const which = `document schema ${schema}; this version reads up to ${supported}`;
  return {
    code: "document.newerSchema",
    message: readable
      ? `${subject} says it was saved by a newer version of Commune (${which}). The records this version can read count as before; update Commune to read the rest.`
      : `${subject} was saved by a newer version of Commune (${which}). Update Commune to open it.`,
    params: { schema, supported },
  };
}

/**
 * What a member is told about a document of the right type whose schema
 * number is missing or not a number (a peer can write one): it is read as
 * this version's, its records judged one by one.
 */
export function badSchemaNote(type: DocType): Problem {
  return {
    code: "document.badSchema",
    message: `${WORDS[type].subject} has no valid schema number (someone changed it); it is read as this version's, each record on its own.`,
  };
}

/** Checks that `raw` is a document of `type` (plain data or an Automerge document) and returns its schema number, newer or not. */
export function schemaOf(raw: unknown, type: DocType): Result<number> {
  const { noun } = WORDS[type];
  const notA = (why: string) => fail<number>("document.notADocument", `This is not a Commune ${noun} document (${why}).`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return notA("it is not a document at all");

  const actualType = field(raw, "type");
  if (actualType !== type) {
    if (isDocType(actualType)) return notA(`it is a Commune ${WORDS[actualType].noun} document`);
    return notA(actualType === undefined ? "it has no type" : "it has an unknown type");
  }

  const schema = field(raw, "schema");
  if (typeof schema !== "number" || !Number.isSafeInteger(schema) || schema < 1) {
    const why = schema === undefined ? "it has no schema number" : "its schema number is not a whole number from 1 up";
    return fail("document.badSchema", `This is not a Commune ${noun} document (${why}).`);
  }
  return ok(schema);
}
