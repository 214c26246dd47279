import type { MouseEvent } from "react";
import { isWebLink } from "../../../shared/docs/link";
import { desktopApi } from "../../platform";

/**
 * A link from another member's item. Only http(s) links (parsed, not
 * substring-matched) become clickable; in the desktop app they open in the
 * system browser through the preload, which checks them again; in a browser
 * in a new tab that cannot reach back into this page.
 */
export function ExternalLink({ href }: { href: string }) {
  if (!isWebLink(href)) return <span className="mono knowledge-item__link">{href}</span>;
  const api = desktopApi();
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    if (!api) return;
    event.preventDefault();
    void api.openExternal(href);
  };
  return (
    <a className="knowledge-item__link" href={href} onClick={open} {...(api ? {} : { target: "_blank", rel: "noopener noreferrer" })}>
      {href}
    </a>
  );
}
