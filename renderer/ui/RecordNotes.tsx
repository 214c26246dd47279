import type { RecordNote, RecordNoteCode } from "../../shared/commands/views";

/** A word for each kind of note, read before its sentence: the warning is in the text, not only in the colour. */
const LABELS: Record<RecordNoteCode, string> = {
  "record.tampered": "Altered in the documents",
  "record.equivocation": "Signed twice",
  "record.late": "Late",
  "record.backdated": "Backdated",
  "record.future-dated": "Dated in the future",
};

/**
 * What was done to a record (deleted or changed after it was signed, signed
 * twice, ...), said beside the record in the host's words. Plain text in a
 * list, so a screen reader reads it with the record; nothing when there are
 * no notes, which is every honest record.
 */
export function RecordNotes({ notes, compact = false }: { notes: readonly RecordNote[] | undefined; compact?: boolean }) {
  if (!notes || notes.length === 0) return null;
  return (
    <ul className={compact ? "record-notes record-notes--compact" : "record-notes"}>
      {notes.map((note) => (
        <li key={`${note.code} ${note.message}`} className="record-note" title={compact ? note.message : undefined}>
          <span aria-hidden="true" className="record-note__icon">
            ⚠
          </span>{" "}
          <strong>{LABELS[note.code] ?? "Note"}:</strong> {note.message}
        </li>
      ))}
    </ul>
  );
}
