import { describe, expect, it } from "vitest";
import { ada, bo, item } from "../testing/sample-docs";
import { ItemSearch, type SourcedItem } from "./combined";

const T = Date.UTC(2026, 11, 1);
const sourced = (source: string, fields: Parameters<typeof item>[0], verified = true): SourcedItem => {
  const signed = item(fields, source === "ours" ? ada : bo);
  return { source, sourceName: source === "ours" ? "Riverside" : "Hillside", item: signed, author: signed.by, verified };
};

describe("the combined inventory", () => {
  const items = [
    sourced("ours", { id: "bread", title: "Sourdough", body: "Feed the starter daily", tags: ["kitchen"], at: T + 3 }),
    sourced("hill", { id: "bikes", title: "Bike repairs", body: "Tuesdays", tags: ["tools"], kind: "offer", at: T + 2 }),
    sourced("hill", { id: "press", title: "Apple press", body: "To lend", tags: ["tools", "kitchen"], at: T + 1 }),
    sourced("ours", { id: "old", title: "Old starter", body: "Gone", tags: ["kitchen"], retired: true, at: T + 4 }),
    sourced("hill", { id: "harvest", title: "Harvest help", body: "September", tags: ["garden"], kind: "need", at: T }),
  ];
  const search = new ItemSearch(items);
  const ids = (query: Parameters<ItemSearch["search"]>[0]) => search.search(query).items.map((entry) => entry.item.id);

  it("lists ours and every partner's newest first, retired items only when asked", () => {
    expect(ids({})).toEqual(["bread", "bikes", "press", "harvest"]);
    expect(ids({ retired: true })).toEqual(["old", "bread", "bikes", "press", "harvest"]);
  });

  it("searches every word in any case, and filters by tag, source and kind", () => {
    expect(ids({ text: "STARTER daily" })).toEqual(["bread"]);
    expect(ids({ tags: ["kitchen"] })).toEqual(["bread", "press"]);
    expect(ids({ tags: ["kitchen", "tools"] })).toEqual(["press"]);
    expect(ids({ sources: ["hill"] })).toEqual(["bikes", "press", "harvest"]);
    expect(ids({ kind: "need" })).toEqual(["harvest"]);
  });

  it("returns the first results and how many match in all, page by page", () => {
    expect(search.search({ limit: 2 })).toMatchObject({ total: 4, items: [{ item: { id: "bread" } }, { item: { id: "bikes" } }] });
    expect(ids({ limit: 2, offset: 2 })).toEqual(["press", "harvest"]);
  });

  it("orders the same whatever order the sources arrive in", () => {
    expect(new ItemSearch([...items].reverse()).search({ retired: true }).items).toEqual(search.search({ retired: true }).items);
  });
});
