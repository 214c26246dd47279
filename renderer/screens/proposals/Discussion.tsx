import { useRef, useState, type KeyboardEvent } from "react";
import type { CommentView, ProposalView } from "../../../shared/commands/views";
import { LIMITS } from "../../../shared/docs/fields";
import { useCommand } from "../../link/hooks";
import { Button, Dialog, ErrorText, TextArea, Time } from "../../ui";

export interface DiscussionProps {
  communeId: string;
  proposal: ProposalView;
  /** Only an active member comments. */
  canAct: boolean;
}

/** What the one comment box is writing: a new comment, a reply, or a new version of one's own comment. */
type Composing = { mode: "new" } | { mode: "reply"; to: CommentView } | { mode: "edit"; of: CommentView };

/**
 * A proposal's discussion on its card: the thread as the host sends it
 * (shared/proposals/discussion.ts decides its order and what shows),
 * replies indented, and one box to comment, reply or edit. Ctrl+Enter sends.
 */
export function Discussion({ communeId, proposal, canAct }: DiscussionProps) {
  const form = useRef<HTMLFormElement>(null);
  const [send, sending, clear] = useCommand("proposal.comment");
  const [text, setText] = useState("");
  const [composing, setComposing] = useState<Composing>({ mode: "new" });
  const [retracting, setRetracting] = useState<CommentView | undefined>();
  const comments = proposal.discussion ?? [];

  const compose = (next: Composing, startWith = "") => {
    clear();
    setComposing(next);
    setText(startWith);
    form.current?.querySelector("textarea")?.focus();
  };
  const submit = async () => {
    const input = composing.mode === "edit" ? { edit: composing.of.id, text } : composing.mode === "reply" ? { replyTo: composing.to.id, text } : { text };
    const sent = await send({ commune: communeId, proposal: proposal.id, ...input });
    // Kept on a refusal, so the member does not type it again.
    if (sent) {
      setText("");
      setComposing({ mode: "new" });
    }
  };
  const retract = async (comment: CommentView) => {
    setRetracting(undefined);
    await send({ commune: communeId, proposal: proposal.id, retract: comment.id });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    // Named for its proposal: a page lists many cards, and each landmark needs a name of its own.
    <section className="discussion" aria-label={`Discussion of ${proposal.title}`}>
      <h4>Discussion{comments.length > 0 ? ` (${comments.length})` : ""}</h4>
      {comments.length === 0 ? <p className="muted">No comments yet.</p> : null}
      {comments.length > 0 ? (
        <ol className="discussion__list">
          {comments.map((comment) => (
            <li key={comment.id} className="discussion__comment" style={{ marginInlineStart: `${Math.min(comment.depth, 6) * 1.5}rem` }}>
              <article aria-label={`Comment by ${comment.byName}`}>
                <p className="discussion__head">
                  <strong>{comment.byName}</strong>{" "}
                  <span className="muted">
                    <Time at={comment.at} />
                    {comment.depth > 0 ? " · reply" : ""}
                  </span>
                  {comment.edited !== undefined && !comment.retracted ? (
                    <span className="muted">
                      {" "}
                      · edited <Time at={comment.edited} />
                    </span>
                  ) : null}
                </p>
                {comment.retracted ? (
                  <p className="muted discussion__retracted">
                    Retracted by {comment.byName} on <Time at={comment.retracted.at} />.
                  </p>
                ) : (
                  <p className="discussion__text">{comment.text}</p>
                )}
                {comment.versions.length > 0 ? (
                  <details className="discussion__versions">
                    <summary>Earlier versions ({comment.versions.length})</summary>
                    <ol className="plain-list">
                      {comment.versions.map((version) => (
                        <li key={version.at}>
                          <span className="muted">
                            <Time at={version.at} />:
                          </span>{" "}
                          <span className="discussion__text">{version.text}</span>
                        </li>
                      ))}
                    </ol>
                  </details>
                ) : null}
                {canAct && !comment.retracted ? (
                  <div className="button-row discussion__actions">
                    <Button variant="secondary" aria-label={`Reply to ${comment.byName}`} onClick={() => compose({ mode: "reply", to: comment })}>
                      Reply
                    </Button>
                    {comment.mine ? (
                      <>
                        <Button variant="secondary" aria-label="Edit your comment" onClick={() => compose({ mode: "edit", of: comment }, comment.text ?? "")}>
                          Edit
                        </Button>
                        <Button variant="secondary" aria-label="Retract your comment" onClick={() => setRetracting(comment)}>
                          Retract
                        </Button>
                      </>
                    ) : null}
                  </div>
                ) : null}
              </article>
            </li>
          ))}
        </ol>
      ) : null}
      {canAct ? (
        <form
          ref={form}
          className="discussion__form"
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <TextArea
            label={
              composing.mode === "edit" ? "New version of your comment" : composing.mode === "reply" ? `Your reply to ${composing.to.byName}` : "Your comment"
            }
            hint="Every member sees it, with your name. Ctrl+Enter sends."
            value={text}
            onChange={setText}
            onKeyDown={onKeyDown}
            maxLength={LIMITS.comment}
            rows={3}
          />
          <div className="button-row">
            <Button type="submit" busy={sending.running}>
              {composing.mode === "edit" ? "Save the edit" : composing.mode === "reply" ? "Send the reply" : "Comment"}
            </Button>
            {composing.mode !== "new" ? (
              <Button variant="secondary" onClick={() => compose({ mode: "new" })}>
                Cancel
              </Button>
            ) : null}
          </div>
        </form>
      ) : null}
      <ErrorText error={sending.error} />
      <Dialog open={retracting !== undefined} onClose={() => setRetracting(undefined)} title="Retract your comment?">
        <p>Members will no longer see its text; that you wrote it and took it back stays in the discussion.</p>
        <div className="button-row">
          <Button onClick={() => retracting && void retract(retracting)}>Retract it</Button>
          <Button variant="secondary" onClick={() => setRetracting(undefined)}>
            Keep it
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
