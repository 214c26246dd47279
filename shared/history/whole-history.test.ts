import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { isWholeHistory, visibleOps } from "./whole-history";

const S = (text: string) => new A.ImmutableString(text);
type Shard = { type: A.ImmutableString; entries: Record<string, unknown>[] };
const entry = (n: number) => ({ id: S(`e${n}`), at: 1_700_000_000_000 + n, amount: 100 * n, memo: S("rent"), tags: [S("a"), S("b")], sig: S(`sig${n}`) });

function honestShard(count: number): A.Doc<Shard> {
  let doc = A.from<Shard>({ type: S("purse-shard"), entries: [] });
  for (let n = 1; n <= count; n++) doc = A.change(doc, (d) => void d.entries.push(entry(n)));
  return doc;
}

describe("whether a document's current state is its whole history", () => {
  it("is, for records only ever appended, by one writer or by two whose appends merged", () => {
    expect(isWholeHistory(honestShard(20))).toBe(true);
    const ada = honestShard(3);
    let bo = A.clone(ada);
    bo = A.change(bo, (d) => void d.entries.push(entry(99)));
    const adaMore = A.change(ada, (d) => void d.entries.push(entry(98)));
    expect(isWholeHistory(A.merge(A.clone(adaMore), bo))).toBe(true);
  });

  it("is not, once someone deletes a record, even one they re-add elsewhere", () => {
    const doc = honestShard(5);
    expect(isWholeHistory(A.change(A.clone(doc), (d) => void d.entries.splice(1, 1)))).toBe(false);
    const moved = A.change(A.clone(doc), (d) => {
      const copy = { ...entry(2) };
      d.entries.splice(1, 1);
      d.entries.push(copy);
    });
    expect(isWholeHistory(moved)).toBe(false);
  });

  it("is not, once someone overwrites a field in place, or two writers set one field concurrently", () => {
    const doc = honestShard(5);
    expect(isWholeHistory(A.change(A.clone(doc), (d) => void (d.entries[2]!.amount = 90_000)))).toBe(false);
    const ada = A.change(A.clone(doc), (d) => void (d.type = S("x")));
    const bo = A.change(A.clone(doc), (d) => void (d.type = S("y")));
    expect(isWholeHistory(A.merge(ada, bo))).toBe(false);
  });

  it("is not, when the document holds collaborative text, whose characters it cannot count exactly", () => {
    const doc = A.change(honestShard(2), (d) => void ((d as unknown as Record<string, unknown>).note = "😀"));
    expect(isWholeHistory(doc)).toBe(false);
    expect(visibleOps("😀")).toBeUndefined();
  });

  it("counts one operation per value and per nested object, as a running count of appends can", () => {
    expect(visibleOps(entry(1))).toBe(1 + 6 + 2);
    const doc = honestShard(4);
    expect(visibleOps(doc, true)).toBe(A.stats(doc).numOps);
  });
});
