import * as A from "@automerge/automerge";
import { fromStored } from "../docs/automerge-form";

/**
 * Every record that was ever in a document, found in its Automerge history
 * rather than its current state: what the signed-history rule counts when
 * `isWholeHistory` (./whole-history.ts) says the current state no longer
 * shows everything.
 *
 * The scan replays the document's changes in a deterministic causal order
 * (dependencies first; changes neither of which depends on the other by
 * their hashes, so every member walks the same order whatever order the
 * changes reached it in), keeping a light copy of every map and list the
 * operations build. After each change, every record the change wrote or
 * altered is seen as it stood then: a sighting. A record deleted later, or
 * overwritten, or moved, was still seen when it was written, with the
 * fields that were signed.
 *
 * What a record is depends on the document, so the caller names the places
 * records sit (`Places.record`, e.g. ["entries"] or ["votes", id]) and the
 * places index values sit (`Places.index`, e.g. ["shards", key]).
 */

export type Place = readonly string[];

export interface Places {
  /** Whether a map at this place is a record: a sighting of it is made whenever it or anything inside it changes. */
  record(place: Place): boolean;
  /** Whether a scalar set at this place is an index value (a document address): a sighting of it is made whenever it is set. */
  index(place: Place): boolean;
}

export interface Sighting {
  /** Where it sat: the keys from the document's root to its container, then its key in a map (none for a list element). */
  place: Place;
  /** Plain data: ImmutableStrings as strings, lists and maps as arrays and objects. */
  value: unknown;
  /** Whether it sat in a list (`place` is the list's) rather than under a key of a map (`place` ends with the key). */
  list: boolean;
  /** The position of the change that showed it, in the scan's causal order: earlier means seen earlier, on every member. */
  order: number;
  /** That change's hash. */
  change: string;
}

/** The changes in a deterministic causal order: each after its dependencies, ties by hash. Unknown dependencies are ignored. */
export function causalOrder(changes: readonly A.DecodedChange[]): A.DecodedChange[] {
  const byHash = new Map<string, A.DecodedChange>();
  for (const change of changes) byHash.set(change.hash, change);
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const change of byHash.values()) {
    const known = change.deps.filter((dep) => byHash.has(dep));
    waitingOn.set(change.hash, known.length);
    for (const dep of known) {
      const list = dependents.get(dep);
      if (list) list.push(change.hash);
      else dependents.set(dep, [change.hash]);
    }
  }
  const ready = [...byHash.keys()].filter((hash) => waitingOn.get(hash) === 0).sort();
  const ordered: A.DecodedChange[] = [];
  while (ready.length > 0) {
    const hash = ready.shift()!;
    ordered.push(byHash.get(hash)!);
    for (const next of dependents.get(hash) ?? []) {
      const left = waitingOn.get(next)! - 1;
      waitingOn.set(next, left);
      if (left === 0) insertSorted(ready, next);
    }
  }
  return ordered;
}

function insertSorted(list: string[], value: string): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid]! < value) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, value);
}

/** Where a made object hangs: its parent and the key (map) or element id (list) it was made under. */
interface Made {
  kind: "map" | "list";
  parent: string;
  /** The map key, for an object inside a map; undefined inside a list. */
  key: string | undefined;
  /** Map: key -> value. List: element id -> value, plus the order of element ids. */
  fields: Map<string, Value>;
  elements: string[];
}

/**
 * An operation as `A.decodeChange` returns it. Automerge's declared `Op`
 * type leaves out the list fields it returns (`elemId`, `insert`) and says
 * `key` is always there, which it is not for list operations.
 */
interface DecodedOp {
  action: string;
  obj: string;
  key?: string;
  elemId?: string;
  insert?: boolean;
  value?: unknown;
}

/** A scalar, or a reference to a made object by its id. */
type Value = { scalar: unknown } | { object: string };

const ROOT = "_root";

/** Every record and index value the document's history ever showed, in causal order. */
export function scanHistory(changes: readonly Uint8Array[], places: Places): Sighting[] {
  return scanDecoded(
    changes.map((change) => A.decodeChange(change)),
    places,
  );
}

