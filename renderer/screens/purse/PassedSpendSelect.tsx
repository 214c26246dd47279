import type { CommuneView } from "../../../shared/commands/views";
import type { CommandError } from "../../../shared/commands/commands";
import { Select, fieldProblem } from "../../ui";

/** "Proposal (optional)": a passed spend proposal an entry out of the purse may cite (a disbursement, an exchange to a partner). */
export function PassedSpendSelect({
  view,
  value,
  onChange,
  error,
}: {
  view: CommuneView;
  value: string;
  onChange(value: string): void;
  error: CommandError | undefined;
}) {
  const passed = view.proposals.filter((candidate) => candidate.kind === "spend" && candidate.outcome === "passed");
  return (
    <Select
      label="Proposal (optional)"
      value={value}
      onChange={onChange}
      options={[{ value: "", label: "None" }, ...passed.map((candidate) => ({ value: candidate.id, label: candidate.title }))]}
      error={fieldProblem(error, "proposal")}
    />
  );
}
