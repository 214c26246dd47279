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

const CHOICES = [
  { key: "yes", symbol: "\u2713", word: "yes" },
  { key: "no", symbol: "\u2717", word: "no" },
  { key: "abstain", symbol: "\u2013", word: "abstained" },
  { key: "block", symbol: "\u26D4", word: "blocked" },
] as const;

/**
 * Every vote cast, by choice: a segment each, told apart by colour and by
 * pattern (stripes, dots, cross-hatching), and in the words beside it, each
 * with its own symbol, so colour is never the only difference.
 */
function Votes({ counts }: { counts: Record<(typeof CHOICES)[number]["key"], number> }) {
  const cast = CHOICES.reduce((sum, { key }) => sum + counts[key], 0);
  if (cast === 0) return null;
  return (
    <div className="tally__row">
      <span className="tally__label">
        {CHOICES.filter(({ key }) => counts[key] > 0)
          .map(({ key, symbol, word }) => `${symbol} ${counts[key]} ${word}`)
          .join(" \u00b7 ")}
      </span>
      <span className="tally__bar tally__bar--votes" aria-hidden="true">
        {CHOICES.map(({ key }) =>
          counts[key] > 0 ? <span key={key} className={`tally__segment tally__segment--${key}`} style={{ width: `${(counts[key] * 100) / cast}%` }} /> : null,
        )}
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
      <Votes counts={{ yes, no, abstain, block }} />
    </div>
  );
}
