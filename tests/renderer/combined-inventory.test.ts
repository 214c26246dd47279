import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { PartnerSharedView } from "../../shared/commands/views";
import { PartnerItem } from "../../renderer/screens/knowledge/PartnerItem";
import { partnerItemsMatching, partnerReadWords, type PartnerSource } from "../../renderer/screens/knowledge/partner-items";

/**
 * The Knowledge screen's combined view: our items (searched by the host)
 * and every active partner's, as the last read of each found them, searched
 * with the same words as ours and each shown with where it comes from and
 * whether it verifies. The Chromium e2e (tests/e2e/partner-exchange.test.ts)
 * shows it in a page.
 */
type SharedItem = PartnerSharedView["items"][number];
const item = (id: string, change: Partial<SharedItem> = {}): SharedItem => ({
  id,
  title: id,
  body: "",
  kind: "knowledge",
  tags: [],
  verified: true,
  ...change,
});

const riverside: PartnerSource = {
  partner: "0123456789abcdef0123456789abcdef",
  name: "Riverside",
  items: [
    item("Sourdough guide", { body: "Feed the starter twice a day.", tags: ["bread", "kitchen"] }),
    item("Lend a ladder", { kind: "offer" }),
    item("Old plough", { retired: true }),
  ],
};
const hillside: PartnerSource = {
  partner: "fedcba9876543210fedcba9876543210",
  name: "Hillside",
  items: [item("Harvest help", { kind: "need", body: "Apples in **October**", verified: false })],
};
const all = { query: "", kind: "all", tags: new Set<string>(), retired: false } as const;
const titles = (found: ReturnType<typeof partnerItemsMatching>) => found.map(({ sourceName, item }) => `${sourceName}: ${item.title}`);

describe("partners' items in the combined inventory", () => {
  it("lists every partner's items with their source, and retired ones only when asked for", () => {
    expect(titles(partnerItemsMatching([riverside, hillside], all))).toEqual([
      "Riverside: Sourdough guide",
      "Riverside: Lend a ladder",
      "Hillside: Harvest help",
    ]);
    expect(titles(partnerItemsMatching([riverside], { ...all, retired: true }))).toContain("Riverside: Old plough");
  });

  it("finds them by every word of the search, in the title or the body, whatever the case", () => {
    expect(titles(partnerItemsMatching([riverside, hillside], { ...all, query: "STARTER feed" }))).toEqual(["Riverside: Sourdough guide"]);
    expect(titles(partnerItemsMatching([riverside, hillside], { ...all, query: "apples october" }))).toEqual(["Hillside: Harvest help"]);
    expect(titles(partnerItemsMatching([riverside, hillside], { ...all, query: "starter october" }))).toEqual([]);
  });

  it("keeps to the kind chosen, and to every tag chosen, as our own items are filtered", () => {
    expect(titles(partnerItemsMatching([riverside, hillside], { ...all, kind: "offer" }))).toEqual(["Riverside: Lend a ladder"]);
    expect(titles(partnerItemsMatching([riverside, hillside], { ...all, tags: new Set(["bread"]) }))).toEqual(["Riverside: Sourdough guide"]);
    expect(titles(partnerItemsMatching([riverside, hillside], { ...all, tags: new Set(["bread", "kitchen"]) }))).toEqual(["Riverside: Sourdough guide"]);
    expect(partnerItemsMatching([riverside, hillside], { ...all, tags: new Set(["bread", "garden"]) })).toEqual([]);
    expect(titles(partnerItemsMatching([riverside, hillside], { ...all, query: "kitchen" }))).toEqual(["Riverside: Sourdough guide"]);
  });

  it("shows an item read only, with where it comes from and whether it verifies against the partner's roster", () => {
    const html = renderToStaticMarkup(createElement(PartnerItem, { item: hillside.items[0]!, sourceName: "Hillside" }));
    const words = html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(words).toContain("From Hillside");
    expect(words).toContain("Not verified: not signed by a member on its roster.");
    expect(html).toContain("<strong>October</strong>");
    expect(html).not.toMatch(/<button|<input|<textarea/);
  });

  it("says when each partner was read, that it is being read, or why it could not be", () => {
    const at = Date.UTC(2026, 11, 6, 4, 0);
    expect(
      partnerReadWords(
        "Riverside",
        { reading: false, at, view: { ...riverside, commune: riverside.partner, ended: false, exchanges: [], problems: [] } },
        at + 120_000,
      ),
    ).toBe("Riverside: 2 items, read 2 minutes ago.");
    expect(partnerReadWords("Riverside", { reading: true }, at)).toBe("Riverside: reading through its relay…");
    const failedAgain = { reading: false, at, view: { ...riverside, commune: riverside.partner, ended: false, exchanges: [], problems: [] } };
    expect(
      partnerReadWords(
        "Riverside",
        { ...failedAgain, error: { kind: "unavailable", code: "partner.noRelay", message: "No relay of Riverside answered." } },
        at + 120_000,
      ),
    ).toBe("Riverside: 2 items, read 2 minutes ago. Reading again failed: No relay of Riverside answered.");
    expect(
      partnerReadWords(
        "Riverside",
        { reading: false, error: { kind: "unavailable", code: "partner.noRelay", message: "No relay of Riverside answered." } },
        at,
      ),
    ).toBe("Riverside: not read. No relay of Riverside answered.");
    expect(partnerReadWords("Riverside", undefined, at)).toBe("Riverside: not read yet.");
  });
});
