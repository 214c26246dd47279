import type { ProposalView } from "../shared/commands/views";
import { clean, formatTime, plural } from "./text";

/** How `commune proposals` shows a proposal decided by a process (issue 17): its votes, the member's own, and what it decided. */

const quoted = (text: string) => JSON.stringify(clean(text));

/** Options and times are numbered from 1, as `commune vote --pick`, `--dots` and `--times` take them. */
const numbered = (index: number) => index + 1;

/** The VOTES column: how many took part, and for consent the objections standing. */
export function processVotesText(proposal: ProposalView): string | undefined {
  const { process, result } = proposal;
  if (!process) return undefined;
  const voted = `(${proposal.voted}/${proposal.electorate} voted)`;
  if (proposal.hiddenVotes || !result) return `votes hidden until it closes ${voted}`;
  if (result.kind === "consent") return `${plural(result.objections.length, "objection")} ${voted}`;
  if (result.kind === "advice") return `${result.advice.length} advice ${voted}`;
  return voted;
}

/** The YOURS column: what this member's counted vote says in the process's words. */
export function myProcessVote(proposal: ProposalView): string | undefined {
  const { process, myMarks, myVote } = proposal;
  if (!process || myVote === undefined) return undefined;
  if (process.kind === "consent") return myVote === "block" ? "object" : "consent";
  if (process.kind === "advice") return "advised";
  if (myMarks?.pick !== undefined) return `option ${numbered(myMarks.pick)}`;
  if (myMarks?.dots) return `dots ${myMarks.dots.join(",")}`;
  if (myMarks?.times) return myMarks.times.length ? `times ${myMarks.times.map(numbered).join(",")}` : "none fits";
  return myVote;
}

/** Lines under the proposal: the process, what there is to choose, and what it decided. */
export function processUnder(proposal: ProposalView | undefined): string[] {
  if (!proposal?.process) return [];
  const { process, result } = proposal;
  switch (process.kind) {
    case "consent": {
      const lines = ["decided by consent: passes at the deadline unless a member objects with a reason"];
      if (result?.kind === "consent")
        lines.push(
          result.objections.length
            ? `objections: ${result.objections.map((said) => `${said.name}: ${quoted(said.reason)}`).join(", ")}`
            : `no objection (${result.consents} consented)`,
        );
      return lines;
    }
    case "advice": {
      const lines = [`decided by advice: ${proposal.byName} decides after the deadline, in view of the advice given`];
      if (result?.kind !== "advice") return lines;
      if (result.advice.length) lines.push(`advice: ${result.advice.map((said) => `${said.name}: ${quoted(said.reason)}`).join(", ")}`);
      if (result.decision) lines.push(`decision: ${result.decision.outcome} (${formatTime(result.decision.at)}): ${quoted(result.decision.statement)}`);
      else if (result.awaiting) lines.push(`awaiting ${proposal.byName}'s decision`);
      return lines;
    }
    case "poll": {
      const lines = [
        `${process.dots === undefined ? "poll, one option each" : `dot vote, ${process.dots} dots each`}: ${process.options.map((label, i) => `${numbered(i)} ${quoted(label)}`).join(", ")}`,
      ];
      if (result?.kind === "poll") {
        const unit = result.dots === undefined ? "vote" : "dot";
        lines.push(`ranking: ${result.ranking.map((ranked, place) => `${place + 1}. ${quoted(ranked.label)} ${plural(ranked.total, unit)}`).join(", ")}`);
      }
      return lines;
    }
    case "meeting": {
      const lines = [`meeting time poll: ${process.times.map((time, i) => `${numbered(i)} ${formatTime(time)}`).join(", ")}`];
      if (result?.kind === "meeting")
        lines.push(
          `ranking: ${result.ranking
            .map(
              (ranked, place) =>
                `${place + 1}. ${formatTime(ranked.time)} ${ranked.total} can${ranked.names.length ? ` (${ranked.names.map(clean).join(", ")})` : ""}`,
            )
            .join(", ")}`,
        );
      return lines;
    }
  }
}
