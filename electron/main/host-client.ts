import type { CommandInput } from "../../shared/commands/commands";
import { parseHostMessage, type ClientMessage, type ViewName } from "../../shared/link/protocol";

/**
 * The main process's own small client of the host, over a MessagePort of its
 * own, in the same link protocol as the renderer. It only subscribes to views
 * (for OS notifications); what arrives is parsed, and a message it cannot
 * read is dropped rather than trusted.
 */
export interface TextChannel {
  send(text: string): void;
  onMessage(listener: (text: string) => void): () => void;
}

/** A view's value, or the host's reason for not giving it. */
export type ViewUpdate = { ok: true; value: unknown } | { ok: false; message: string };

export class HostClient {
  #nextId = 1;
  readonly #channel: TextChannel;
  readonly #listeners = new Map<number, (update: ViewUpdate) => void>();
  readonly #stopReceiving: () => void;

  constructor(channel: TextChannel) {
    this.#channel = channel;
    this.#stopReceiving = channel.onMessage((text) => this.#receive(text));
  }

  subscribe<K extends ViewName>(name: K, input: CommandInput<K>, listener: (update: ViewUpdate) => void): () => void {
    const id = this.#nextId++;
    this.#listeners.set(id, listener);
    this.#send({ type: "subscribe", id, name, input });
    return () => {
      if (this.#listeners.delete(id)) this.#send({ type: "unsubscribe", id });
    };
  }

  close(): void {
    this.#stopReceiving();
    this.#listeners.clear();
  }

  #send(message: ClientMessage): void {
    this.#channel.send(JSON.stringify(message));
  }

  #receive(text: string): void {
    const parsed = parseHostMessage(text);
    if (!parsed.ok || parsed.message.type !== "view") return;
    const { id, outcome } = parsed.message;
    this.#listeners.get(id)?.(outcome.ok ? { ok: true, value: outcome.value } : { ok: false, message: outcome.error.message });
  }
}
