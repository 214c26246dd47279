import { fail, ok, type Result } from "../result";
import { fromStored } from "./automerge-form";

/**
 * Every Commune document names its `type` and a `schema` number. The number
 * governs: a reader opens a document only when it knows the document's
 * schema, and says plainly when the document is newer than itself, rather
 * than guessing at fields it has never seen. This check runs before any
 * other look at the document.
 *
 * Raise a type's number when a change would make an older version misread
 * the document (a field whose absence or old meaning would be counted
 * wrongly). Fields an older version can safely ignore need no new number.
 */
export type DocType = "commune" | "purse-shard" | "proposals" | "inventory";

export const SUPPORTED_SCHEMA = {
  commune: 1,
  "purse-shard": 1,
  proposals: 1,
  inventory: 1,
} as const satisfies Record<DocType, number>;

/** How a message names each type, as the subject of a sentence and after "a Commune ...". */
const WORDS: Record<DocType, { subject: string; noun: string }> = {
  commune: { subject: "This commune", noun: "commune" },
  "purse-shard": { subject: "This part of the purse", noun: "purse shard" },
  proposals: { subject: "This commune's proposals", noun: "proposals" },
  inventory: { subject: "This inventory", noun: "inventory" },
};

const isDocType = (value: unknown): value is DocType => typeof value === "string" && Object.hasOwn(SUPPORTED_SCHEMA, value);

/** Reads a field that may still be in its stored (Automerge) form. */
const field = (doc: object, key: string): unknown => (Object.hasOwn(doc, key) ? fromStored((doc as Record<string, unknown>)[key]) : undefined);

/**
 * Checks that `raw` is a document of `type` with a schema this version
 * reads, and returns that schema number. `raw` may be plain data or an
 * Automerge document.
 */
export function checkVersion(raw: unknown, type: DocType): Result<number> {
  const { subject, noun } = WORDS[type];
  const notA = (why: string) => fail<number>("document.notADocument", `This is not a Commune ${noun} document (${why}).`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return notA("it is not a document at all");

  const actualType = field(raw, "type");
  if (actualType !== type) {
    if (isDocType(actualType)) return notA(`it is a Commune ${WORDS[actualType].noun} document`);
    return notA(actualType === undefined ? "it has no type" : "it has an unknown type");
  }

  const schema = field(raw, "schema");
  if (typeof schema !== "number" || !Number.isSafeInteger(schema) || schema < 1) {
    return notA(schema === undefined ? "it has no schema number" : "its schema number is not a whole number from 1 up");
  }
  const supported = SUPPORTED_SCHEMA[type];
  if (schema > supported) {
    return fail(
      "document.newerSchema",
      `${subject} was saved by a newer version of Commune (document schema ${schema}; this version reads up to ${supported}). Update Commune to open it.`,
    );
  }
  return ok(schema);
}
