/**
 * The list or map a record is written into, inside an Automerge change. A
 * peer holding the document may have put something else in its place
 * (text where the entries were, a number where the votes were): it is
 * begun again, empty, and what it held is read back from the document's
 * history (shared/history/every-record.ts), so the member's own write is
 * never lost to it and nothing signed is lost either.
 */

const isList = (value: unknown): value is unknown[] => Array.isArray(value);
// Automerge's map proxies have Object's prototype; its text, counters, dates and bytes do not.
const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

export function listIn<T>(parent: object, key: string): T[] {
  const holder = parent as Record<string, unknown>;
  if (!isList(holder[key])) holder[key] = [];
  return holder[key] as T[];
}

export function mapIn<T>(parent: object, key: string): Record<string, T> {
  const holder = parent as Record<string, unknown>;
  if (!isMap(holder[key])) holder[key] = {};
  return holder[key] as Record<string, T>;
}
