import type { ParsedInput } from "../../shared/commands/commands";
import { randomId } from "../../shared/identity/keys";
import type { Outcome } from "../../shared/proposals/outcome";
import { fail, ok, type Result } from "../../shared/result";
import type { CommuneModel } from "../commune/commune-model";
import { outcomeRecord } from "../commune/record-kinds";
import { writeRecord, type Fields } from "../commune/writer";
import type { Handlers } from "./context";

/**
 * `proposal.outcome`: what came of a decided proposal, by any active member
 * (issue 17, "Outcome"); a later statement replaces the earlier in the view.
 * The judge (shared/judges/outcome.ts) decides; these checks put its
 * refusals, and a review date that makes no sense, into words first.
 */
function outcomeFrom(input: ParsedInput<"proposal.outcome">, model: CommuneModel, at: number): Result<Fields<Outcome>> {
  const target = model.state.proposals[input.proposal];
  if (!target) return fail("proposal.notFound", "There is no such proposal in this commune.", { field: "proposal" });
  if (target.tally.outcome === "open")
    return fail("outcome.stillOpen", `"${target.proposal.title}" is still open: record its outcome once it is decided.`, { field: "proposal" });
  const statement = input.statement.trim();
  if (statement === "") return fail("outcome.empty", "Say what came of the proposal: the statement is empty.", { field: "statement" });
  if (input.review !== undefined && input.review <= at)
    return fail("outcome.reviewPast", "The review date must be in the future: it is when the commune looks at this again.", { field: "review" });
  return ok({ proposal: input.proposal, id: randomId(), statement, ...(input.review !== undefined ? { review: input.review } : {}) });
}

export const outcomeCommands: Handlers<"proposal.outcome"> = {
  async "proposal.outcome"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const written = await writeRecord(node.value, host, outcomeRecord, (model, at) => outcomeFrom(input, model, at));
    return written.ok ? ok({ id: written.value.id }) : written;
  },
};
