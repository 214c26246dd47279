import { statusAt } from "../../shared/commune/state";
import { sharedLinksOf } from "../../shared/partners/shared-doc";
import type { CommuneNode } from "./commune-node";
import { shareWithPartners } from "./partner-docs";
import type { EpochKeyring } from "../sync/epoch-keyring";

type Host = Parameters<typeof shareWithPartners>[0] & { privateCommunes: { linkContext(commune: string): { keyring: EpochKeyring } | undefined } };

/**
 * Keeps the roster in each document we share with a partner current
 * (docs/partners.md, "The roster"): when someone joins, leaves or is
 * removed, the next roster is written without waiting for the next item
 * or exchange, so a partner verifies a newcomer's answers from the start;
 * when our epoch moves on, what we share moves to a fresh share key
 * (`shareWithPartners`). Watches the membership and the epoch only: other
 * changes cost one comparison.
 */
export class RosterWatch {
  #membership = "";
  #running = false;
  #again = false;
  #closed = false;
  readonly #stop: () => void;
  readonly #stopKeys: (() => void) | undefined;

  constructor(
    private readonly host: Host,
    private readonly node: CommuneNode,
  ) {
    this.#stop = node.subscribe(() => this.#changed());
    // A new epoch arrives through the relay link, not as a change of the documents.
    this.#stopKeys = host.privateCommunes.linkContext(node.id)?.keyring.onChange(() => this.#changed());
  }

  close(): void {
    this.#closed = true;
    this.#stop();
    this.#stopKeys?.();
  }

  #changed(): void {
    if (this.#closed || Object.keys(sharedLinksOf(this.node.docs.commune.doc())).length === 0) return;
    const model = this.node.model();
    if (!model.ok) return;
    const at = this.host.now();
    const epoch = this.host.privateCommunes.linkContext(this.node.id)?.keyring.current()?.id ?? "";
    const membership =
      epoch +
      "|" +
      Object.keys(model.value.state.members)
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
