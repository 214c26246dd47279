import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { fromStored, MAX_DEPTH, toStored, TooDeep } from "./automerge-form";
import { readPurseShardDoc } from "./documents";
import { entry, purseShardDoc } from "../testing/sample-docs";

type Doc = { entries: unknown[]; meta?: unknown };

describe("toStored", () => {
  it("turns every string into an ImmutableString, deeply, and keeps numbers, booleans and null", () => {
    const stored = toStored({ a: "x", n: 3, yes: true, none: null, list: ["y", { z: "w" }] });
    expect(A.isImmutableString(stored.a)).toBe(true);
    expect(stored.a.toString()).toBe("x");
    expect(A.isImmutableString(stored.list[0])).toBe(true);
    expect(A.isImmutableString((stored.list[1] as { z: A.ImmutableString }).z)).toBe(true);
    expect([stored.n, stored.yes, stored.none]).toEqual([3, true, null]);
  });

  it("drops keys whose value is undefined, as the canonical encoding does", () => {
    expect(Object.keys(toStored({ a: 1, b: undefined }))).toEqual(["a"]);
  });

  it("leaves a value that is already stored as it is", () => {
    const once = toStored({ a: "x" });
    expect(toStored(once)).toEqual(once);
  });

  it("throws on values our records never hold: they are bugs, not user errors", () => {
    expect(() => toStored({ at: new Date() })).toThrow(TypeError);
    expect(() => toStored([undefined])).toThrow(TypeError);
    expect(() => toStored({ f: () => 1 })).toThrow(TypeError);
    expect(() => toStored({ big: 1n })).toThrow(TypeError);
  });
});

describe("fromStored", () => {
  const plain = { entries: [entry(), entry({ id: "two", amount: 99 })], meta: { tags: ["a", "b"], nested: [[1, "x"]] } };

  it("gives plain data from a document made by A.from and A.change", () => {
    let doc = A.from<Doc>(toStored({ entries: [] }));
    doc = A.change(doc, (d) => {
      for (const e of plain.entries) d.entries.push(toStored(e));
      d.meta = toStored(plain.meta);
    });
    expect(fromStored(doc)).toEqual(plain);
  });

  it("gives plain data from a frozen loaded document, as fresh objects that can be changed", () => {
    const doc = A.load<Doc>(A.save(A.from(toStored(plain))), { freeze: true });
    expect(Object.isFrozen(doc.entries[0])).toBe(true);
    const copy = fromStored(doc) as typeof plain;
    expect(copy).toEqual(plain);
    expect(Object.isFrozen(copy.entries[0])).toBe(false);
    expect(Array.isArray(copy.entries)).toBe(true);
    expect(Object.getPrototypeOf(copy.entries[0])).toBe(Object.prototype);
    expect(Object.getOwnPropertySymbols(copy.entries[0])).toEqual([]);
    copy.entries[0]!.memo = "changed";
    expect(doc.entries[0]).toMatchObject({ memo: expect.anything() });
    expect(fromStored((doc.entries[0] as { memo: unknown }).memo)).toBe(entry().memo);
  });

  it("reads the proxies Automerge hands out inside a change", () => {
    const doc = A.from<Doc>(toStored(plain));
    let seen: unknown;
    A.change(doc, (d) => {
      seen = fromStored(d);
    });
    expect(seen).toEqual(plain);
  });

  it("gives back the largest and smallest safe integers as the numbers written, which Automerge 3.5 loads as bigints", () => {
    const doc = A.load<Doc>(A.save(A.from<Doc>({ entries: [{ max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_SAFE_INTEGER }] })));
    expect(typeof (doc.entries[0] as { max: unknown }).max).toBe("bigint");
    expect(fromStored(doc)).toEqual({ entries: [{ max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_SAFE_INTEGER }] });
  });

  it("passes through what Automerge can hold but our records never do, for the schemas to refuse", () => {
    let doc = A.from<Doc>({ entries: [] });
    doc = A.change(doc, (d) => {
      d.entries.push({ ...toStored(entry()), amount: 2 ** 60 });
      d.entries.push({ ...toStored(entry()), amount: new A.Counter(5) });
    });
    const copy = fromStored(A.load(A.save(doc))) as Doc;
    expect(typeof (copy.entries[0] as { amount: unknown }).amount).toBe("bigint");
    expect(A.isCounter((copy.entries[1] as { amount: unknown }).amount)).toBe(true);
    const read = readPurseShardDoc({ ...purseShardDoc(), entries: (A.load(A.save(doc)) as Doc).entries });
    expect(read.ok && read.value.malformed.map((m) => m.reason)).toEqual([
      "amount must be a positive whole number of minor units",
      "amount must be a positive whole number of minor units",
    ]);
  });

  it("keeps a key named __proto__ as data, without changing any prototype", () => {
    const copy = fromStored(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(["__proto__", "a"]);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it(`cuts off nesting deeper than ${MAX_DEPTH} levels instead of exhausting the stack`, () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    let copy = fromStored(deep);
    for (let i = 0; i < MAX_DEPTH; i++) copy = (copy as unknown[])[0];
    expect(copy).toBeInstanceOf(TooDeep);
  });
});
