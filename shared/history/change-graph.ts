import * as A from "@automerge/automerge";

/**
 * What a document's change graph proves about the order records were
 * written in: a change that depends on another was made by someone whose
 * copy held the other. That is all it proves. An author may build a change
 * on an old copy on purpose, and then it reads as written offline,
 * concurrently with everything after that copy; so the graph can show that
 * a record came after another ("saw" it), never that it came before.
 *
 * Read from Automerge's change metadata (`getChangesMetaSince`: actor, op
 * range, dependencies, hash), which costs a fraction of decoding the
 * changes, and grown as new changes arrive.
 */
export class ChangeGraph {
  readonly #nodes = new Map<string, ChangeNode>();
  /** Per actor, its changes by ascending first op: Automerge numbers one actor's ops in the order it made them. */
  readonly #byActor = new Map<string, ChangeNode[]>();
  #heads: A.Heads = [];

  /** Takes in the changes `doc` holds beyond those seen so far. */
  update(doc: A.Doc<unknown>): void {
    const touched = new Set<ChangeNode[]>();
    for (const meta of A.getChangesMetaSince(doc, this.#heads)) {
      if (this.#nodes.has(meta.hash)) continue;
      const node: ChangeNode = { hash: meta.hash, startOp: meta.startOp, maxOp: meta.maxOp, deps: meta.deps };
      this.#nodes.set(meta.hash, node);
      const list = this.#byActor.get(meta.actor) ?? [];
      list.push(node);
      this.#byActor.set(meta.actor, list);
      touched.add(list);
    }
    // Only the actors with new changes: a graph grown by one change re-sorts one list, not the whole history.
    for (const list of touched) list.sort((a, b) => a.startOp - b.startOp);
    this.#heads = A.getHeads(doc);
  }

  /**
   * For every change: the latest of `carried` (a dated record per change)
   * found among its dependencies, transitively (never its own). One pass
   * over the changes in an order where dependencies come first.
   */
  latestBefore(carried: ReadonlyMap<string, Dated>): Map<string, Dated> {
    const upTo = new Map<string, Dated | undefined>();
    const before = new Map<string, Dated>();
    for (const node of this.#dependenciesFirst()) {
      let latest: Dated | undefined;
      for (const dep of node.deps) {
        const candidate = upTo.get(dep);
        if (candidate && (!latest || later(candidate.at, candidate.sig, latest))) latest = candidate;
      }
      if (latest) before.set(node.hash, latest);
      const own = carried.get(node.hash);
      upTo.set(node.hash, own && (!latest || later(own.at, own.sig, latest)) ? own : latest);
    }
    return before;
  }

  /** Every change after all of its dependencies the graph holds (Kahn's order). */
  #dependenciesFirst(): ChangeNode[] {
    const waiting = new Map<string, number>();
    const dependents = new Map<string, string[]>();
    const ready: ChangeNode[] = [];
    for (const node of this.#nodes.values()) {
      const known = node.deps.filter((dep) => this.#nodes.has(dep));
      waiting.set(node.hash, known.length);
      for (const dep of known) {
        const list = dependents.get(dep);
        if (list) list.push(node.hash);
        else dependents.set(dep, [node.hash]);
      }
      if (known.length === 0) ready.push(node);
    }
    const ordered: ChangeNode[] = [];
    while (ready.length > 0) {
      const node = ready.pop()!;
      ordered.push(node);
      for (const next of dependents.get(node.hash) ?? []) {
        const left = waiting.get(next)! - 1;
        waiting.set(next, left);
        if (left === 0) ready.push(this.#nodes.get(next)!);
      }
    }
    return ordered;
  }

  /** The change that made the operation `opId` ("counter@actor", as `A.getObjectId` gives a map or list), when the graph holds it. */
  changeOfOp(opId: string): string | undefined {
    const at = opId.indexOf("@");
    const counter = Number(opId.slice(0, at));
    const list = this.#byActor.get(opId.slice(at + 1));
    if (at < 1 || !Number.isSafeInteger(counter) || !list) return undefined;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const node = list[middle]!;
      if (counter < node.startOp) high = middle - 1;
      else if (counter > node.maxOp) low = middle + 1;
      else return node.hash;
    }
    return undefined;
  }

  /**
   * Whether the author of change `later` had change `earlier` in their copy:
   * `earlier` is `later` or among its dependencies, transitively. Undefined
   * when the graph lacks either. Walks back from `later` only through
   * changes whose ops could come after `earlier`'s (a change that depends on
   * another numbers its ops after all of the other's), so the walk covers
   * what was written between the two, not the whole history.
   */
  saw(later: string, earlier: string): boolean | undefined {
    const target = this.#nodes.get(earlier);
    const start = this.#nodes.get(later);
    if (!target || !start) return undefined;
    const seen = new Set<string>([later]);
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.hash === earlier) return true;
      for (const dep of node.deps) {
        const next = this.#nodes.get(dep);
        if (!next || seen.has(dep) || next.maxOp < target.startOp) continue;
        seen.add(dep);
        stack.push(next);
      }
    }
    return false;
  }
}

