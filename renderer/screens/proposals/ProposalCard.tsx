import { useId, useState } from "react";
import { LIMITS } from "../../../shared/docs/fields";
import type { ProposalView } from "../../../shared/commands/views";
import type { Currency } from "../../../shared/money/currency";
import type { Choice, ProposalKind } from "../../../shared/proposals/proposal";
import { useCommand } from "../../link/hooks";
import { Button, ErrorText, OutcomeBadge, RecordNotes, SuccessText, TextField, Time, moneyText, timeText } from "../../ui";
import { CLOSED_EARLY } from "../../../shared/proposals/closing-words";
import { closingWords } from "../../../shared/proposals/processes/closing-words";
import { marksWords } from "../../../shared/proposals/processes/marks-words";
import { Discussion } from "./Discussion";
import { OutcomeSection } from "./OutcomeSection";
import { TallyBars } from "./TallyBars";
import { ruleChangeText } from "./rule-change-text";
import { ProcessResult } from "./ProcessResult";
import { ProcessBallot } from "./ProcessBallot";
import { DecisionForm } from "./DecisionForm";
import { awaitingDecision } from "../../../shared/commands/process-views";

const KIND_NAMES: Record<ProposalKind, string> = {
  spend: "Spend",
  admit: "Admit a member",
  remove: "Remove a member",
  rule: "Rule change",
  general: "General",
  reverse: "Reverse a payment",
  partner: "Partner with a commune",
  "partner-end": "End a partnership",
};

const CHOICES: { choice: Choice; label: string }[] = [
  { choice: "yes", label: "Vote yes" },
  { choice: "no", label: "Vote no" },
  { choice: "abstain", label: "Abstain" },
  { choice: "block", label: "Block" },
];

const MY_VOTE: Record<Choice, string> = { yes: "yes", no: "no", abstain: "abstain", block: "block" };

export interface ProposalCardProps {
  communeId: string;
  proposal: ProposalView;
  currencies: readonly Currency[];
  /** Only an active member votes or executes. */
  canAct: boolean;
}

/** One proposal: what it decides, where the vote stands, my vote, and what I can do about it. */
/** A symbol and a word for each choice: the same ones the tally's legend uses. */
const VOTE_WORDS: Record<Choice, string> = { yes: "\u2713 yes", no: "\u2717 no", abstain: "\u2013 abstained", block: "\u26D4 blocked" };

