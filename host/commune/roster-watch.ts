import { statusAt } from "../../shared/commune/state";
import { sharedLinksOf } from "../../shared/partners/shared-doc";
import type { CommuneNode } from "./commune-node";
import { shareWithPartners } from "./partner-docs";

type Host = Parameters<typeof shareWithPartners>[0];

/**
 * Keeps the roster in each document we share with a partner current
 * (docs/partners.md, "The roster"): when someone joins, leaves or is
 * removed, the next roster is written without waiting for the next item
 * or exchange, so a partner verifies a newcomer's answers from the start.
 * Watches the membership only: other changes cost one comparison.
 */
export class RosterWatch {
  #membership = "";
  #running = false;
  #again = false;
  #closed = false;
  readonly #stop: () => void;

  constructor(
    private readonly host: Host,
    private readonly node: CommuneNode,
  ) {
    this.#stop = node.subscribe(() => this.#changed());
  }

  close(): void {
    this.#closed = true;
    this.#stop();
  }

  #changed(): void {
    if (this.#closed || Object.keys(sharedLinksOf(this.node.docs.commune.doc())).length === 0) return;
    const model = this.node.model();
    if (!model.ok) return;
    const at = this.host.now();
    const membership = Object.keys(model.value.state.members)
      .sort()
      .map((key) => `${key}:${statusAt(model.value.state, key, at)}`)
      .join(",");
    if (membership === this.#membership) return;
    this.#membership = membership;
    void this.#share();
  }

  async #share(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      // A failure here (a document not synced yet) is retried by the next change or write: nothing is lost by waiting.
      if (!this.#closed) await shareWithPartners(this.host, this.node).catch(() => undefined);
    } finally {
      this.#running = false;
      if (this.#again && !this.#closed) {
        this.#again = false;
        void this.#share();
      }
    }
  }
}
