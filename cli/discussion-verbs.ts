import { fail } from "../shared/result";
import { shortId } from "./text";
import { always, defineVerb, planned, type Reference } from "./verb";

/**
 * `commune comment`: a word in a proposal's discussion, a reply, a new
 * version of one's own comment, or taking it back (host command
 * `proposal.comment`). The proposal and the comment are named by id or a
 * unique prefix, as `commune proposals` shows them.
 */
export const comment = defineVerb<"proposal.comment">({
  verb: "comment",
  args: ["<PROPOSAL>", "[TEXT]"],
  flags: [
    { name: "reply-to", kind: "value", value: "COMMENT", help: "answer this comment (id or prefix, as commune proposals shows it)" },
    { name: "edit", kind: "value", value: "COMMENT", help: "replace your comment's text with TEXT (the earlier version stays readable)" },
    { name: "retract", kind: "value", value: "COMMENT", help: "take your comment back (its text is no longer shown)" },
  ],
  synopsis: "[--reply-to COMMENT | --edit COMMENT | --retract COMMENT]",
  summary: "say something in a proposal's discussion, reply, edit or retract your comment",
  details: [
    'Example: commune comment 3f9a "Could we borrow one instead?"',
    'Example: commune comment 3f9a "The shop opens at 9" --reply-to 8c21',
    'Example: commune comment 3f9a --edit 8c21 "The shop opens at 10"',
    "Example: commune comment 3f9a --retract 8c21",
  ],
  scoped: true,
  writes: always,
  build(args) {
    const [proposal, text] = args.positionals as [string, string | undefined];
    const given = (["reply-to", "edit", "retract"] as const).filter((name) => args.value(name) !== undefined);
    if (given.length > 1) return fail("usage.commentFlags", `give only one of ${given.map((name) => `--${name}`).join(", ")}`);
    const refs: Reference[] = [{ kind: "proposal", path: ["proposal"], text: proposal }];
    const named = (name: "reply-to" | "edit" | "retract", field: "replyTo" | "edit" | "retract") => {
      const value = args.value(name);
      if (value === undefined) return {};
      refs.push({ kind: "comment", path: [field], text: value });
      return { [field]: value };
    };
    const retract = named("retract", "retract");
    if (retract.retract !== undefined && text !== undefined) return fail("usage.retractText", "--retract takes no TEXT: a retraction says nothing");
    if (retract.retract === undefined && text === undefined) return fail("usage.missingText", "missing TEXT: what you want to say");
    return planned(
      "proposal.comment",
      { proposal, ...(text !== undefined ? { text } : {}), ...named("reply-to", "replyTo"), ...named("edit", "edit"), ...retract },
      refs,
    );
  },
  print: ({ value }, { input }) =>
    input.retract !== undefined
      ? `Retracted comment ${shortId(String(input.retract))}.`
      : input.edit !== undefined
        ? `Edited comment ${shortId(String(input.edit))}.`
        : `Commented on proposal ${shortId(String(input.proposal))} (comment ${shortId(value.id)}).`,
});

/** A calendar day as typed, YYYY-MM-DD, to the start of that day (UTC) in ms; undefined when it is no such day. */
export function dayOf(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.UTC(year, month - 1, day);
  const date = new Date(at);
  // 2026-02-30 rolls over to March in Date: that is not the day typed.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? at : undefined;
}

/** `commune outcome`: what came of a decided proposal, with a day to look at it again (host command `proposal.outcome`). */
export const outcome = defineVerb<"proposal.outcome">({
  verb: "outcome",
  args: ["<PROPOSAL>"],
  flags: [
    { name: "statement", kind: "value", value: "TEXT", help: "what came of it, in a few sentences (required)" },
    { name: "review", kind: "value", value: "YYYY-MM-DD", help: "the day the commune should look at it again" },
  ],
  summary: "record what came of a decided proposal (a later statement replaces the earlier)",
  details: ['Example: commune outcome 3f9a --statement "The roof is done; the roofers gave a 10-year warranty" --review 2027-06-01'],
  scoped: true,
  writes: always,
  build(args) {
    const proposal = args.positionals[0]!;
    const statement = args.value("statement");
    if (statement === undefined) return fail("usage.missingFlag", "--statement is required: say what came of the proposal");
    const reviewText = args.value("review");
    const review = reviewText === undefined ? undefined : dayOf(reviewText);
    if (reviewText !== undefined && review === undefined)
      return fail("usage.notADay", `--review expects a day as YYYY-MM-DD, such as 2027-06-01, not ${JSON.stringify(reviewText)}`);
    return planned("proposal.outcome", { proposal, statement, ...(review !== undefined ? { review } : {}) }, [
      { kind: "proposal", path: ["proposal"], text: proposal },
    ]);
  },
  print: (_answer, { input }) => `Recorded the outcome of proposal ${shortId(String(input.proposal))}.`,
});
