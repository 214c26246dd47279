import { useId, useState } from "react";
import type { ProposalView } from "../../../shared/commands/views";
import { LIMITS } from "../../../shared/docs/fields";
import { useCommand } from "../../link/hooks";
import { Button, Checkbox, ErrorText, RadioGroup, TextArea, timeText } from "../../ui";
import "./processes.css";

export interface ProcessBallotProps {
  communeId: string;
  proposal: ProposalView;
}

/** The ballot of a proposal decided by a process: consent or object, advise, pick, spread dots or mark times. */
export function ProcessBallot({ communeId, proposal }: ProcessBallotProps) {
  const [vote, voting] = useCommand("proposal.vote");
  const cast = (fields: { choice: "yes" | "abstain" | "block"; reason?: string; pick?: number; dots?: number[]; times?: number[] }) =>
    vote({ commune: communeId, proposal: proposal.id, ...fields });
  const group = `Your vote on ${proposal.title}`;
  const body = (() => {
    switch (proposal.process?.kind) {
      case "consent":
        return <ConsentBallot proposal={proposal} group={group} busy={voting.running} cast={cast} />;
      case "advice":
        return <AdviceBallot group={group} busy={voting.running} cast={cast} />;
      case "poll":
        return proposal.process.dots === undefined ? (
          <PickBallot proposal={proposal} options={proposal.process.options} group={group} busy={voting.running} cast={cast} />
        ) : (
          <DotsBallot proposal={proposal} options={proposal.process.options} dots={proposal.process.dots} group={group} busy={voting.running} cast={cast} />
        );
      case "meeting":
        return <TimesBallot proposal={proposal} times={proposal.process.times} group={group} busy={voting.running} cast={cast} />;
      default:
        return null;
    }
  })();
  return (
    <>
      {body}
      <ErrorText error={voting.error} />
    </>
  );
}

type Cast = (fields: { choice: "yes" | "abstain" | "block"; reason?: string; pick?: number; dots?: number[]; times?: number[] }) => Promise<unknown>;

interface BallotProps {
  group: string;
  busy: boolean;
  cast: Cast;
}

function ConsentBallot({ proposal, group, busy, cast }: BallotProps & { proposal: ProposalView }) {
  const [objecting, setObjecting] = useState(false);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const object = async () => {
    if (reason.trim() === "") return setMissing(true);
    if (await cast({ choice: "block", reason: reason.trim() })) {
      setReason("");
      setObjecting(false);
    }
  };
  return (
    <div className="process-ballot">
      <p className="proposal__my-vote">
        {proposal.myVote === undefined ? "You have not said yet." : proposal.myVote === "block" ? "You object." : "You consent."}
      </p>
      <div className="button-row" role="group" aria-label={group}>
        <Button
          variant={proposal.myVote === "yes" ? "primary" : "secondary"}
          aria-pressed={proposal.myVote === "yes"}
          busy={busy}
          onClick={() => void cast({ choice: "yes" })}
        >
          {proposal.myVote === "block" ? "Withdraw my objection and consent" : "Consent"}
        </Button>
        <Button variant="secondary" aria-expanded={objecting} onClick={() => setObjecting(!objecting)}>
          Object…
        </Button>
      </div>
      {objecting ? (
        <div className="process-ballot__object">
          <TextArea
            label="Your objection"
            hint="Required: say what harm it would do. Shown to every member; you can withdraw it later by consenting."
            value={reason}
            onChange={(text) => {
              setReason(text);
              setMissing(false);
            }}
            error={missing ? "An objection needs a reason" : undefined}
            maxLength={LIMITS.reason}
            required
          />
          <div className="button-row">
            <Button variant="danger" busy={busy} onClick={() => void object()}>
              Object
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function AdviceBallot({ group, busy, cast }: BallotProps) {
  const [advice, setAdvice] = useState("");
  const [missing, setMissing] = useState(false);
  const give = async () => {
    if (advice.trim() === "") return setMissing(true);
    if (await cast({ choice: "abstain", reason: advice.trim() })) setAdvice("");
  };
  return (
    <div className="process-ballot" role="group" aria-label={group}>
      <TextArea
        label="Your advice"
        hint="The proposer decides after the deadline, in view of the advice given."
        value={advice}
        onChange={(text) => {
          setAdvice(text);
          setMissing(false);
        }}
        error={missing ? "Advice needs a reason: the advice itself" : undefined}
        maxLength={LIMITS.reason}
      />
      <div className="button-row">
        <Button busy={busy} onClick={() => void give()}>
          Give advice
        </Button>
      </div>
    </div>
  );
}

function PickBallot({ proposal, options, group, busy, cast }: BallotProps & { proposal: ProposalView; options: string[] }) {
  const name = useId();
  const [pick, setPick] = useState(proposal.myMarks?.pick === undefined ? "" : String(proposal.myMarks.pick));
  return (
    <div className="process-ballot">
      <RadioGroup legend={group} name={name} value={pick} onChange={setPick} options={options.map((label, i) => ({ value: String(i), label }))} />
      <div className="button-row">
        <Button busy={busy} disabled={pick === ""} onClick={() => void cast({ choice: "yes", pick: Number(pick) })}>
          Vote for this option
        </Button>
      </div>
    </div>
  );
}

function DotsBallot({ proposal, options, dots, group, busy, cast }: BallotProps & { proposal: ProposalView; options: string[]; dots: number }) {
  const [given, setGiven] = useState<number[]>(() => options.map((_, i) => proposal.myMarks?.dots?.[i] ?? 0));
  const left = dots - given.reduce((sum, n) => sum + n, 0);
  const step = (i: number, by: number) => setGiven(given.map((n, j) => (j === i ? n + by : n)));
  return (
    <fieldset className="process-ballot dots-ballot">
      <legend>{group}</legend>
      <p aria-live="polite">
        {left} of {dots} dots left to give.
      </p>
      <ul className="plain-list">
        {options.map((label, i) => (
          <li key={i} className="dots-ballot__row">
            <Button variant="secondary" aria-label={`One dot less for ${label}`} disabled={given[i]! === 0} onClick={() => step(i, -1)}>
              −
            </Button>
            <span className="dots-ballot__count" aria-label={`${label}: ${given[i]} dots`}>
              {given[i]}
            </span>
            <Button variant="secondary" aria-label={`One more dot for ${label}`} disabled={left === 0} onClick={() => step(i, 1)}>
              +
            </Button>
            <span>{label}</span>
          </li>
        ))}
      </ul>
      <div className="button-row">
        <Button busy={busy} onClick={() => void cast({ choice: "yes", dots: given })}>
          Cast my dots
        </Button>
      </div>
    </fieldset>
  );
}

function TimesBallot({ proposal, times, group, busy, cast }: BallotProps & { proposal: ProposalView; times: number[] }) {
  const [can, setCan] = useState<ReadonlySet<number>>(() => new Set(proposal.myMarks?.times ?? []));
  return (
    <fieldset className="process-ballot">
      <legend>{group}: the times you can make</legend>
      {times.map((time, i) => (
        <Checkbox
          key={i}
          label={timeText(time)}
          checked={can.has(i)}
          onChange={(checked) => {
            const next = new Set(can);
            if (checked) next.add(i);
            else next.delete(i);
            setCan(next);
          }}
        />
      ))}
      <div className="button-row">
        <Button busy={busy} onClick={() => void cast({ choice: "yes", times: [...can].sort((a, b) => a - b) })}>
          {can.size === 0 ? "None of these fits me" : "Save the times I can make"}
        </Button>
      </div>
    </fieldset>
  );
}
