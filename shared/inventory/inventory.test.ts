import { describe, expect, it } from "vitest";
import { sign } from "../identity/signed";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import type { Item } from "./item";
import { inventory, searchItems } from "./inventory";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const ada = testKeys(1);
const bo = testKeys(2);
const mallory = testKeys(66);

function setUp() {
  const commune = new CommuneBuilder();
  commune.join(bo, "Bo", T0 + DAY);
  const item = (keys = ada, fields: Partial<Item> = {}) =>
    sign(
      crypto,
      "item",
      { commune: commune.id, id: "i1", version: 1, at: T0 + 2 * DAY, title: "Bread", body: "Sourdough starter care", tags: ["kitchen"], ...fields },
      keys,
    );
  return { commune, state: commune.state(T0 + 10 * DAY), item };
}

type Maker = ReturnType<typeof setUp>["item"];

describe("knowledge inventory", () => {
  it("shows the newest genuine version of each item", () => {
    const { state, item } = setUp();
    const { items, problems } = inventory(crypto, { i1: [item(ada), item(bo, { version: 2, title: "Bread, revised", at: T0 + 3 * DAY })] }, state);
    expect(problems).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ author: ada.publicKey, versions: 2, item: { title: "Bread, revised" } });
  });

  it.each([
    ["an altered version", (item: Maker) => ({ ...item(ada, { version: 2 }), title: "Forged" }), "altered after signing"],
    ["a version by a non-member", (item: Maker) => item(mallory, { version: 2 }), "was not a member of the commune"],
    ["a version filed under another id", (item: Maker) => item(ada, { version: 2, id: "i2" }), "filed under another item's id"],
  ])("counts %s for nothing and reports it", (_, version, reason) => {
    const { state, item } = setUp();
    const { items, problems } = inventory(crypto, { i1: [item(ada), version(item)] }, state);
    expect(items[0]!.item.version).toBe(1);
    expect(problems[0]!.reason).toContain(reason);
  });

  it("counts the first-seen of two different versions one author signed under one version number, and names her", () => {
    const { state, item } = setUp();
    const first = item(bo, { version: 2, title: "Bread, revised", at: T0 + 3 * DAY });
    const second = item(bo, { version: 2, title: "Buy my bread", at: T0 + 4 * DAY });
    const { items, problems } = inventory(crypto, { i1: [item(ada), first, second] }, state);
    expect(items[0]).toMatchObject({ versions: 2, item: first });
    expect(problems).toEqual([
      {
        subject: "item",
        id: "i1",
        by: bo.publicKey,
        code: "record.equivocation",
        reason: 'Bo signed two different versions 2 of "Bread, revised" (the other titled "Buy my bread"); the first seen counts',
      },
    ]);
  });

  it("finds items by every word of a query across title, body and tags", () => {
    const { state, item } = setUp();
    const { items } = inventory(crypto, { i1: [item(ada)], i2: [item(ada, { id: "i2", title: "Bees", body: "Hive inspection", tags: ["garden"] })] }, state);
    expect(searchItems(items, "KITCHEN sourdough").map((v) => v.item.id)).toEqual(["i1"]);
    expect(searchItems(items, "hive garden").map((v) => v.item.id)).toEqual(["i2"]);
    expect(searchItems(items, "  ")).toHaveLength(2);
  });
});