export function ProposalCard({ communeId, proposal, currencies, canAct }: ProposalCardProps) {
  const titleId = useId();
  const [vote, voting] = useCommand("proposal.vote");
  const [execute, executing] = useCommand("proposal.execute");
  const [reason, setReason] = useState("");
  const castVote = async (choice: Choice) => {
    const reasonGiven = reason.trim();
    const cast = await vote({ commune: communeId, proposal: proposal.id, choice, ...(reasonGiven ? { reason: reasonGiven } : {}) });
    // Kept on a refusal, so the member does not type it again.
    if (cast) setReason("");
  };
  // An advice process past its deadline is still undecided, but nobody votes on it any more: its proposer decides.
  const awaiting = awaitingDecision(proposal);
  const open = proposal.outcome === "open" && !awaiting;
  const spend = proposal.spend;
  const reverse = proposal.reverse;
  const payment = reverse
    ? `${reverse.authorName}'s payment${reverse.amount !== undefined && reverse.currency ? ` of ${moneyText(reverse.amount, reverse.currency, currencies)}` : ""}${reverse.payee ? ` to ${reverse.payee}` : ""}`
    : "";
  const remaining = spend ? spend.amount - spend.used : 0;
  // The rules in force when the proposal was made judge its votes, so they decide whether Block is offered.
  const choices = CHOICES.filter(({ choice }) => choice !== "block" || proposal.allowBlock);

  return (
    <article className="proposal" aria-labelledby={titleId}>
      <header className="proposal__head">
        <h3 id={titleId}>{proposal.title}</h3>
        <OutcomeBadge outcome={proposal.outcome} />
      </header>
      <p className="muted proposal__meta">
        {KIND_NAMES[proposal.kind]} · proposed by {proposal.byName} on <Time at={proposal.at} />
      </p>
      <RecordNotes notes={proposal.notes} />
      {proposal.body ? <p className="proposal__body">{proposal.body}</p> : null}
      {spend ? (
        <p>
          Spend <strong>{moneyText(spend.amount, spend.currency, currencies)}</strong> to {spend.payee}.{" "}
          {spend.used > 0 ? `${moneyText(spend.used, spend.currency, currencies)} of it paid out so far.` : "Nothing paid out yet."}
        </p>
      ) : null}
      {proposal.member ? (
        <p>
          {proposal.kind === "admit" ? "Admit" : "Remove"} <strong>{proposal.member.name}</strong>
        </p>
      ) : null}
      {proposal.change ? <p>{ruleChangeText(proposal.change, currencies)}</p> : null}
      {reverse ? (
        <p>
          Take back <strong>{payment}</strong> (entry {reverse.entry.slice(0, 8)}) into the purse.
        </p>
      ) : null}
      <p className="proposal__when">
        {open ? (
          <>
            Voting closes <Time at={proposal.deadline} />, {closingWords(proposal.process?.kind, proposal.closesEarly === true)}.
          </>
        ) : awaiting ? (
          <>
            The advice period ended <Time at={proposal.deadline} />.
          </>
        ) : proposal.early ? (
          <>
            {CLOSED_EARLY[proposal.early]}, <Time at={proposal.decidesAt} />.
          </>
        ) : (
          <>
            Decided <Time at={proposal.decidesAt} />.
          </>
        )}
      </p>
      {proposal.process ? (
        <ProcessResult proposal={proposal} />
      ) : proposal.hiddenVotes ? (
        <p className="muted">
          Votes stay hidden until it closes: {proposal.voted} of {proposal.electorate} have voted.
        </p>
      ) : (
        <TallyBars proposal={proposal} />
      )}
      {proposal.votes && proposal.process?.kind !== "advice" ? (
        <details className="proposal__votes">
          <summary>Who voted what ({proposal.votes.length})</summary>
          <ul className="plain-list">
            {proposal.votes.map((vote) => (
              <li key={vote.voter}>
                {vote.name}: {marksWords(proposal.process, vote, (at) => timeText(at)) ?? VOTE_WORDS[vote.choice]}{" "}
                <span className="muted">
                  (<Time at={vote.at} />)
                </span>
                {vote.reason ? <q className="proposal__reason">{vote.reason}</q> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {open && canAct && proposal.process ? <ProcessBallot communeId={communeId} proposal={proposal} /> : null}
      {canAct && awaiting && proposal.result?.kind === "advice" && proposal.result.yours ? <DecisionForm communeId={communeId} proposal={proposal} /> : null}
      <p className="proposal__my-vote" hidden={proposal.process !== undefined}>
        {proposal.myVote ? `Your vote: ${MY_VOTE[proposal.myVote]}` : open ? "You have not voted yet." : "You did not vote."}
      </p>
      {open && canAct && !proposal.process ? (
        <TextField
          label="Why you vote so (optional)"
          hint="Shown beside your vote to every member."
          value={reason}
          onChange={setReason}
          maxLength={LIMITS.reason}
          autoComplete="off"
        />
      ) : null}
      {open && canAct && !proposal.process ? (
        <div className="button-row" role="group" aria-label={`Your vote on ${proposal.title}`}>
          {choices.map(({ choice, label }) => (
            <Button
              key={choice}
              variant={proposal.myVote === choice ? "primary" : "secondary"}
              aria-pressed={proposal.myVote === choice}
              busy={voting.running}
              onClick={() => void castVote(choice)}
            >
              {label}
            </Button>
          ))}
        </div>
      ) : null}
      <ErrorText error={voting.error} />
      {spend && proposal.outcome === "passed" && remaining > 0 && canAct ? (
        <div className="button-row">
          <Button busy={executing.running} onClick={() => void execute({ commune: communeId, proposal: proposal.id })}>
            Execute
          </Button>
          <span className="muted">
            Records a disbursement of {moneyText(remaining, spend.currency, currencies)} to {spend.payee}.
          </span>
        </div>
      ) : null}
      {spend && proposal.outcome === "passed" && remaining <= 0 ? <SuccessText>Paid out in full.</SuccessText> : null}
      {reverse && proposal.outcome === "passed" && !reverse.done && canAct ? (
        <div className="button-row">
          <Button busy={executing.running} onClick={() => void execute({ commune: communeId, proposal: proposal.id })}>
            Execute
          </Button>
          <span className="muted">Records a void of {payment}: the money counts in the purse again.</span>
        </div>
      ) : null}
      {reverse?.done ? <SuccessText>Reversed: the payment is voided in the ledger.</SuccessText> : null}
      <ErrorText error={executing.error} />
      <OutcomeSection communeId={communeId} proposal={proposal} currencies={currencies} canAct={canAct} />
      <Discussion communeId={communeId} proposal={proposal} canAct={canAct} />
    </article>
  );
}
