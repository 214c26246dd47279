/**
 * The combined inventory's search (issue 14: "fast at 10,000 items across
 * 10 partners, first results under 100 ms in a bench figure"): 10,010 items
 * from our commune and 10 partners, searched for the first 50 results by
 * words, by tag and by source, against a baseline of the plain filter the
 * host used before (`searchItems`, which lower-cases every item per query).
 * Items are made in memory with realistic lengths; signatures are not
 * checked here (the combined view is built from items already judged).
 */
import type { SignedItem } from "../shared/inventory/item";
import { ItemSearch, type SourcedItem } from "../shared/inventory/combined";
import { searchItems } from "../shared/inventory/inventory";
import { progress, timeRuns, type Stats } from "./measure";

export interface SearchRow {
  n: number;
  figure: string;
  unit: "ms";
  commune: Stats;
  baseline: string;
  baselineValue?: Stats;
  note?: string;
}

const SOURCES = 11;
const PER_SOURCE = 910;
const WORDS = "apple bread compost dough engine fence garden harvest iron jam kettle ladder mill nettle oven plough quince rope saw timber".split(" ");
const TAGS = ["kitchen", "tools", "garden", "bikes", "animals", "childcare", "repairs", "seeds"];

/** A deterministic pseudo-random sequence, so every run searches the same items. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function items(): SourcedItem[] {
  const next = random(14);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const all: SourcedItem[] = [];
  for (let s = 0; s < SOURCES; s++) {
    const source = s === 0 ? "ours" : `partner-${s}`;
    for (let i = 0; i < PER_SOURCE; i++) {
      const body = Array.from({ length: 50 }, () => pick(WORDS)).join(" ");
      const item = {
        commune: source,
        id: `${source}-${i}`,
        version: 1,
        at: Date.UTC(2026, 0, 1) + Math.floor(next() * 3e10),
        title: `${pick(WORDS)} ${pick(WORDS)} ${i}`,
        body,
        tags: [pick(TAGS), pick(TAGS)].filter((tag, index, list) => list.indexOf(tag) === index),
        by: "a".repeat(64),
        sig: "",
      } as SignedItem;
      all.push({ source, sourceName: source, item, author: item.by, verified: true });
    }
  }
  return all;
}

export function inventorySearchFigures(runs: number): SearchRow[] {
  const all = items();
  const n = all.length;
  progress(`inventory search: ${n} items across ${SOURCES} sources`);
  const views = all.map((entry) => ({ item: entry.item, author: entry.author, versions: 1 }));
  const baseline = (query: string) => timeRuns(runs, () => searchItems(views, query).slice(0, 50));
  let index = new ItemSearch(all);
  const rows: SearchRow[] = [
    {
      n,
      figure: "combined inventory: build the search index",
      unit: "ms",
      commune: timeRuns(runs, () => (index = new ItemSearch(all))),
      baseline: "-",
      note: "once per change of a source",
    },
  ];
  const queries: [string, Parameters<ItemSearch["search"]>[0], string][] = [
    ["first 50 results for two common words", { text: "apple bread" }, "apple bread"],
    ["first 50 results for a rare word", { text: "quince 907" }, "quince 907"],
    ["first 50 results by tag and source", { tags: ["tools"], sources: ["partner-3"] }, ""],
  ];
  for (const [figure, query, words] of queries)
    rows.push({
      n,
      figure: `combined inventory: ${figure}`,
      unit: "ms",
      commune: timeRuns(runs, () => index.search(query)),
      baseline: words ? `searchItems("${words}")` : "-",
      ...(words ? { baselineValue: baseline(words) } : {}),
      note: "issue 14 asks under 100 ms",
    });
  return rows;
}
