import type { ProposalView } from "../../../shared/commands/views";
import type { ProcessResultView } from "../../../shared/commands/process-views";
import { Time } from "../../ui";

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? "" : "s"}`;

/**
 * What a proposal's process decided so far, in words and bars: the
 * objections standing with their reasons, the advice and the decision, or
 * the options ranked with their totals. Each bar says its number in words
 * beside it; colour and length only repeat it.
 */
export function ProcessResult({ proposal }: { proposal: ProposalView }) {
  const { result } = proposal;
  if (!result)
    return proposal.hiddenVotes ? (
      <p className="muted">
        Votes stay hidden until it closes: {proposal.voted} of {proposal.electorate} have voted.
      </p>
    ) : null;
  switch (result.kind) {
    case "consent":
      return <Consent result={result} open={proposal.outcome === "open"} />;
    case "advice":
      return <Advice result={result} byName={proposal.byName} />;
    case "poll":
      return (
        <Ranking
          label={`Ranking of ${proposal.title}`}
          rows={result.ranking.map((ranked) => ({ key: ranked.option, name: ranked.label, total: ranked.total }))}
          unit={result.dots === undefined ? "vote" : "dot"}
        />
      );
    case "meeting":
      return (
        <Ranking
          label={`Times for ${proposal.title}`}
          rows={result.ranking.map((ranked) => ({
            key: ranked.option,
            name: <Time at={ranked.time} />,
            total: ranked.total,
            who: ranked.names,
          }))}
          unit="member"
          verb="can make it"
        />
      );
  }
}

function Consent({ result, open }: { result: Extract<ProcessResultView, { kind: "consent" }>; open: boolean }) {
  if (result.objections.length === 0)
    return (
      <p className="process-result">
        {"\u2713"} No objection{open ? " so far" : ""} ({plural(result.consents, "member")} consented).
      </p>
    );
  return (
    <div className="process-result">
      <p>
        {"\u2717"} {plural(result.objections.length, "objection")} standing:
      </p>
      <SaidList label="Objections" verb="objects" said={result.objections} />
    </div>
  );
}

/** What members said with their votes (objections, advice): who, when, and their words. */
function SaidList({ label, verb, said }: { label: string; verb: string; said: readonly { voter: string; name: string; at: number; reason: string }[] }) {
  return (
    <ul className="plain-list" aria-label={label}>
      {said.map((one) => (
        <li key={one.voter}>
          {one.name} {verb}{" "}
          <span className="muted">
            (<Time at={one.at} />)
          </span>
          <q className="proposal__reason">{one.reason}</q>
        </li>
      ))}
    </ul>
  );
}

function Advice({ result, byName }: { result: Extract<ProcessResultView, { kind: "advice" }>; byName: string }) {
  return (
    <div className="process-result">
      {result.advice.length === 0 ? <p className="muted">No advice given yet.</p> : <SaidList label="Advice given" verb="advises" said={result.advice} />}
      {result.decision ? (
        <p>
          <strong>
            {byName} decided: {result.decision.outcome}
          </strong>{" "}
          (<Time at={result.decision.at} />)<q className="proposal__reason">{result.decision.statement}</q>
        </p>
      ) : result.awaiting ? (
        <p>The advice period is over: awaiting {result.yours ? "your" : `${byName}'s`} decision.</p>
      ) : null}
    </div>
  );
}

interface Row {
  key: number;
  name: React.ReactNode;
  total: number;
  who?: string[];
}

/** Options from most to least, each a numbered line with its total in words and a bar as long as its share of the top total. */
function Ranking({ label, rows, unit, verb }: { label: string; rows: Row[]; unit: string; verb?: string }) {
  const top = Math.max(1, ...rows.map((row) => row.total));
  return (
    <ol className="tally ranking" aria-label={label}>
      {rows.map((row, place) => (
        <li className="tally__row" key={row.key}>
          <span className="tally__label">
            {place + 1}. {row.name}: {verb ? `${plural(row.total, unit)} ${verb}` : plural(row.total, unit)}
            {row.who?.length ? ` (${row.who.join(", ")})` : ""}
          </span>
          <span className="tally__bar" aria-hidden="true">
            <span className={place === 0 && row.total > 0 ? "tally__fill tally__fill--met" : "tally__fill"} style={{ width: `${(row.total * 100) / top}%` }} />
          </span>
        </li>
      ))}
    </ol>
  );
}
