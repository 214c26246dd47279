import type { z } from "zod";
import type { PublicKey } from "../identity/keys";
import { fail, failWith, ok, type Problem, type Result } from "../result";
import { fromStored } from "./automerge-form";
import { isId, publicKey } from "./fields";
import type { Malformed, RecordList } from "./malformed";
import { describeValue, parseWith } from "./reasons";
import { badSchemaNote, newerSchema, schemaOf, SUPPORTED_SCHEMA, type DocType } from "./version";

/**
 * Walks one untrusted document (an Automerge doc, or plain data from a file
 * or the network) for the readers in ./documents. Envelope fields (the
 * commune, the owner, the lists themselves) must be sound or the document is
 * unreadable; records inside lists and maps are taken one by one, each
 * brought out of its stored form and checked on its own, and a malformed one
 * is collected in `malformed` instead of spoiling the rest.
 */
type Source = Readonly<Record<string, unknown>>;

const DAMAGED: Record<DocType, string> = {
  commune: "This commune's document is damaged",
  "purse-shard": "This part of the purse is damaged",
  proposals: "This commune's proposals document is damaged",
  inventory: "This inventory is damaged",
  shared: "What this partner shares is damaged",
};

export class DocReader {
  readonly malformed: Malformed[] = [];
  readonly #source: Source;
  readonly #type: DocType;
  readonly #schema: number;
  readonly #badSchema: Problem | undefined;

  private constructor(source: Source, type: DocType, schema: number, badSchema?: Problem) {
    this.#source = source;
    this.#type = type;
    this.#schema = schema;
    this.#badSchema = badSchema;
  }

  /**
   * The type and schema check, before any other look at the document. A
   * newer schema does not stop the reading (./version.ts says why): it is
   * named by `newer` once the document is read, and explains any failure.
   */
  static open(raw: unknown, type: DocType): Result<DocReader> {
    const schema = schemaOf(raw, type);
    if (schema.ok) return ok(new DocReader(raw as Source, type, schema.value));
    // The right type with a schema number a peer spoiled: advice spoiled, read as this version's.
    if (schema.error.code === "document.badSchema") return ok(new DocReader(raw as Source, type, SUPPORTED_SCHEMA[type], badSchemaNote(type)));
    return failWith(schema.error);
  }

  /** What the document's schema number says, for a reader that read it all the same: a newer schema, or a spoiled number. */
  get schemaNote(): Problem | undefined {
    return this.#badSchema ?? newerSchema(this.#type, this.#schema, true);
  }

