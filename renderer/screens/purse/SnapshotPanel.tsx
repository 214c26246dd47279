import { useState } from "react";
import type { ImportSummary, SnapshotSummary } from "../../../shared/commands/commands";
import { useCommand } from "../../link/hooks";
import { EXPORT_FORMAT_INFO, EXPORT_FORMATS, isExportFormat, type ExportFormat } from "../../../shared/snapshot/export-formats";
import { chooseSnapshotFile, desktopApi, exportSnapshot, readUpload, type UploadedFile } from "../../platform";
import { Button, Form, Money, Panel, ProgressBar, Select, timeText } from "../../ui";

const FORMAT_OPTIONS = EXPORT_FORMATS.map((value) => ({ value, label: EXPORT_FORMAT_INFO[value].label }));

/**
 * Take the purse away as a file, check a snapshot someone gave you, and
 * recover from a backup. The purse screen and the settings screen show this
 * same panel.
 */
export function SnapshotPanel({ communeId, communeName }: { communeId: string; communeName: string }) {
  return (
    <Panel title="Export, verify and import">
      <div className="entry-forms" id="snapshot-tools" tabIndex={-1}>
        <ExportForm communeId={communeId} communeName={communeName} />
        <VerifyForm />
        <ImportForm />
      </div>
    </Panel>
  );
}

function ExportForm({ communeId, communeName }: { communeId: string; communeName: string }) {
  const [format, setFormat] = useState<ExportFormat>("json");
  const [run, { running, error, progress }] = useCommand("snapshot.export");
  const [done, setDone] = useState<string>();

  const submit = async () => {
    setDone(undefined);
    const outcome = await exportSnapshot(run, { communeId, communeName, format });
    if (outcome.done === "saved") setDone(`Saved ${outcome.entries.toLocaleString()} entries to ${outcome.fileName}.`);
    if (outcome.done === "downloaded") setDone(`Downloaded ${outcome.fileName} (${outcome.entries.toLocaleString()} entries).`);
  };

  return (
    <Form label="Export the purse" onSubmit={submit} error={error} success={done}>
      <h3>Export</h3>
      <Select
        label="Format"
        hint={EXPORT_FORMAT_INFO[format].description}
        value={format}
        onChange={(value) => isExportFormat(value) && setFormat(value)}
        options={FORMAT_OPTIONS}
      />
      {running ? <ProgressBar label="Exporting" progress={progress} /> : null}
      <div className="button-row">
        <Button type="submit" busy={running}>
          Export
        </Button>
      </div>
    </Form>
  );
}

/**
 * Where the file to check comes from: a native dialog in the desktop app
 * (the page gets a one-time grant for the chosen file and the host reads it),
 * an upload in browser mode (the page sends the content). Undefined when the member cancelled or nothing was chosen.
 */
function useSnapshotSource(purpose: "verify" | "import") {
  const api = desktopApi();
  const [file, setFile] = useState<File>();
  const [problem, setProblem] = useState<string>();
  const inputId = `snapshot-${purpose}-file`;

  const source = async (): Promise<{ grant: string } | UploadedFile | undefined> => {
    setProblem(undefined);
    if (api) {
      const chosen = await chooseSnapshotFile(api, purpose);
      return chosen === undefined ? undefined : { grant: chosen.grant };
    }
    if (!file) {
      setProblem("Choose a file first");
      return undefined;
    }
    const read = await readUpload(file);
    if (!read.ok) {
      setProblem(read.error);
      return undefined;
    }
    return read.file;
  };

  const picker = api ? null : (
    <div className="field">
      <label className="field__label" htmlFor={inputId}>
        {purpose === "verify" ? "Snapshot file" : "Backup file"}
      </label>
      <input
        id={inputId}
        type="file"
        accept={purpose === "verify" ? ".json,.automerge,application/json" : ".automerge"}
        onChange={(event) => setFile(event.target.files?.[0])}
      />
    </div>
  );
  return { desktop: api !== undefined, source, picker, problem };
}

function VerifyForm() {
  const [verify, { running, error, progress }] = useCommand("snapshot.verify");
  const [summary, setSummary] = useState<SnapshotSummary>();
  const { desktop, source, picker, problem } = useSnapshotSource("verify");

  const submit = async () => {
    setSummary(undefined);
    const input = await source();
    if (input) setSummary(await verify(input));
  };

  return (
    <Form label="Verify a snapshot" onSubmit={submit} error={error ?? problem} success={summary ? <VerifiedSummary summary={summary} /> : undefined}>
      <h3>Verify</h3>
      <p className="field__hint">Checks every signature in a signed JSON snapshot or a backup before showing what it holds.</p>
      {picker}
      {running ? <ProgressBar label="Verifying" progress={progress} /> : null}
      <div className="button-row">
        <Button type="submit" busy={running}>
          {desktop ? "Choose a file and verify" : "Verify"}
        </Button>
      </div>
    </Form>
  );
}

function ImportForm() {
  const [importBackup, { running, error, progress }] = useCommand("snapshot.import");
  const [summary, setSummary] = useState<ImportSummary>();
  const { desktop, source, picker, problem } = useSnapshotSource("import");

  const submit = async () => {
    setSummary(undefined);
    const input = await source();
    if (input) setSummary(await importBackup(input));
  };

  return (
    <Form label="Import a backup" onSubmit={submit} error={error ?? problem} success={summary ? <ImportedSummary summary={summary} /> : undefined}>
      <h3>Import a backup</h3>
      <p className="field__hint">
        Merges a backup of one of your communes into your copy, to recover what this computer lost. It is verified first and applied whole or not at all.
      </p>
      {picker}
      {running ? <ProgressBar label="Importing" progress={progress} /> : null}
      <div className="button-row">
        <Button type="submit" busy={running}>
          {desktop ? "Choose a backup and import" : "Import"}
        </Button>
      </div>
    </Form>
  );
}

function VerifiedSummary({ summary }: { summary: SnapshotSummary }) {
  return (
    <>
      <strong>Verified:</strong> {summary.format === "automerge" ? "a backup" : "the purse"} of {summary.name}, exported by {summary.exporter} on{" "}
      {timeText(summary.createdAt)}, {summary.entries.toLocaleString()} entries up to {timeText(summary.asOf)}.{" "}
      {summary.currencies.map((currency, index) => (
        <span key={currency.code}>
          {index > 0 ? ", " : "Balances: "}
          <Money minor={summary.purse[currency.code] ?? 0} code={currency.code} currencies={summary.currencies} />
        </span>
      ))}
    </>
  );
}

function ImportedSummary({ summary }: { summary: ImportSummary }) {
  return (
    <>
      <strong>Imported</strong> the backup of {summary.name} that {summary.exporter} made on {timeText(summary.createdAt)}: {summary.documents} documents,{" "}
      {summary.updated} updated, {summary.added} added; {summary.entriesBefore.toLocaleString()} entries before, {summary.entriesAfter.toLocaleString()} now.
    </>
  );
}
