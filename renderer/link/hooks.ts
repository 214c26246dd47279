import { createContext, useCallback, useContext, useEffect, useState, useSyncExternalStore } from "react";
import type { CommandError, CommandName, CommandOutcome, CommandResults, PageCommandInput as CommandInput } from "../../shared/commands/commands";
import type { ViewName } from "../../shared/link/protocol";
import type { Link, LinkState, Progress } from "./link";

/** The one Link of this window, provided once at the root (main.tsx). */
export const LinkContext = createContext<Link | undefined>(undefined);

export function useLink(): Link {
  const link = useContext(LinkContext);
  if (!link) throw new Error("useLink outside <LinkContext.Provider>");
  return link;
}

/** Whether the host is reachable: "closed" means the host process is gone, not that relays are offline. */
export function useLinkState(): LinkState {
  const link = useLink();
  return useSyncExternalStore(
    (onChange) => link.onState(onChange),
    () => link.state,
  );
}

export interface ViewState<K extends ViewName> {
  /** The latest answer; kept while a newer one is on its way, so screens never flash empty. */
  value: CommandResults[K] | undefined;
  /** Set when the latest answer was an error. */
  error: CommandError | undefined;
  loading: boolean;
}

/**
 * A live view from the host: the answer to a read-only command, pushed again
 * whenever the commune changes. `input` is compared by value, so callers may
 * build it inline; pass `undefined` to subscribe to nothing (yet).
 */
export function useView<K extends ViewName>(name: K, input: CommandInput<K> | undefined): ViewState<K> {
  const link = useLink();
  const key = input === undefined ? undefined : JSON.stringify(input);
  const [state, setState] = useState<ViewState<K>>({ value: undefined, error: undefined, loading: true });
  useEffect(() => {
    if (key === undefined) return;
    setState((previous) => ({ ...previous, loading: true }));
    return link.subscribe(name, JSON.parse(key) as CommandInput<K>, (outcome: CommandOutcome<K>) => {
      setState((previous) =>
        outcome.ok ? { value: outcome.value, error: undefined, loading: false } : { value: previous.value, error: outcome.error, loading: false },
      );
    });
  }, [link, name, key]);
  return state;
}

export interface CommandState {
  running: boolean;
  error: CommandError | undefined;
  progress: Progress | undefined;
}

/**
 * Runs one kind of command and tracks it for the form that sends it: whether
 * it is running, its progress, and the last error in words for a person.
 * `run` resolves to the value, or undefined when the command failed (the
 * error is then in the state).
 */
export function useCommand<K extends CommandName>(name: K): [(input: CommandInput<K>) => Promise<CommandResults[K] | undefined>, CommandState, () => void] {
  const link = useLink();
  const [state, setState] = useState<CommandState>({ running: false, error: undefined, progress: undefined });
  const run = useCallback(
    async (input: CommandInput<K>) => {
      setState({ running: true, error: undefined, progress: undefined });
      const outcome = await link.command(name, input, (progress) => setState((s) => ({ ...s, progress })));
      setState({ running: false, error: outcome.ok ? undefined : outcome.error, progress: undefined });
      return outcome.ok ? outcome.value : undefined;
    },
    [link, name],
  );
  const clear = useCallback(() => setState({ running: false, error: undefined, progress: undefined }), []);
  return [run, state, clear];
}