export function scanDecoded(decoded: readonly A.DecodedChange[], places: Places): Sighting[] {
  const objects = new Map<string, Made>([[ROOT, { kind: "map", parent: "", key: undefined, fields: new Map(), elements: [] }]]);
  const placeCache = new Map<string, Place | null>();
  const sightings: Sighting[] = [];
  const ordered = causalOrder(decoded);

  const placeOf = (id: string): Place | null => {
    if (id === ROOT) return [];
    const cached = placeCache.get(id);
    if (cached !== undefined) return cached;
    const made = objects.get(id);
    const parentPlace = made ? placeOf(made.parent) : null;
    const place = made && parentPlace ? (made.key === undefined ? parentPlace : [...parentPlace, made.key]) : null;
    placeCache.set(id, place);
    return place;
  };

  ordered.forEach((change, order) => {
    const touched = new Set<string>();
    (change.ops as readonly DecodedOp[]).forEach((op, index) => {
      const opId = `${change.startOp + index}@${change.actor}`;
      const target = objects.get(op.obj);
      if (!target) return; // an operation on an object this history never made: nothing to see
      const slot = target.kind === "map" ? op.key : op.insert ? opId : op.elemId;
      if (slot === undefined) return;
      if (target.kind === "list" && op.insert) insertAfter(target.elements, op.elemId ?? "_head", opId);
      switch (op.action) {
        case "makeMap":
        case "makeList":
        case "makeTable":
          objects.set(opId, {
            kind: op.action === "makeList" ? "list" : "map",
            parent: op.obj,
            key: target.kind === "map" ? slot : undefined,
            fields: new Map(),
            elements: [],
          });
          target.fields.set(slot, { object: opId });
          break;
        case "del":
          target.fields.delete(slot);
          break;
        case "set":
          target.fields.set(slot, { scalar: op.value });
          if (target.kind === "map") {
            const place = placeOf(op.obj);
            if (place && places.index([...place, slot])) sightings.push({ place: [...place, slot], value: op.value, list: false, order, change: change.hash });
          }
          break;
        default:
          // Text, counters' increments, marks: never part of a record Commune writes; the record they touch is still seen below.
          break;
      }
      touched.add(op.obj);
    });
    const seen = new Set<string>();
    for (const id of touched) {
      const record = nearestRecord(id, objects, placeOf, places);
      if (record === undefined || seen.has(record)) continue;
      seen.add(record);
      sightings.push({
        place: placeOf(record)!,
        value: materialize(record, objects, 0),
        list: objects.get(record)?.key === undefined,
        order,
        change: change.hash,
      });
    }
  });
  return sightings;
}

/** The record an object belongs to: itself or the nearest map above it whose place is a record place. */
function nearestRecord(id: string, objects: Map<string, Made>, placeOf: (id: string) => Place | null, places: Places): string | undefined {
  let current: string | undefined = id;
  for (let depth = 0; current !== undefined && current !== ROOT && depth < MAX_NESTING; depth++) {
    const made = objects.get(current);
    if (!made) return undefined;
    const place = placeOf(current);
    if (made.kind === "map" && place && places.record(place)) return current;
    current = made.parent;
  }
  return undefined;
}

const MAX_NESTING = 32;

/** The object as plain data, as it stands now in the replay. */
function materialize(id: string, objects: Map<string, Made>, depth: number): unknown {
  const made = objects.get(id);
  if (!made || depth > MAX_NESTING) return undefined;
  const valueOf = (value: Value): unknown => ("scalar" in value ? fromStored(value.scalar) : materialize(value.object, objects, depth + 1));
  if (made.kind === "list") {
    const list: unknown[] = [];
    for (const element of made.elements) {
      const value = made.fields.get(element);
      if (value) list.push(valueOf(value));
    }
    return list;
  }
  const map: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of made.fields) map[key] = valueOf(value);
  return { ...map };
}

/**
 * Places a newly inserted element in a list the way Automerge does (RGA):
 * after the element it was inserted after, but after any elements inserted
 * after that same one by a later operation, which therefore sort first.
 */
function insertAfter(elements: string[], after: string, id: string): void {
  let index = after === "_head" ? 0 : elements.indexOf(after) + 1;
  if (after !== "_head" && index === 0) {
    elements.push(id);
    return;
  }
  while (index < elements.length && compareOpIds(elements[index]!, id) > 0) index++;
  elements.splice(index, 0, id);
}

/** Lamport order of operation ids "counter@actor": by counter, then actor. */
function compareOpIds(a: string, b: string): number {
  const [counterA, actorA = ""] = a.split("@");
  const [counterB, actorB = ""] = b.split("@");
  const difference = Number(counterA) - Number(counterB);
  if (difference !== 0) return difference;
  return actorA < actorB ? -1 : actorA > actorB ? 1 : 0;
}
