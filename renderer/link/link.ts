import type { CommandName, CommandOutcome, PageCommandInput as CommandInput } from "../../shared/commands/commands";
import { parseHostMessage, type ClientMessage, type ViewName } from "../../shared/link/protocol";

/**
 * The renderer's side of the link to the host (shared/link/protocol.ts):
 * commands answered once, views pushed on every change. It runs over any
 * text Channel: the preload's MessagePort in the desktop app, a WebSocket in
 * browser mode. When the channel drops, pending commands fail with a clear
 * error and subscriptions are sent again once it is back.
 */
export interface Channel {
  send(text: string): void;
  onMessage(listener: (text: string) => void): () => void;
  /** "open" once it can carry messages; "closed" when the host is gone (it may come back). */
  onState(listener: (state: LinkState) => void): () => void;
}

/** "stale": the host answers but refuses this page's token, because it was restarted with a new one (browser mode). */
export type LinkState = "connecting" | "open" | "closed" | "stale";

export interface Progress {
  done: number;
  total?: number;
  label: string;
}

interface Pending {
  resolve(outcome: CommandOutcome<CommandName>): void;
  onProgress?: (progress: Progress) => void;
}

interface Subscription {
  name: ViewName;
  input: unknown;
  listener(outcome: CommandOutcome<CommandName>): void;
}

const lost: CommandOutcome<CommandName> = {
  ok: false,
  error: { kind: "unavailable", code: "connection.lost", message: "The connection to your Commune host was lost. Try again when it is back." },
};

export class Link {
  #nextId = 1;
  #state: LinkState = "connecting";
  readonly #channel: Channel;
  readonly #pending = new Map<number, Pending>();
  readonly #subscriptions = new Map<number, Subscription>();
  readonly #stateListeners = new Set<(state: LinkState) => void>();

  constructor(channel: Channel) {
    this.#channel = channel;
    channel.onMessage((text) => this.#receive(text));
    channel.onState((state) => this.#setState(state));
  }

  get state(): LinkState {
    return this.#state;
  }

  onState(listener: (state: LinkState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Runs one command on the host; never throws: a lost connection is an outcome too. */
  command<K extends CommandName>(name: K, input: CommandInput<K>, onProgress?: (progress: Progress) => void): Promise<CommandOutcome<K>> {
    if (this.#state !== "open") return Promise.resolve(lost as CommandOutcome<K>);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, { resolve: resolve as Pending["resolve"], ...(onProgress ? { onProgress } : {}) });
      this.#send({ type: "command", id, name, input });
    });
  }

  /** Watches one view: `listener` gets the answer now and again on every change, until the returned function is called. */
  subscribe<K extends ViewName>(name: K, input: CommandInput<K>, listener: (outcome: CommandOutcome<K>) => void): () => void {
    const id = this.#nextId++;
    this.#subscriptions.set(id, { name, input, listener: listener as Subscription["listener"] });
    if (this.#state === "open") this.#send({ type: "subscribe", id, name, input });
    return () => {
      if (!this.#subscriptions.delete(id)) return;
      if (this.#state === "open") this.#send({ type: "unsubscribe", id });
    };
  }

  #send(message: ClientMessage): void {
    this.#channel.send(JSON.stringify(message));
  }

  #setState(state: LinkState): void {
    if (state === this.#state) return;
    this.#state = state;
    if (state === "closed" || state === "stale") {
      for (const pending of this.#pending.values()) pending.resolve(lost);
      this.#pending.clear();
    }
    if (state === "open") {
      for (const [id, { name, input }] of this.#subscriptions) this.#send({ type: "subscribe", id, name, input });
    }
    for (const listener of this.#stateListeners) listener(state);
  }

  #receive(text: string): void {
    const parsed = parseHostMessage(text);
    if (!parsed.ok) {
      console.warn(`Commune: ignored a message from the host: ${parsed.reason}`);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case "result": {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        pending?.resolve(message.outcome);
        return;
      }
      case "view":
        this.#subscriptions.get(message.id)?.listener(message.outcome);
        return;
      case "progress":
        this.#pending
          .get(message.id)
          ?.onProgress?.({ done: message.done, label: message.label, ...(message.total !== undefined ? { total: message.total } : {}) });
        return;
      case "refused":
        console.warn(`Commune: the host refused a message: ${message.message}`);
        return;
    }
  }
}
