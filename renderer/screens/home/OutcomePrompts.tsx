import type { CommuneView } from "../../../shared/commands/views";
import { closedWithoutOutcome, reviewsDue } from "../../../shared/proposals/outcome-prompts";
import { OutcomeBadge, Panel, Time, screenHref } from "../../ui";

/**
 * On Home: the member's own proposals that closed with no outcome recorded
 * (so the proposer is prompted, loomio#2990), and outcomes whose review day
 * has come. Nothing shows when neither has anything.
 */
export function OutcomePrompts({ communeId, view, now }: { communeId: string; view: CommuneView; now: number }) {
  const mine = view.me === undefined ? [] : closedWithoutOutcome(view.proposals, view.me);
  const due = reviewsDue(view.proposals, now);
  if (mine.length === 0 && due.length === 0) return null;
  const proposals = screenHref(communeId, "proposals");
  return (
    <Panel title="Outcomes">
      {mine.length > 0 ? (
        <>
          <p>Proposals you made that closed without an outcome: say what came of them.</p>
          <ul className="plain-list" aria-label="Proposals you made that closed without an outcome">
            {mine.map((proposal) => (
              <li key={proposal.id}>
                <a href={proposals}>{proposal.title}</a> <OutcomeBadge outcome={proposal.outcome} />{" "}
                <span className="muted">
                  decided <Time at={proposal.decidesAt} />
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {due.length > 0 ? (
        <>
          <p>Outcomes due for review:</p>
          <ul className="plain-list" aria-label="Outcomes due for review">
            {due.map((proposal) => (
              <li key={proposal.id}>
                <a href={proposals}>{proposal.title}</a>: {proposal.outcomeStatement!.statement}{" "}
                <span className="muted">
                  (review on <Time at={proposal.outcomeStatement!.review!} />)
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Panel>
  );
}
