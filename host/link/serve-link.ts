import { commandErrorOf, parseCommand, type CommandError, type CommandName, type CommandOutcome } from "../../shared/commands/commands";
import { parsePageCommand, withGrantedPath } from "../../shared/link/page-input";
import { isViewName, parseClientMessage, type HostMessage } from "../../shared/link/protocol";
import type { Host } from "../host";
import { FileGrants } from "./file-grants";
import { ViewSubscription } from "./view-subscription";

/**
 * The host's side of the front-end link (shared/link/protocol.ts) over one
 * text channel: the desktop app's MessagePort or a browser-mode WebSocket.
 * Everything that arrives is untrusted: a message that cannot be read is
 * answered with "refused" and the channel carries on. The front end is a
 * page, perhaps a compromised one: it never names a file on this machine
 * (shared/link/page-input.ts), only a grant main handed the host for a file
 * the member chose in the dialog, or the file's content.
 */
export interface HostChannel {
  send(text: string): void;
  onMessage(listener: (text: string) => void): () => void;
  onClose(listener: () => void): () => void;
}

export interface LinkLimits {
  /** Views one channel may watch at once. */
  maxSubscriptions: number;
  /** Commands one channel may have running at once. */
  maxPendingCommands: number;
  /** How long a view waits for more changes before it is computed again: a sync bringing many changes costs one recompute. */
  coalesceMs: number;
  /** How often sync.status is computed again: when a relay last confirmed everything changes without any document changing. */
  syncStatusEveryMs: number;
}

export interface LinkOptions extends Partial<LinkLimits> {
  /** The file grants of the desktop app's dialogs; browser mode has none, so every grant is unknown there. */
  grants?: FileGrants;
}

export const DEFAULT_LINK_LIMITS: LinkLimits = { maxSubscriptions: 200, maxPendingCommands: 100, coalesceMs: 30, syncStatusEveryMs: 5_000 };

const MAX_PROGRESS_LABEL = 200;

