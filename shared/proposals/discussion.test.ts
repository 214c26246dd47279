import { describe, expect, it } from "vitest";
import { refuse, type Verdict } from "../judges/verdict";
import type { SignedComment } from "./comment";
import { discussion } from "./discussion";

const ADA = "a".repeat(64);
const BO = "b".repeat(64);
const COMMUNE = "c".repeat(32);

/** A record as the discussion sees it; the signature only orders records, so any distinct text will do. */
function record(by: string, at: number, fields: Partial<SignedComment> & { id: string }): SignedComment {
  return { commune: COMMUNE, proposal: "p1", at, by, sig: `${fields.id}-${at}`.padStart(128, "0"), ...fields };
}

const everyone = (): Verdict => "counted";

describe("a proposal's discussion", () => {
  it("lists comments by time with each reply under the comment it answers", () => {
    const first = record(ADA, 100, { id: "c1", text: "Good idea" });
    const second = record(BO, 200, { id: "c2", text: "Too dear" });
    const reply = record(BO, 300, { id: "c3", text: "Why?", replyTo: "c1" });
    const thread = discussion([reply, second, first], everyone);
    expect(thread.comments.map((c) => [c.id, c.depth, c.text])).toEqual([
      ["c1", 0, "Good idea"],
      ["c3", 1, "Why?"],
      ["c2", 0, "Too dear"],
    ]);
    expect(thread.refused).toEqual([]);
  });

  it("shows the latest edit of a comment, marked edited, with the earlier versions readable", () => {
    const original = record(ADA, 100, { id: "c1", text: "Ten euros" });
    const edit = record(ADA, 200, { id: "e1", edits: "c1", text: "Twelve euros" });
    const [shown] = discussion([edit, original], everyone).comments;
    expect(shown).toMatchObject({ id: "c1", at: 100, text: "Twelve euros", edited: 200 });
    expect(shown!.versions).toEqual([{ at: 100, text: "Ten euros" }]);
  });

  it("withholds a retracted comment's text and says who retracted it and when", () => {
    const original = record(ADA, 100, { id: "c1", text: "Oops" });
    const edit = record(ADA, 150, { id: "e1", edits: "c1", text: "Oops again" });
    const retraction = record(ADA, 200, { id: "r1", retracts: "c1" });
    const [shown] = discussion([original, edit, retraction], everyone).comments;
    expect(shown).toEqual({ id: "c1", by: ADA, at: 100, depth: 0, versions: [], retracted: { at: 200 } });
  });

  it("counts an edit or retraction by anyone but the author for nothing", () => {
    const original = record(ADA, 100, { id: "c1", text: "Mine" });
    const edit = record(BO, 200, { id: "e1", edits: "c1", text: "Bo's words" });
    const retraction = record(BO, 300, { id: "r1", retracts: "c1" });
    const thread = discussion([original, edit, retraction], everyone);
    expect(thread.comments[0]).toMatchObject({ text: "Mine", versions: [] });
    expect(thread.comments[0]!.retracted).toBeUndefined();
    expect(thread.refused.map((r) => [r.id, r.code])).toEqual([
      ["e1", "comment.not-author"],
      ["r1", "comment.not-author"],
    ]);
  });

  it("counts an edit dated before its original for nothing", () => {
    const original = record(ADA, 100, { id: "c1", text: "Now" });
    const edit = record(ADA, 50, { id: "e1", edits: "c1", text: "Before" });
    const thread = discussion([original, edit], everyone);
    expect(thread.comments[0]!.text).toBe("Now");
    expect(thread.refused).toEqual([expect.objectContaining({ id: "e1", code: "comment.edit-before-original" })]);
  });

  it("refuses a reply to a comment that is not in the discussion, and the replies under it", () => {
    const orphan = record(ADA, 100, { id: "c1", text: "Answering", replyTo: "nowhere" });
    const under = record(BO, 200, { id: "c2", text: "And me", replyTo: "c1" });
    const thread = discussion([under, orphan], everyone);
    expect(thread.comments).toEqual([]);
    expect(thread.refused.map((r) => [r.id, r.code])).toEqual([
      ["c1", "comment.no-parent"],
      ["c2", "comment.no-parent"],
    ]);
  });

  it("refuses an edit of an edit and a reply to an edit: both must name a comment", () => {
    const original = record(ADA, 100, { id: "c1", text: "One" });
    const edit = record(ADA, 200, { id: "e1", edits: "c1", text: "Two" });
    const editOfEdit = record(ADA, 300, { id: "e2", edits: "e1", text: "Three" });
    const replyToEdit = record(BO, 400, { id: "c2", text: "Hm", replyTo: "e1" });
    const thread = discussion([original, edit, editOfEdit, replyToEdit], everyone);
    expect(thread.comments.map((c) => c.text)).toEqual(["Two"]);
    expect(thread.refused.map((r) => [r.id, r.code])).toEqual([
      ["e2", "comment.no-such-comment"],
      ["c2", "comment.no-parent"],
    ]);
  });

  it("keeps an id for the earliest record that uses it", () => {
    const first = record(ADA, 100, { id: "c1", text: "First" });
    const copycat = record(BO, 200, { id: "c1", text: "Second" });
    const thread = discussion([copycat, first], everyone);
    expect(thread.comments.map((c) => c.text)).toEqual(["First"]);
    expect(thread.refused).toEqual([expect.objectContaining({ id: "c1", by: BO, code: "comment.duplicate-id" })]);
  });

  it("leaves out what its judge refuses, and what depends on it", () => {
    const outsider = record(BO, 100, { id: "c1", text: "Let me in" });
    const reply = record(ADA, 200, { id: "c2", text: "No", replyTo: "c1" });
    const judge = (comment: SignedComment): Verdict => (comment.by === BO ? refuse("comment.author-not-active", "Bo was not a member then") : "counted");
    const thread = discussion([outsider, reply], judge);
    expect(thread.comments).toEqual([]);
    expect(thread.refused.map((r) => [r.id, r.code, r.reason])).toEqual([
      ["c1", "comment.author-not-active", "Bo was not a member then"],
      ["c2", "comment.no-parent", expect.any(String)],
    ]);
  });

  it("decides between two edits signed at the same time by their signatures", () => {
    const original = record(ADA, 100, { id: "c1", text: "Zero" });
    const low = { ...record(ADA, 200, { id: "e1", edits: "c1", text: "Low" }), sig: "1".padStart(128, "0") };
    const high = { ...record(ADA, 200, { id: "e2", edits: "c1", text: "High" }), sig: "f".padStart(128, "0") };
    expect(discussion([original, high, low], everyone).comments[0]!.text).toBe("High");
    expect(discussion([low, original, high], everyone).comments[0]!.text).toBe("High");
  });
});
