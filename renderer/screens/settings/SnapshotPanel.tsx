import { useState } from "react";
import type { SnapshotSummary } from "../../../shared/commands/commands";
import { useCommand, useView } from "../../link/hooks";
import { chooseSnapshotPath, desktopApi, exportSnapshot, type ExportFormat, type ExportOutcome } from "../../platform";
import { Button, ErrorText, Form, Panel, Select, Time, moneyText, screenHref } from "../../ui";

const FORMATS = [
  { value: "json", label: "Signed snapshot (JSON, verifiable)" },
  { value: "csv", label: "Spreadsheet (CSV)" },
  { value: "journal", label: "Accounting journal (hledger / ledger)" },
] as const;

const isFormat = (value: string): value is ExportFormat => FORMATS.some((format) => format.value === value);

function outcomeText(outcome: ExportOutcome | undefined): string | undefined {
  if (!outcome) return undefined;
  switch (outcome.done) {
    case "saved":
      return `Saved ${outcome.entries} entries to ${outcome.path}.`;
    case "downloaded":
      return `Downloaded ${outcome.fileName} with ${outcome.entries} entries.`;
    case "cancelled":
    case "failed":
      return undefined;
  }
}

/** Takes the purse away as a file, and checks a signed snapshot someone gives you before believing it. */
export function SnapshotPanel({ communeId }: { communeId: string }) {
  const commune = useView("commune.show", { commune: communeId });
  const [format, setFormat] = useState<ExportFormat>("json");
  const [outcome, setOutcome] = useState<ExportOutcome | undefined>();
  const [run, exporting] = useCommand("snapshot.export");
  const [verify, verifying] = useCommand("snapshot.verify");
  const [summary, setSummary] = useState<SnapshotSummary | undefined>();
  const api = desktopApi();

  const submit = async () => {
    setOutcome(undefined);
    setOutcome(await exportSnapshot(run, { communeId, communeName: commune.value?.name ?? "commune", format }));
  };
  const check = async () => {
    if (!api) return;
    const path = await chooseSnapshotPath(api);
    if (path === undefined) return;
    setSummary(await verify({ path }));
  };

  return (
    <Panel title="Snapshots of the purse">
      <Form label="Export snapshot" onSubmit={() => void submit()} error={exporting.error} success={outcomeText(outcome)}>
        <Select label="Format" value={format} onChange={(value) => isFormat(value) && setFormat(value)} options={FORMATS} />
        <div className="button-row">
          <Button type="submit" busy={exporting.running}>
            Export snapshot
          </Button>
        </div>
      </Form>
      {api ? (
        <div className="stack snapshot-verify">
          <div className="button-row">
            <Button variant="secondary" busy={verifying.running} onClick={() => void check()}>
              Verify a snapshot…
            </Button>
          </div>
          <ErrorText error={verifying.error} />
          {summary ? (
            <div role="status">
              <p>
                Genuine snapshot of <strong>{summary.name}</strong> by {summary.exporter}, as of <Time at={summary.asOf} />, {summary.entries} entries.
              </p>
              <ul className="plain-list">
                {Object.entries(summary.purse).map(([code, minor]) => (
                  <li key={code}>{moneyText(minor, code, summary.currencies)}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : (
        <p className="muted">
          To check a snapshot file someone gave you, open it on the <a href={screenHref(communeId, "purse")}>Purse</a> screen.
        </p>
      )}
    </Panel>
  );
}
