import { linkQuestion, type LinkQuestion } from "../../shared/docs/link-question";
import { externalUrl } from "./url-policy";

export { linkQuestion, type LinkQuestion };

/**
 * Links that leave the app. A knowledge item's link is text another member
 * wrote, and the page may be compromised, so main itself (not the page)
 * shows the host a link goes to and asks before the system browser opens it.
 * A host the member has said yes to is not asked about again while the app
 * runs; while one question is open, further requests are dropped, so a page
 * cannot stack up dialogs.
 */

export type LinkOutcome = "opened" | "declined" | "refused" | "busy";

export interface ExternalLinkDeps {
  /** Shows the question; true when the member chose to open the link. */
  ask(question: LinkQuestion): Promise<boolean>;
  open(url: string): Promise<void>;
}

export class ExternalLinks {
  readonly #deps: ExternalLinkDeps;
  readonly #trusted = new Set<string>();
  #asking = false;

  constructor(deps: ExternalLinkDeps) {
    this.#deps = deps;
  }

  async request(candidate: unknown): Promise<LinkOutcome> {
    const url = externalUrl(candidate);
    if (!url) return "refused";
    const question = linkQuestion(url);
    if (!this.#trusted.has(question.host)) {
      if (this.#asking) return "busy";
      this.#asking = true;
      try {
        if (!(await this.#deps.ask(question))) return "declined";
      } finally {
        this.#asking = false;
      }
      this.#trusted.add(question.host);
    }
    await this.#deps.open(url);
    return "opened";
  }
}
