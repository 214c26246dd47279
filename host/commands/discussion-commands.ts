import type { ParsedInput } from "../../shared/commands/commands";
import { randomId } from "../../shared/identity/keys";
import type { Comment } from "../../shared/proposals/comment";
import type { ThreadComment } from "../../shared/proposals/discussion";
import { fail, ok, type Result } from "../../shared/result";
import type { CommuneModel } from "../commune/commune-model";
import { commentRecord } from "../commune/record-kinds";
import { writeRecord, type Fields } from "../commune/writer";
import type { Handlers } from "./context";

/**
 * A proposal's discussion (issue 17): comments, replies, edits and
 * retractions, each a new signed record (host/commune/record-kinds.ts
 * `commentRecord`). The checks here only put what the thread's rule would
 * refuse into words for the member who asked; the judge decides.
 */

type Input = ParsedInput<"proposal.comment">;

/** The comment a reply, edit or retraction names, or why there is none to name. */
function named(model: CommuneModel, input: Input, id: string, field: "replyTo" | "edit" | "retract", title: string): Result<ThreadComment> {
  const found = model.discussions.get(input.proposal)?.comments.find((comment) => comment.id === id);
  if (!found) return fail("comment.notFound", `There is no comment ${id} on "${title}" to ${field === "replyTo" ? "reply to" : field}.`, { field });
  return ok(found);
}

function commentFrom(input: Input, model: CommuneModel, me: string): Result<Fields<Comment>> {
  const target = model.state.proposals[input.proposal];
  if (!target) return fail("proposal.notFound", "There is no such proposal in this commune.", { field: "proposal" });
  const { title } = target.proposal;
  const base = { proposal: input.proposal, id: randomId() };
  if (input.retract !== undefined || input.edit !== undefined) {
    const verb = input.retract !== undefined ? "retract" : "edit";
    const original = named(model, input, (input.retract ?? input.edit)!, verb, title);
    if (!original.ok) return original;
    if (original.value.by !== me)
      return fail("comment.notYours", `That comment is not yours to ${verb}: only the member who wrote it can ${verb} it.`, { field: verb });
    if (original.value.retracted) return fail("comment.retracted", `That comment was retracted already: there is nothing left to ${verb}.`, { field: verb });
    if (input.retract !== undefined) return ok({ ...base, retracts: input.retract });
  }
  const text = input.text?.trim() ?? "";
  if (text === "") return fail("comment.empty", "A comment needs some text.", { field: "text" });
  if (input.edit !== undefined) return ok({ ...base, text, edits: input.edit });
  if (input.replyTo !== undefined) {
    const parent = named(model, input, input.replyTo, "replyTo", title);
    if (!parent.ok) return parent;
    return ok({ ...base, text, replyTo: input.replyTo });
  }
  return ok({ ...base, text });
}

export const discussionCommands: Handlers<"proposal.comment"> = {
  async "proposal.comment"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const written = await writeRecord(node.value, host, commentRecord, (model) => commentFrom(input, model, host.keys.publicKey));
    return written.ok ? ok({ id: written.value.id }) : written;
  },
};
