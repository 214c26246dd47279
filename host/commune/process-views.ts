import type { CommuneState } from "../../shared/commune/state";
import type { ProposalView } from "../../shared/commands/views";
import type { ProcessResultView } from "../../shared/commands/process-views";
import type { PublicKey } from "../../shared/identity/keys";
import type { ProcessResult, ProcessTally } from "../../shared/proposals/processes/decide";
import type { SignedProposal } from "../../shared/proposals/proposal";

const nameOf = (state: CommuneState, key: PublicKey) => state.members[key]?.name ?? key.slice(0, 8);

/** What a proposal's process adds to its view: the process, its result with names, and this member's own marks. */
export function processView(
  state: CommuneState,
  proposal: SignedProposal,
  tally: ProcessTally,
  me: PublicKey,
): Pick<ProposalView, "process" | "result" | "myMarks"> {
  if (proposal.process === undefined) return {};
  const mine = tally.counted.find((ballot) => ballot.voter === me);
  const myMarks = mine && {
    ...(mine.pick !== undefined ? { pick: mine.pick } : {}),
    ...(mine.dots !== undefined ? { dots: [...mine.dots] } : {}),
    ...(mine.times !== undefined ? { times: [...mine.times] } : {}),
  };
  return {
    process: proposal.process,
    ...(tally.result ? { result: resultView(state, tally.result, proposal.by === me) } : {}),
    ...(myMarks && Object.keys(myMarks).length > 0 ? { myMarks } : {}),
  };
}

function resultView(state: CommuneState, result: ProcessResult, yours: boolean): ProcessResultView {
  const said = (words: { voter: PublicKey; at: number; reason: string }) => ({ ...words, name: nameOf(state, words.voter) });
  switch (result.kind) {
    case "consent":
      return { kind: "consent", consents: result.consents, objections: result.objections.map(said) };
    case "advice": {
      const { decision } = result;
      return {
        kind: "advice",
        advice: result.advice.map(said),
        awaiting: result.awaiting,
        yours,
        ...(decision ? { decision: { outcome: decision.outcome, statement: decision.statement, at: decision.at } } : {}),
      };
    }
    case "poll":
      return result;
    case "meeting":
      return {
        kind: "meeting",
        ranking: result.ranking.map(({ option, time, total, who }) => ({ option, time, total, names: who.map((key) => nameOf(state, key)) })),
      };
  }
}
