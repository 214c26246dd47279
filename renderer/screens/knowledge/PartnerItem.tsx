import { useId } from "react";
import type { ItemKind } from "../../../shared/inventory/item";
import { Badge } from "../../ui";
import { verificationWords } from "../partners/partner-words";
import { ItemBody } from "./ItemBody";

const KIND_WORDS = { offer: "Offer", need: "Need" } as const;

/** What a partner item carries as `partner.shared` reads it. */
export interface PartnerItemFields {
  title: string;
  body: string;
  kind: ItemKind;
  retired?: true;
  verified: boolean;
}

/**
 * An item a partner commune shares with us: read only (its signers are the
 * partner's members, so no member of ours can edit or retire it), with where
 * it comes from and whether its signature checks against the partner's
 * roster. Its Markdown is a stranger's and goes through ItemBody like ours.
 */
export function PartnerItem({ item, sourceName, level = 3 }: { item: PartnerItemFields; sourceName: string; level?: 3 | 4 }) {
  const titleId = useId();
  const Title = level === 3 ? "h3" : "h4";
  return (
    <article className={item.retired ? "knowledge-item knowledge-item--retired" : "knowledge-item"} aria-labelledby={titleId}>
      <div className="knowledge-item__head">
        <Title id={titleId}>{item.title}</Title>
      </div>
      <p className="knowledge-item__kind">
        {item.kind !== "knowledge" ? <Badge tone="info">{KIND_WORDS[item.kind]}</Badge> : null}
        {item.retired ? <Badge>Retired</Badge> : null}
        <Badge tone={item.verified ? "good" : "bad"}>{item.verified ? "Verified" : "Not verified"}</Badge>
        <span>From {sourceName}</span>
      </p>
      {item.body ? <ItemBody markdown={item.body} /> : null}
      <p className="muted knowledge-item__meta">{verificationWords(item.verified, sourceName)}</p>
    </article>
  );
}
