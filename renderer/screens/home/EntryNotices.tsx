import type { NoticeView } from "../../../shared/commands/views";
import { useCommand } from "../../link/hooks";
import { Button, ErrorText, Panel, screenHref } from "../../ui";

/**
 * What happened to the member's own entries after they wrote them: a
 * payment that lost a race to another one, an entry that counts for
 * nothing. Each says what to do, and stays until the member marks it read;
 * nothing shows when there is none, which is most of the time.
 */
export function EntryNotices({ communeId, notices }: { communeId: string; notices: readonly NoticeView[] }) {
  const [markRead, { running, error }] = useCommand("notices.read");
  if (notices.length === 0) return null;
  return (
    <Panel
      title="About your entries"
      className="panel--warning"
      actions={
        notices.length > 1 ? (
          <Button variant="secondary" busy={running} onClick={() => void markRead({ commune: communeId })}>
            Mark all as read
          </Button>
        ) : undefined
      }
    >
      <ul className="plain-list notices" aria-label="What happened to your entries">
        {notices.map((notice) => (
          <li key={notice.id} className="entry-notice">
            <p>
              <strong>{notice.status === "overdrawn" ? "Overdrawn: " : "Counts for nothing: "}</strong>
              {notice.message}
            </p>
            <p className="muted">{notice.advice}</p>
            <p className="entry-notice__actions">
              <a href={screenHref(communeId, "purse")}>See the ledger</a>
              <Button variant="quiet" busy={running} onClick={() => void markRead({ commune: communeId, ids: [notice.id] })}>
                Mark as read
              </Button>
            </p>
          </li>
        ))}
      </ul>
      <ErrorText error={error} />
    </Panel>
  );
}
