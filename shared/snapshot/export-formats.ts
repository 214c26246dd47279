/**
 * The formats the purse can be exported in, with what a person is told
 * about each and the file they become: one table for the command's schema,
 * the app's export forms and the file names and types of a download.
 */
export const EXPORT_FORMATS = ["json", "csv", "journal", "automerge"] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportFormatInfo {
  /** The choice in a list of formats. */
  label: string;
  /** What the file is for, in a sentence. */
  description: string;
  /** The file name's extension, without the dot. */
  extension: string;
  /** The media type of a download. */
  mediaType: string;
}

export const EXPORT_FORMAT_INFO: Readonly<Record<ExportFormat, ExportFormatInfo>> = {
  json: {
    label: "Signed JSON (verifiable)",
    description: "Every entry with its signature: anyone can check the file came from the commune unchanged.",
    extension: "json",
    mediaType: "application/json",
  },
  csv: {
    label: "CSV (spreadsheets)",
    description: "One row per entry, for a spreadsheet.",
    extension: "csv",
    mediaType: "text/csv;charset=utf-8",
  },
  journal: {
    label: "Journal (hledger, ledger)",
    description: "A plain-text accounting journal that hledger and ledger read.",
    extension: "journal",
    mediaType: "text/plain;charset=utf-8",
  },
  automerge: {
    label: "Backup (every document, full history)",
    description: "The commune's documents with their whole history, to recover from on another computer.",
    extension: "automerge",
    mediaType: "application/octet-stream",
  },
};

export const isExportFormat = (value: string): value is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(value);
