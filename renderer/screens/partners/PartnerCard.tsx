import { useId, useState } from "react";
import type { PartnerView } from "../../../shared/commands/views";
import { useCommand } from "../../link/hooks";
import { Badge, Button, Form, TextArea, Time, fieldProblem, unplaced } from "../../ui";
import { HOST_FIELDS } from "../host-fields";
import { CopyButton } from "../members/CopyButton";
import { partnershipWords } from "./partner-words";

const STATUS = {
  active: { tone: "good", label: "Active" },
  waiting: { tone: "info", label: "Waiting" },
  ended: { tone: "neutral", label: "Ended" },
} as const;

/**
 * One partnership as `partner.list` shows it: where it stands in words, our
 * answer to send while the partner has yet to take it in, a field for the
 * partner's answer while we lack theirs, and, once both grants are held,
 * the way to read what the partner shares.
 */
export function PartnerCard({
  communeId,
  communeName,
  partner,
  canWrite,
  onRead,
  onExchange,
}: {
  communeId: string;
  communeName: string;
  partner: PartnerView;
  canWrite: boolean;
  onRead(partner: PartnerView): void;
  onExchange(id: string): void;
}) {
  const titleId = useId();
  const [pasted, setPasted] = useState("");
  const [attempted, setAttempted] = useState(false);
  const [outcome, setOutcome] = useState<string>();
  const [accept, accepting, clear] = useCommand("partner.accept");
  const { name } = partner;
  const status = STATUS[partner.status === "ended" || partner.endedByThem ? "ended" : partner.active ? "active" : "waiting"];
  const empty = attempted && pasted.trim() === "" ? `Paste the answer ${name} sent: it starts with commune-partner:` : undefined;

  const takeIn = async () => {
    setAttempted(true);
    if (pasted.trim() === "") return;
    const answer = await accept({ commune: communeId, offer: pasted.trim() });
    if (!answer) return;
    setPasted("");
    setAttempted(false);
    setOutcome(
      "accepted" in answer
        ? `${name}'s answer is kept: ${communeName} can now read what ${name} shares.`
        : `That was an offer, not an answer: proposed, and open in Proposals for ${communeName} to decide.`,
    );
  };

  return (
    <article className="partner-card" aria-labelledby={titleId}>
      <div className="knowledge-item__head">
        <h3 id={titleId}>{name}</h3>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      <p>{partnershipWords(partner, communeName)}</p>
      <p className="muted">
        Decided on <Time at={partner.decidedAt} withTime={false} /> (proposal {partner.proposal.slice(0, 8)}); {partner.items}{" "}
        {partner.items === 1 ? "item" : "items"} of ours shared with {name}.
      </p>
      {partner.answer && partner.status === "agreed" && !partner.endedByThem ? (
        partner.active ? (
          // We cannot know whether the partner took ours in: it stays at hand, folded away once both grants are held here.
          <details className="partner-answer">
            <summary>Our answer to send to {name}</summary>
            <AnswerToSend name={name} answer={partner.answer} />
          </details>
        ) : (
          <AnswerToSend name={name} answer={partner.answer} />
        )
      ) : null}
      {!partner.theirs && partner.status === "agreed" && canWrite ? (
        <Form label={`Take in ${name}'s answer`} onSubmit={() => void takeIn()} error={unplaced(accepting.error, HOST_FIELDS.partnerAnswer)} success={outcome}>
          <TextArea
            label={`${name}'s answer`}
            value={pasted}
            rows={3}
            spellCheck={false}
            onChange={(value) => {
              setPasted(value);
              setAttempted(false);
              setOutcome(undefined);
              if (accepting.error) clear();
            }}
            error={empty ?? fieldProblem(accepting.error, "offer")}
          />
          <div className="button-row">
            <Button type="submit" busy={accepting.running}>
              Take in the answer
            </Button>
          </div>
        </Form>
      ) : outcome ? (
        <p role="status" className="notice">
          {outcome}
        </p>
      ) : null}
      {partner.active ? (
        <div className="button-row">
          <Button variant="secondary" onClick={() => onRead(partner)}>
            Read what {name} shares
          </Button>
          {canWrite ? (
            <Button variant="secondary" onClick={() => onExchange(partner.commune)}>
              Exchange with {name}
            </Button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

/** Our answer (offer, grant and where our shared document is) as text to copy to the partner. */
function AnswerToSend({ name, answer }: { name: string; answer: string }) {
  return (
    <div className="stack">
      <TextArea label={`Our answer to send to ${name}`} value={answer} onChange={() => undefined} readOnly rows={3} className="partner-offer-text" />
      <div className="button-row">
        <CopyButton text={answer} label="Copy our answer" />
      </div>
    </div>
  );
}
