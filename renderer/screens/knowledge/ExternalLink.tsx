import type { MouseEvent, ReactNode } from "react";
import { isWebLink } from "../../../shared/docs/link";
import { linkQuestion } from "../../../shared/docs/link-question";
import { desktopApi } from "../../platform";

/**
 * A link from another member's item. Only http(s) links (parsed, not
 * substring-matched) become clickable. In the desktop app they go to main
 * through the preload, and main shows the link's host and asks before the
 * system browser opens it (electron/main/external-links.ts: the page may be
 * compromised, so the page does not ask). In a browser the page asks the same
 * question, once per host for the tab's session, and opens a new tab that
 * cannot reach back into this page. A link inside an item's Markdown shows
 * its own words (`children`); its address is in the question before it opens.
 */
export function ExternalLink({ href, children }: { href: string; children?: ReactNode }) {
  if (!isWebLink(href)) return <span className="mono knowledge-item__link">{children ?? href}</span>;
  const api = desktopApi();
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    if (api) {
      void api.openExternal(href);
      return;
    }
    const question = linkQuestion(new URL(href).href);
    if (!trustedHosts().has(question.host)) {
      if (!window.confirm(`${question.message}\n\n${question.detail}`)) return;
      trustHost(question.host);
    }
    window.open(question.url, "_blank", "noopener,noreferrer");
  };
  return (
    <a className="knowledge-item__link" href={href} onClick={open} {...(api ? {} : { target: "_blank", rel: "noopener noreferrer" })}>
      {children ?? href}
    </a>
  );
}

const TRUSTED_HOSTS = "commune.trustedLinkHosts";

/** Hosts the member said yes to in this tab: kept in sessionStorage, so they are forgotten with the tab. */
function trustedHosts(): Set<string> {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(TRUSTED_HOSTS) ?? "[]");
    return new Set(Array.isArray(stored) ? stored.filter((host): host is string => typeof host === "string") : []);
  } catch {
    return new Set();
  }
}

function trustHost(host: string): void {
  try {
    sessionStorage.setItem(TRUSTED_HOSTS, JSON.stringify([...trustedHosts(), host].slice(-100)));
  } catch {
    // Storage refused (private mode, full): the member is asked again next time, which is the safe side.
  }
}
