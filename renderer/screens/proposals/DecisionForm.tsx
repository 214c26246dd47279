import { useId, useState } from "react";
import type { ProposalView } from "../../../shared/commands/views";
import { LIMITS } from "../../../shared/docs/fields";
import { useCommand } from "../../link/hooks";
import { Button, ErrorText, RadioGroup, TextArea } from "../../ui";

/** The proposer's decision on an advice process once the advice period is over: passed or rejected, and why. */
export function DecisionForm({ communeId, proposal }: { communeId: string; proposal: ProposalView }) {
  const name = useId();
  const [outcome, setOutcome] = useState<"passed" | "rejected">("passed");
  const [statement, setStatement] = useState("");
  const [missing, setMissing] = useState(false);
  const [decide, deciding] = useCommand("proposal.decide");
  const record = async () => {
    if (statement.trim() === "") return setMissing(true);
    await decide({ commune: communeId, proposal: proposal.id, outcome, statement: statement.trim() });
  };
  return (
    <fieldset className="process-ballot">
      <legend>Record decision</legend>
      <RadioGroup
        legend="Decision"
        name={name}
        value={outcome}
        onChange={(value) => setOutcome(value === "rejected" ? "rejected" : "passed")}
        options={[
          { value: "passed", label: "It passes" },
          { value: "rejected", label: "It is rejected" },
        ]}
      />
      <TextArea
        label="Statement"
        hint="What you decided and why, in view of the advice. Signed, shown to every member, and not taken back."
        value={statement}
        onChange={(text) => {
          setStatement(text);
          setMissing(false);
        }}
        error={missing ? "A decision needs a statement" : undefined}
        maxLength={LIMITS.reason}
      />
      <div className="button-row">
        <Button busy={deciding.running} onClick={() => void record()}>
          Record decision
        </Button>
      </div>
      <ErrorText error={deciding.error} />
    </fieldset>
  );
}
