import { partnershipsOf } from "../../shared/partners/partnerships";
import type { CommuneNode } from "./commune-node";

/**
 * Reads every active partner now and then, as a member does with "Read
 * what X shares" (`partner.shared`): what a partner answered (an
 * acceptance, a decline that takes our exchange back), its end, its move to
 * a new share key, are filed for every member of ours without anyone
 * asking. Reading is a network read per partner, so it is seldom; a failed
 * read (the partner's relay away) is tried at the next round.
 */
export const PARTNER_READ_EVERY_MS = 5 * 60_000;

export interface PartnerReadingHost {
  readonly nodes: ReadonlyMap<string, CommuneNode>;
  run(name: "partner.shared", input: { commune: string; partner: string }): Promise<unknown>;
}

export class PartnerReading {
  readonly #timer: NodeJS.Timeout;
  #running = false;

  constructor(private readonly host: PartnerReadingHost) {
    this.#timer = setInterval(() => void this.readAll(), PARTNER_READ_EVERY_MS);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  /** One round: each active partnership of each commune here, one read at a time. */
  async readAll(): Promise<number> {
    if (this.#running) return 0;
    this.#running = true;
    let read = 0;
    try {
      for (const node of this.host.nodes.values()) {
        const model = node.model();
        if (!model.ok) continue;
        for (const partnership of partnershipsOf(model.value.state)) {
          if (partnership.status !== "agreed" || !model.value.doc.partners[partnership.partner]?.grant) continue;
          await this.host.run("partner.shared", { commune: node.id, partner: partnership.partner }).catch(() => undefined);
          read++;
        }
      }
    } finally {
      this.#running = false;
    }
    return read;
  }
}
