import { z } from "zod";
import { LIMITS, line, text } from "../docs/fields";
import { PROCESS_LIMITS } from "../proposals/processes/process";

/**
 * What a person or program sends to put a proposal to a decision process
 * and to vote in one (issue 17). Shapes and sizes only: whether a process
 * suits the kind of proposal, and whether a vote fits its proposal, are
 * shared/proposals/processes/' rules, which the host asks before signing.
 */

const { minOptions, maxOptions, minDots, maxDots } = PROCESS_LIMITS;

const offered = <T extends z.ZodType>(item: T, what: string, whose: string) =>
  z
    .array(item)
    .min(minOptions, { error: `${whose} needs at least ${minOptions} ${what} to choose from` })
    .max(maxOptions, { error: `${whose} offers at most ${maxOptions} ${what}` });

export const processInput = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("consent") }),
    z.strictObject({ kind: z.literal("advice") }),
    z.strictObject({
      kind: z.literal("poll"),
      options: offered(line(LIMITS.option), "options", "A poll"),
      /** Present: a dot vote, each member spreading this many dots. */
      dots: z
        .int({ error: `Dots must be a whole number from ${minDots} to ${maxDots}` })
        .min(minDots, { error: `Dots must be a whole number from ${minDots} to ${maxDots}` })
        .max(maxDots, { error: `Dots must be a whole number from ${minDots} to ${maxDots}` })
        .optional(),
    }),
    z.strictObject({ kind: z.literal("meeting"), times: offered(z.int().nonnegative(), "times", "A meeting time poll") }),
  ],
  { error: "The process must be one of consent, advice, poll, meeting" },
);

const indices = z.array(z.int().nonnegative()).max(maxOptions);

/** The marks a vote may carry besides its choice, each for one process. */
export const ballotInput = {
  /** A single-choice poll: the index of the option chosen. */
  pick: z.int().nonnegative().optional(),
  /** A dot vote: the dots given to each option, in order. */
  dots: indices.optional(),
  /** A meeting time poll: the indices of the times one can make; empty when none fits. */
  times: indices.optional(),
};

/** The proposer's decision on an advice process, once the advice period is over. */
export const decisionInput = {
  outcome: z.enum(["passed", "rejected"], { error: "The decision is passed or rejected" }),
  /** Why: the advice weighed and what was decided. */
  statement: text(LIMITS.reason).refine((statement) => statement.trim() !== "", { error: "A decision needs a statement" }),
};
