import { useState } from "react";
import type { ProposalView } from "../../../shared/commands/views";
import { LIMITS } from "../../../shared/docs/fields";
import type { Currency } from "../../../shared/money/currency";
import { useCommand } from "../../link/hooks";
import { Button, ErrorText, TextArea, TextField, Time, moneyText } from "../../ui";

export interface OutcomeSectionProps {
  communeId: string;
  proposal: ProposalView;
  currencies: readonly Currency[];
  canAct: boolean;
}

/** "2027-06-01" as a date field gives it, to the start of that day (UTC); undefined when empty or not a day. */
function reviewAt(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const at = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * What came of a decided proposal (shared/proposals/outcome.ts): the
 * statement that stands with its review date, the earlier ones on request,
 * the payments that carried out a spend, and a form to record the outcome.
 */
export function OutcomeSection({ communeId, proposal, currencies, canAct }: OutcomeSectionProps) {
  const [record, recording] = useCommand("proposal.outcome");
  const [writing, setWriting] = useState(false);
  const [statement, setStatement] = useState("");
  const [review, setReview] = useState("");
  if (proposal.outcome === "open") return null;
  const stated = proposal.outcomeStatement;

  const submit = async () => {
    const at = reviewAt(review);
    const done = await record({ commune: communeId, proposal: proposal.id, statement, ...(at !== undefined ? { review: at } : {}) });
    if (done) {
      setWriting(false);
      setStatement("");
      setReview("");
    }
  };

  return (
    <section className="proposal__outcome" aria-label={`Outcome of ${proposal.title}`}>
      {proposal.paidBy?.length ? (
        <div>
          <h4>Paid by</h4>
          <ul className="plain-list">
            {proposal.paidBy.map((paid) => (
              <li key={`${paid.author}/${paid.id}`}>
                Entry {paid.id.slice(0, 8)}: <strong>{moneyText(paid.amount, paid.currency, currencies)}</strong> by {paid.authorName}, <Time at={paid.at} />
                {paid.voided ? " (voided since)" : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {stated ? (
        <div>
          <h4>Outcome</h4>
          <p className="proposal__body">{stated.statement}</p>
          <p className="muted">
            Recorded by {stated.byName}, <Time at={stated.at} />.
            {stated.review !== undefined ? (
              <>
                {" "}
                Review on <Time at={stated.review} />.
              </>
            ) : null}
          </p>
          {proposal.history?.length ? (
            <details>
              <summary>Earlier statements ({proposal.history.length})</summary>
              <ol className="plain-list">
                {proposal.history.map((earlier) => (
                  <li key={earlier.at}>
                    {earlier.statement}{" "}
                    <span className="muted">
                      ({earlier.byName}, <Time at={earlier.at} />)
                    </span>
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
        </div>
      ) : null}
      {canAct && !writing ? (
        <div className="button-row">
          <Button variant={stated ? "secondary" : "primary"} onClick={() => setWriting(true)}>
            {stated ? "Record a new outcome" : "Record the outcome"}
          </Button>
        </div>
      ) : null}
      {canAct && writing ? (
        <form
          className="discussion__form"
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <TextArea label="What came of it" value={statement} onChange={setStatement} maxLength={LIMITS.outcome} rows={3} />
          <TextField label="Review on (optional)" hint="The day the commune should look at this again." type="date" value={review} onChange={setReview} />
          <div className="button-row">
            <Button type="submit" busy={recording.running}>
              Record
            </Button>
            <Button variant="secondary" onClick={() => setWriting(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
      <ErrorText error={recording.error} />
    </section>
  );
}
