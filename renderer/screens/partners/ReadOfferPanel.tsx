import { useState } from "react";
import type { PartnerOfferView } from "../../../shared/commands/views";
import { useCommand } from "../../link/hooks";
import { Button, ErrorText, Form, Panel, TextArea, fieldProblem, unplaced } from "../../ui";
import { HOST_FIELDS } from "../host-fields";
import { OfferSummary } from "./OfferSummary";

/** "Paste a partner's offer": the host reads and checks it (signature, expiry, not our own) and the screen says who offers and what comes next. */
export function ReadOfferPanel({ communeId, communeName, onPartner }: { communeId: string; communeName: string; onPartner(id: string): void }) {
  const [pasted, setPasted] = useState("");
  const [attempted, setAttempted] = useState(false);
  const [read, setRead] = useState<PartnerOfferView>();
  const [readOffer, { running, error }, clear] = useCommand("partner.read");
  const [accept, accepting] = useCommand("partner.accept");
  const [outcome, setOutcome] = useState<string>();
  const empty = attempted && pasted.trim() === "" ? "Paste the offer another commune sent you: it starts with commune-partner:" : undefined;
  return (
    <Panel title="Paste a partner's offer">
      <Form
        label="Read a partner offer"
        error={unplaced(error, HOST_FIELDS.partnerRead)}
        onSubmit={() => {
          setAttempted(true);
          if (pasted.trim() === "") return;
          void readOffer({ commune: communeId, offer: pasted.trim() }).then(setRead);
        }}
      >
        <TextArea
          label="Partner offer"
          value={pasted}
          rows={4}
          spellCheck={false}
          onChange={(value) => {
            setPasted(value);
            setAttempted(false);
            setRead(undefined);
            setOutcome(undefined);
            if (error) clear();
          }}
          error={empty ?? fieldProblem(error, "offer")}
        />
        <div className="button-row">
          <Button type="submit" busy={running}>
            Read offer
          </Button>
        </div>
      </Form>
      {read ? (
        <>
          <OfferSummary offer={read} ourName={communeName} />
          <ErrorText error={accepting.error} />
          {outcome ? (
            <p role="status" className="notice">
              {outcome}
            </p>
          ) : null}
          <div className="button-row">
            <Button
              busy={accepting.running}
              disabled={outcome !== undefined}
              onClick={() =>
                void accept({ commune: communeId, offer: pasted.trim() }).then(
                  (answer) =>
                    answer &&
                    setOutcome(
                      "proposed" in answer
                        ? `Proposed: “Partner with ${read.name}” is open in Proposals for ${communeName} to decide.`
                        : `${read.name}'s answer is kept: ${communeName} had already agreed to partner with it.`,
                    ),
                )
              }
            >
              Propose partnering with {read.name}
            </Button>
            <Button variant="secondary" onClick={() => onPartner(read.commune)}>
              Exchange with {read.name}
            </Button>
          </div>
        </>
      ) : null}
    </Panel>
  );
}