  /** A text field of the envelope, e.g. the shard's owner. */
  field(key: string, schema: z.ZodType<string>): Result<string> {
    const value = fromStored(this.#own(key));
    const parsed = schema.safeParse(value);
    if (parsed.success) return ok(parsed.data);
    return this.#damaged(`${key} ${value === undefined ? "is missing" : (parsed.error.issues[0]?.message ?? "is malformed")}`);
  }

  /** A record the envelope cannot do without, e.g. the commune's genesis. */
  record<T>(key: string, schema: z.ZodType<T>): Result<T> {
    const value = fromStored(this.#own(key));
    if (value === undefined) return this.#damaged(`${key} is missing`);
    const parsed = parseWith(schema, value, key);
    return parsed.ok ? parsed : this.#damaged(parsed.error.message);
  }

  list<T>(list: RecordList, read: (value: unknown) => Result<T>, from = 0): Result<T[]> {
    const stored = this.#own(list);
    if (!Array.isArray(stored)) return this.#damaged(`${list} ${stored === undefined ? "is missing" : `is ${describeValue(stored)}, not a list`}`);
    return ok(this.#records(list, stored, read, from));
  }

  /**
   * A list of unsigned values (the relay addresses): one a peer replaced
   * with something else reads as empty, noted, instead of damaging the
   * document; any peer could have emptied it anyway.
   */
  unsignedList<T>(list: RecordList, read: (value: unknown) => Result<T>): T[] {
    const stored = this.#own(list);
    if (Array.isArray(stored)) return this.#records(list, stored, read, 0);
    this.malformed.push({ list, reason: `${stored === undefined ? "are missing" : `are ${describeValue(stored)}, not a list`}; read as none` });
    return [];
  }

  /** An unsigned list added after the first documents were written (the epoch records): absent reads as none, without a note. */
  optionalList<T>(list: RecordList, read: (value: unknown) => Result<T>): T[] {
    return this.#own(list) === undefined ? [] : this.unsignedList(list, read);
  }

  /** A map of unsigned values (the shard index, the partners): as `unsignedList`, one of another kind reads as empty, noted. */
  unsignedMap<T>(list: RecordList, read: (key: string, value: unknown) => Result<T>): Record<string, T> {
    const map = this.map(list, read);
    if (map.ok) return map.value;
    const stored = this.#own(list);
    this.malformed.push({ list, reason: `${stored === undefined ? "are missing" : `are ${describeValue(stored)}, not a map`}; read as none` });
    return {};
  }

  #records<T>(list: RecordList, stored: readonly unknown[], read: (value: unknown) => Result<T>, from: number): T[] {
    const records: T[] = [];
    for (let index = from; index < stored.length; index++) {
      const value = fromStored(stored[index]);
      const record = read(value);
      if (record.ok) records.push(record.value);
      else this.malformed.push({ list, index, ...identify(value), reason: record.error.message });
    }
    return records;
  }

  /** A map of records by key. `read` checks the key too; only keys it accepts are kept. */
  map<T>(list: RecordList, read: (key: string, value: unknown) => Result<T>): Result<Record<string, T>> {
    const map = this.#map(list);
    if (!map.ok) return map;
    const records: Record<string, T> = {};
    for (const key of Object.keys(map.value)) {
      const value = fromStored(map.value[key]);
      const record = key === "__proto__" ? fail<T>("record.forbiddenKey", "is filed under a forbidden key") : read(key, value);
      if (record.ok) records[key] = record.value;
      else this.malformed.push({ list, key, ...identify(value), reason: record.error.message });
    }
    return ok(records);
  }

  /** A map of lists of records by id (votes by proposal, item versions by item). */
  mapOfLists<T>(list: RecordList, read: (key: string, value: unknown) => Result<T>): Result<Record<string, T[]>> {
    const map = this.#map(list);
    if (!map.ok) return map;
    const lists: Record<string, T[]> = {};
    for (const key of Object.keys(map.value)) {
      const stored = map.value[key];
      if (!isId(key)) {
        this.malformed.push({ list, key, reason: "are filed under a key that is not an id" });
        continue;
      }
      if (!Array.isArray(stored)) {
        this.malformed.push({ list, key, reason: `are ${describeValue(stored)}, not a list` });
        continue;
      }
      const records: T[] = [];
      for (let index = 0; index < stored.length; index++) {
        const value = fromStored(stored[index]);
        const record = read(key, value);
        if (record.ok) records.push(record.value);
        else this.malformed.push({ list, key, index, ...identify(value), reason: record.error.message });
      }
      lists[key] = records;
    }
    return ok(lists);
  }

  /** Whether the document holds `key` at all: a list added after documents were first made is read as empty where it is absent. */
  has(key: string): boolean {
    return this.#own(key) !== undefined;
  }

  #own(key: string): unknown {
    return Object.hasOwn(this.#source, key) ? this.#source[key] : undefined;
  }

  #map(list: RecordList): Result<Source> {
    const stored = this.#own(list);
    if (typeof stored === "object" && stored !== null && !Array.isArray(stored)) return ok(stored as Source);
    return this.#damaged(`${list} ${stored === undefined ? "is missing" : `is ${describeValue(stored)}, not a map`}`);
  }

  #damaged<T>(problem: string): Result<T> {
    // An envelope this version cannot read is most likely a newer version's: say "update", not "damaged".
    const newer = newerSchema(this.#type, this.#schema, false);
    if (newer) return failWith(newer);
    return fail("document.damaged", `${DAMAGED[this.#type]}: ${problem}.`);
  }
}

/** A malformed record's own id and author, for reporting it, when those at least are well-formed. */
function identify(value: unknown): Pick<Malformed, "id" | "by"> {
  if (typeof value !== "object" || value === null) return {};
  const record = value as Record<string, unknown>;
  const found: Pick<Malformed, "id" | "by"> = {};
  if (isId(record["id"])) found.id = record["id"];
  const by = publicKey.safeParse(record["by"]);
  if (by.success) found.by = by.data as PublicKey;
  return found;
}