/** Serves one front end until the channel closes or the returned stop() is called. */
export function serveLink(host: Host, channel: HostChannel, options: LinkOptions = {}): () => void {
  const { maxSubscriptions, maxPendingCommands, coalesceMs, syncStatusEveryMs } = { ...DEFAULT_LINK_LIMITS, ...options };
  const grants = options.grants ?? new FileGrants();
  const subscriptions = new Map<number, ViewSubscription>();
  const followedNodes = new Map<string, () => void>();
  let pendingCommands = 0;
  let stopped = false;

  const send = (message: HostMessage) => {
    if (stopped) return;
    try {
      channel.send(JSON.stringify(message));
    } catch {
      // The channel is going away; its close ends this link.
    }
  };

  const refuse = (message: string) => send({ type: "refused", message });

  const runCommand = async (id: number, name: string, input: unknown) => {
    if (pendingCommands >= maxPendingCommands) {
      send({
        type: "result",
        id,
        outcome: {
          ok: false,
          error: { kind: "unavailable", code: "host.busy", message: `Too many commands at once (${maxPendingCommands}); wait for some to finish.` },
        },
      });
      return;
    }
    const command = parsePageCommand(name, input);
    if (!command.ok) return send({ type: "result", id, outcome: command });
    let hostInput = command.input;
    if (command.file) {
      const path = grants.take(command.file.grant, command.file.operation);
      if (!path.ok) return send({ type: "result", id, outcome: { ok: false, error: commandErrorOf(path.error) } });
      hostInput = withGrantedPath(command.file.command, command.input, path.value);
    }
    pendingCommands++;
    try {
      const outcome = pageResult(
        await host.run(command.name, hostInput, {
          onProgress: ({ done, total, label }) => {
            if (!Number.isFinite(done) || done < 0) return;
            send({
              type: "progress",
              id,
              done,
              ...(total !== undefined && Number.isFinite(total) && total >= 0 ? { total } : {}),
              label: label.slice(0, MAX_PROGRESS_LABEL),
            });
          },
        }),
      );
      send({ type: "result", id, outcome });
    } catch (error) {
      send({
        type: "result",
        id,
        outcome: {
          ok: false,
          error: {
            kind: "internal",
            code: "host.internal",
            message: `Something went wrong in the host: ${error instanceof Error ? error.message : String(error)}`,
          },
        },
      });
    } finally {
      pendingCommands--;
    }
  };

  const viewError = (id: number, error: CommandError) => send({ type: "view", id, outcome: { ok: false, error } });

  const unsubscribe = (id: number) => {
    subscriptions.get(id)?.stop();
    subscriptions.delete(id);
  };

  const subscribe = (id: number, name: string, input: unknown) => {
    unsubscribe(id);
    if (!isViewName(name))
      return viewError(id, {
        kind: "invalid-input",
        code: "view.unknown",
        message: `${JSON.stringify(name).slice(0, 60)} is not a view a front end can watch.`,
      });
    const parsed = parseCommand(name, input);
    if (!parsed.ok) return send({ type: "view", id, outcome: parsed });
    if (subscriptions.size >= maxSubscriptions) {
      return viewError(id, {
        kind: "unavailable",
        code: "view.tooMany",
        message: `Too many views open at once (${maxSubscriptions}); close some screens and try again.`,
      });
    }
    const subscription = new ViewSubscription({
      name,
      commune: communeOf(parsed.input),
      compute: () => host.run(name, parsed.input),
      push: (outcome: CommandOutcome<CommandName>) => send({ type: "view", id, outcome }),
      coalesceMs,
    });
    subscriptions.set(id, subscription);
    subscription.start();
  };

  const nodeChanged = (commune: string) => {
    for (const subscription of subscriptions.values()) {
      if (subscription.commune === commune || subscription.name === "commune.list") subscription.changed();
    }
  };

  const followNodes = () => {
    for (const [commune, node] of host.nodes) {
      if (!followedNodes.has(commune))
        followedNodes.set(
          commune,
          node.subscribe(() => nodeChanged(commune)),
        );
    }
  };

  const hostChanged = () => {
    followNodes();
    for (const subscription of subscriptions.values()) subscription.changed();
  };

  followNodes();
  const stopHost = host.onChange(hostChanged);
  const syncTimer = setInterval(() => {
    for (const subscription of subscriptions.values()) if (subscription.name === "sync.status") subscription.changed();
  }, syncStatusEveryMs);
  syncTimer.unref();

  const receive = (text: string) => {
    if (stopped) return;
    const parsed = parseClientMessage(text);
    if (!parsed.ok) return refuse(parsed.reason);
    const message = parsed.message;
    switch (message.type) {
      case "command":
        void runCommand(message.id, message.name, message.input);
        return;
      case "subscribe":
        subscribe(message.id, message.name, message.input);
        return;
      case "unsubscribe":
        unsubscribe(message.id);
        return;
    }
  };

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(syncTimer);
    stopHost();
    stopMessages();
    stopClose();
    for (const unfollow of followedNodes.values()) unfollow();
    followedNodes.clear();
    for (const subscription of subscriptions.values()) subscription.stop();
    subscriptions.clear();
  };

  const stopMessages = channel.onMessage((text) => {
    try {
      receive(text);
    } catch (error) {
      refuse(`The host could not handle that message: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const stopClose = channel.onClose(stop);
  return stop;
}

/** The page learns what it needs of a written file, not where on this machine it is. */
function pageResult(outcome: CommandOutcome<CommandName>): CommandOutcome<CommandName> {
  if (!outcome.ok || typeof outcome.value !== "object" || outcome.value === null || !("out" in outcome.value)) return outcome;
  const { out: _out, ...rest } = outcome.value;
  return { ok: true, value: rest } as CommandOutcome<CommandName>;
}

function communeOf(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null || !("commune" in input)) return undefined;
  return typeof input.commune === "string" ? input.commune : undefined;
}
