import type { ReactNode } from "react";
import Markdown, { type Components } from "react-markdown";
import { isWebLink } from "../../../shared/docs/link";
import { ExternalLink } from "./ExternalLink";

/**
 * What an item's Markdown may become. Everything else is dropped with its
 * content kept as text (`unwrapDisallowed`): raw HTML never reaches the page
 * (react-markdown turns it into text unless a raw-HTML plugin is added, and
 * `skipHtml` drops even that text), images are never fetched, and headings sit
 * below the item's own title so the page outline stays the app's.
 */
const ALLOWED = ["p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6"];

/** An item's title is an h3: its body's headings come after it, at h4 and below. */
const heading =
  (level: 4 | 5 | 6) =>
  ({ children }: { children?: ReactNode }) => {
    const Tag = `h${level}` as const;
    return <Tag className="knowledge-item__heading">{children}</Tag>;
  };

const COMPONENTS: Components = {
  // A link goes through the same question as an item's own link; anything that is not a plain http(s) URL stays text.
  a: ({ href, children }) => (typeof href === "string" && isWebLink(href) ? <ExternalLink href={href}>{children}</ExternalLink> : <span>{children}</span>),
  // A remote image would tell its server who read the item and when: it is named, never loaded.
  img: ({ alt, src }) => (
    <span className="knowledge-item__image">
      [image{alt ? `: ${alt}` : ""}
      {typeof src === "string" && src !== "" ? <span className="mono">, not loaded: {src}</span> : null}]
    </span>
  ),
  h1: heading(4),
  h2: heading(4),
  h3: heading(5),
  h4: heading(6),
  h5: heading(6),
  h6: heading(6),
};

/**
 * An item's body, written in Markdown by another member and so hostile until
 * shown otherwise. react-markdown builds React elements from the syntax tree
 * (no innerHTML anywhere), and the page's Content Security Policy would stop
 * a script or a remote image even if one got through.
 */
export function ItemBody({ markdown }: { markdown: string }) {
  return (
    <div className="knowledge-item__body">
      <Markdown skipHtml allowedElements={ALLOWED} unwrapDisallowed components={COMPONENTS} urlTransform={keepWebLinks}>
        {markdown}
      </Markdown>
    </div>
  );
}

/** Only http(s) URLs survive as URLs; any other scheme (javascript:, data:, file:) becomes nothing. */
function keepWebLinks(url: string): string {
  return isWebLink(url) ? url : "";
}
