import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { refuse, type Verdict } from "../judges/verdict";
import type { SignedComment } from "./comment";
import { discussion } from "./discussion";

const authors = ["a", "b", "c"].map((letter) => letter.repeat(64));
const ids = ["c1", "c2", "c3", "c4", "c5", "c6"];

/** Any mix of comments, replies, edits and retractions, including ones naming missing comments, others' comments, reused ids and equal times. */
const recordArbitrary = fc
  .record({
    by: fc.constantFrom(...authors),
    id: fc.constantFrom(...ids),
    at: fc.integer({ min: 0, max: 20 }),
    sig: fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(128, "0")),
    shape: fc.constantFrom("comment", "reply", "edit", "retract"),
    target: fc.constantFrom(...ids),
    text: fc.constantFrom("yes", "no", "maybe"),
  })
  .map(({ shape, target, text, ...fields }): SignedComment => {
    const record = { commune: "0".repeat(32), proposal: "p1", ...fields };
    switch (shape) {
      case "comment":
        return { ...record, text };
      case "reply":
        return { ...record, text, replyTo: target };
      case "edit":
        return { ...record, text, edits: target };
      default:
        return { ...record, retracts: target };
    }
  });

// A judge that refuses some records by what they are, as a membership rule would by who and when.
const judge = (comment: SignedComment): Verdict => (comment.by === authors[2] && comment.at > 15 ? refuse("comment.author-not-active", "left") : "counted");

describe("a discussion does not depend on the order its records arrive in", () => {
  it("gives the same thread for every arrival order of the same comments, edits and retractions", () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { maxLength: 25 }), fc.infiniteStream(fc.nat()), (records, randomness) => {
        const shuffled = [...records];
        const stream = randomness[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = stream.next().value % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(discussion(shuffled, judge)).toEqual(discussion(records, judge));
      }),
      { numRuns: 2_000 },
    );
  });

  it("shows every reply under its parent, deeper by one, and no comment twice", () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { maxLength: 25 }), (records) => {
        const { comments } = discussion(records, judge);
        expect(new Set(comments.map((c) => c.id)).size).toBe(comments.length);
        comments.forEach((comment, index) => {
          if (comment.replyTo === undefined) return expect(comment.depth).toBe(0);
          const parent = comments.findIndex((c) => c.id === comment.replyTo);
          expect(parent).toBeGreaterThanOrEqual(0);
          expect(parent).toBeLessThan(index);
          expect(comment.depth).toBe(comments[parent]!.depth + 1);
        });
      }),
      { numRuns: 1_000 },
    );
  });
});
