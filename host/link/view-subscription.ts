import type { CommandName, CommandOutcome } from "../../shared/commands/commands";
import type { ViewName } from "../../shared/link/protocol";

export interface ViewSubscriptionOptions {
  name: ViewName;
  /** The commune whose changes this view follows; undefined for host-wide views. */
  commune: string | undefined;
  compute(): Promise<CommandOutcome<CommandName>>;
  push(outcome: CommandOutcome<CommandName>): void;
  coalesceMs: number;
}

/**
 * One watched view: computed at once, then again after changes, and pushed
 * only when its JSON differs from what was pushed last. A burst of changes
 * costs few recomputes: changes arriving while one is waiting or running
 * only mark the view stale, and it runs once more when that one is done.
 */
export class ViewSubscription {
  readonly name: ViewName;
  readonly commune: string | undefined;
  readonly #options: ViewSubscriptionOptions;
  #lastPushed: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #stale = false;
  #stopped = false;

  constructor(options: ViewSubscriptionOptions) {
    this.name = options.name;
    this.commune = options.commune;
    this.#options = options;
  }

  start(): void {
    void this.#compute();
  }

  /** Something this view shows may have changed. */
  changed(): void {
    if (this.#stopped) return;
    this.#stale = true;
    if (this.#running || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#compute();
    }, this.#options.coalesceMs);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #compute(): Promise<void> {
    if (this.#stopped) return;
    this.#stale = false;
    this.#running = true;
    let outcome: CommandOutcome<CommandName>;
    try {
      outcome = await this.#options.compute();
    } catch (error) {
      outcome = {
        ok: false,
        error: {
          kind: "internal",
          code: "host.internal",
          message: `Something went wrong in the host: ${error instanceof Error ? error.message : String(error)}`,
        },
      };
    } finally {
      this.#running = false;
    }
    if (this.#stopped) return;
    const text = JSON.stringify(outcome);
    if (text !== this.#lastPushed) {
      this.#lastPushed = text;
      this.#options.push(outcome);
    }
    if (this.#stale) this.changed();
  }
}
