import { useId, useState } from "react";
import type { ItemView } from "../../../shared/commands/views";
import { useCommand } from "../../link/hooks";
import { Button, RecordNotes, Time } from "../../ui";
import { ExternalLink } from "./ExternalLink";
import { ItemBody } from "./ItemBody";
import { ItemForm } from "./ItemForm";
import { tagsOf, type ItemDraft } from "./item-draft";

/** One item of the inventory; an active member can edit it, which signs a new version. */
export function KnowledgeItem({ communeId, item, canEdit }: { communeId: string; item: ItemView; canEdit: boolean }) {
  const titleId = useId();
  const [editing, setEditing] = useState(false);
  const [edit, state, clear] = useCommand("inventory.edit");

  const save = async (draft: ItemDraft) => {
    const link = draft.link.trim();
    const done = await edit({
      commune: communeId,
      id: item.id,
      title: draft.title.trim(),
      body: draft.body,
      link: link === "" ? null : link,
      tags: tagsOf(draft.tags),
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
          initial={{ title: item.title, body: item.body, link: item.link ?? "", tags: item.tags.join(", ") }}
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
    <article className="knowledge-item" aria-labelledby={titleId}>
      <div className="knowledge-item__head">
        <h3 id={titleId}>{item.title}</h3>
        {canEdit ? (
          <Button variant="quiet" aria-label={`Edit ${item.title}`} onClick={() => setEditing(true)}>
            Edit
          </Button>
        ) : null}
      </div>
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
        {item.version > 1 ? "Edited" : "Added"} by {item.authorName} on <Time at={item.at} />
        {item.version > 1 ? ` (version ${item.version})` : ""}
      </p>
    </article>
  );
}