interface ChangeNode {
  hash: string;
  startOp: number;
  maxOp: number;
  deps: readonly string[];
}

/**
 * What a document's change graph says about its signed records, by
 * signature. A record is placed at the change that first carried it:
 * `firstChange` (from the history scan, for a document whose records were
 * deleted or moved) or else the change that made its map in `doc`. The
 * records of `doc` under `lists` (maps of lists of records, like the
 * proposals document's votes, maps of records, like its proposals, or lists
 * of records, like a purse shard's entries) are
 * located, and the graph brought up to `doc`, on the first question only:
 * most replays ask none.
 */
export interface RecordHistory {
  /** Whether the author of the record signed `later` had the record signed `earlier` in their copy; undefined when the graph cannot place both. */
  saw(later: string, earlier: string): boolean | undefined;
  /**
   * For each record of `dated` (signature → claimed time) that the graph
   * places: the signature of the latest-dated record of `dated` its author
   * provably had in their copy (in its change's dependencies, transitively),
   * when there was one.
   */
  latestSeen(dated: ReadonlyMap<string, number>): Map<string, string>;
}

export function recordHistory(doc: A.Doc<unknown>, graph: ChangeGraph, firstChange: ReadonlyMap<string, string>, lists: readonly string[]): RecordHistory {
  let located: Map<string, string> | undefined;
  const changeOf = (sig: string): string | undefined => {
    if (located === undefined) {
      graph.update(doc);
      located = locate(doc, graph, lists);
    }
    return firstChange.get(sig) ?? located.get(sig);
  };
  return {
    saw(later, earlier) {
      const from = changeOf(later);
      const to = changeOf(earlier);
      return from === undefined || to === undefined ? undefined : graph.saw(from, to);
    },
    latestSeen(dated) {
      const carried = new Map<string, Dated>();
      const placed: [string, string][] = [];
      for (const [sig, at] of dated) {
        const change = changeOf(sig);
        if (change === undefined) continue;
        placed.push([sig, change]);
        const known = carried.get(change);
        if (!known || later(at, sig, known)) carried.set(change, { sig, at });
      }
      const before = graph.latestBefore(carried);
      const seen = new Map<string, string>();
      for (const [sig, change] of placed) {
        const latest = before.get(change);
        if (latest) seen.set(sig, latest.sig);
      }
      return seen;
    },
  };
}

interface Dated {
  sig: string;
  at: number;
}

const later = (at: number, sig: string, than: Dated) => at > than.at || (at === than.at && sig > than.sig);

function locate(doc: A.Doc<unknown>, graph: ChangeGraph, lists: readonly string[]): Map<string, string> {
  const located = new Map<string, { change: string; counter: number }>();
  const root = doc as Record<string, unknown>;
  for (const name of lists) {
    const groups = root[name];
    // A list of records (a purse shard's entries) is one group; a map (the proposals document's votes) holds many.
    const grouped: unknown[] = Array.isArray(groups) ? [groups] : isRecord(groups) ? Object.values(groups) : [];
    for (const group of grouped) {
      const records: unknown[] = Array.isArray(group) ? (group as unknown[]) : [group];
      for (const record of records) {
        if (!isRecord(record)) continue;
        const sig = textOf(record.sig);
        const opId = A.getObjectId(record);
        const change = opId === null ? undefined : graph.changeOfOp(opId);
        if (sig === undefined || change === undefined) continue;
        // A copy of a record is made after the record, so its ops are numbered after the original's: the original is the lowest.
        const counter = Number.parseInt(opId!, 10);
        const known = located.get(sig);
        if (!known || counter < known.counter) located.set(sig, { change, counter });
      }
    }
  }
  return new Map([...located].map(([sig, { change }]) => [sig, change]));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const textOf = (value: unknown): string | undefined => (typeof value === "string" ? value : A.isImmutableString(value) ? value.val : undefined);
