import { useId, useState } from "react";
import type { ItemView } from "../../../shared/commands/views";
import { useCommand } from "../../link/hooks";
import type { Currency } from "../../../shared/money/currency";
import { Badge, Button, ErrorText, Money, RecordNotes, Time } from "../../ui";
import { ExternalLink } from "./ExternalLink";
import { ItemBody } from "./ItemBody";
import { ItemForm } from "./ItemForm";
import { draftOf, priceOf, tagsOf, type ItemDraft } from "./item-draft";

const KIND_WORDS = { offer: "Offer", need: "Need" } as const;

/** One item of the inventory; an active member can edit it, which signs a new version, or retire it (a version that says so). */
export function KnowledgeItem({
  communeId,
  item,
  canEdit,
  currencies,
  sourceName,
}: {
  communeId: string;
  item: ItemView;
  canEdit: boolean;
  currencies: readonly Currency[];
  /** Our commune's name: the combined view lists partners' items beside ours. */
  sourceName: string;
}) {
  const titleId = useId();
  const [editing, setEditing] = useState(false);
  const [edit, state, clear] = useCommand("inventory.edit");
  const [retire, retiring] = useCommand("inventory.retire");

  const save = async (draft: ItemDraft) => {
    const link = draft.link.trim();
    const done = await edit({
      commune: communeId,
      id: item.id,
      title: draft.title.trim(),
      body: draft.body,
      link: link === "" ? null : link,
      tags: tagsOf(draft.tags),
      kind: draft.kind,
      price: priceOf(draft) ?? null,
    });
    if (done) setEditing(false);
    return done !== undefined;
  };

  if (editing) {
    return (
      <article className="knowledge-item" aria-labelledby={titleId}>
        <h3 id={titleId}>Edit “{item.title}”</h3>
        <ItemForm
          label={`Edit ${item.title}`}
          currencies={currencies}
          initial={draftOf(item, currencies)}
          submitLabel="Save"
          running={state.running}
          error={state.error}
          onSubmit={save}
          onEdit={() => state.error && clear()}
          onCancel={() => {
            clear();
            setEditing(false);
          }}
        />
      </article>
    );
  }

  return (
    <article className={item.retired ? "knowledge-item knowledge-item--retired" : "knowledge-item"} aria-labelledby={titleId}>
      <div className="knowledge-item__head">
        <h3 id={titleId}>{item.title}</h3>
        {canEdit ? (
          <div className="button-row">
            {item.retired ? null : (
              <Button variant="quiet" aria-label={`Edit ${item.title}`} onClick={() => setEditing(true)}>
                Edit
              </Button>
            )}
            <Button
              variant="quiet"
              busy={retiring.running}
              aria-label={item.retired ? `Bring back ${item.title}` : `Retire ${item.title}`}
              onClick={() => void retire({ commune: communeId, id: item.id, retired: !item.retired })}
            >
              {item.retired ? "Bring back" : "Retire"}
            </Button>
          </div>
        ) : null}
      </div>
      <p className="knowledge-item__kind">
        {item.kind !== "knowledge" ? <Badge tone="info">{KIND_WORDS[item.kind]}</Badge> : null}
        {item.retired ? <Badge>Retired</Badge> : null}
        {item.amount !== undefined && item.currency !== undefined ? (
          <span>
            {item.kind === "offer" ? "asks " : "offers "}
            <Money minor={item.amount} code={item.currency} currencies={currencies} /> in return
          </span>
        ) : null}
        <span>From {sourceName} (our commune)</span>
      </p>
      <ErrorText error={retiring.error} />
      <RecordNotes notes={item.notes} />
      {item.body ? <ItemBody markdown={item.body} /> : null}
      {item.link ? (
        <p>
          <ExternalLink href={item.link} />
        </p>
      ) : null}
      {item.tags.length > 0 ? (
        <ul className="knowledge-item__tags" aria-label="Tags">
          {item.tags.map((tag) => (
            <li key={tag} className="badge">
              {tag}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="muted knowledge-item__meta">
        {item.retired ? `Retired by ${item.editorName}` : item.version > 1 ? `Edited by ${item.editorName}` : `Added by ${item.authorName}`} on{" "}
        <Time at={item.at} />
        {item.version > 1 ? ` (version ${item.version}; first added by ${item.authorName})` : ""}
      </p>
    </article>
  );
}
