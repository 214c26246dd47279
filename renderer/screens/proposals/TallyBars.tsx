import type { ProposalView } from "../../../shared/commands/views";

/** Whole percent, rounded down, so a bar never shows a share as reached before the host counts it as reached. */
const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : Math.floor((part * 100) / whole));

/** One bar with a mark where the rule's line sits; the text beside it says the same for everyone. */
function Bar({ percent, mark, met, label }: { percent: number; mark: number; met: boolean; label: string }) {
  return (
    <div className="tally__row">
      <span className="tally__label">{label}</span>
      <span className="tally__bar" aria-hidden="true">
        <span className={met ? "tally__fill tally__fill--met" : "tally__fill"} style={{ width: `${percent}%` }} />
        <span className="tally__mark" style={{ left: `${mark}%` }} />
      </span>
    </div>
  );
}

/**
 * Where a proposal stands against its rules: turnout against the quorum
 * (share of the electorate that voted at all) and yes against the approval
 * threshold (share of yes among yes and no). Whether each is met comes
 * from the host's tally (shared/proposals/tally.ts); the bars only draw it.
 */
export function TallyBars({ proposal }: { proposal: ProposalView }) {
  const { voted, electorate, yes, no, abstain, block, quorumPercent, thresholdPercent, quorumMet, thresholdMet } = proposal;
  const turnout = percentOf(voted, electorate);
  const approval = percentOf(yes, yes + no);
  const turnoutText = `${voted} of ${electorate} voted (${turnout}%); quorum ${quorumPercent}% ${quorumMet ? "reached" : "not reached"}`;
  const approvalText =
    yes + no === 0
      ? `No yes or no votes yet; ${thresholdPercent}% yes needed`
      : `${yes} yes, ${no} no (${approval}% yes); ${thresholdPercent}% needed, ${thresholdMet ? "reached" : "not reached"}`;
  return (
    <div className="tally">
      <Bar percent={turnout} mark={quorumPercent} met={quorumMet} label={turnoutText} />
      <Bar percent={approval} mark={thresholdPercent} met={thresholdMet} label={approvalText} />
      {abstain > 0 || block > 0 ? (
        <p className="muted tally__extra">
          {abstain > 0 ? `${abstain} abstained` : ""}
          {abstain > 0 && block > 0 ? ", " : ""}
          {block > 0 ? `${block} blocked` : ""}
        </p>
      ) : null}
    </div>
  );
}
