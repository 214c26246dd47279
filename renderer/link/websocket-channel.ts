import type { Channel, LinkState } from "./link";

/**
 * Browser mode's channel: a WebSocket to the `npm run serve` host on the
 * page's own origin, carrying the per-run token the host printed in the
 * page's URL (#token=...). It reconnects with a growing pause when the host
 * goes away, so a restarted host is picked up without reloading.
 */
export function websocketChannel(location: { host: string; protocol: string; hash: string }, token: string): Channel {
  const messageListeners = new Set<(text: string) => void>();
  const stateListeners = new Set<(state: LinkState) => void>();
  let socket: WebSocket | undefined;
  let pause = 250;
  let queue: string[] = [];
  let refusedInARow = 0;

  const setState = (state: LinkState) => {
    for (const listener of stateListeners) listener(state);
  };

  const connect = () => {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/link?token=${encodeURIComponent(token)}`);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      refusedInARow = 0;
      pause = 250;
      const waiting = queue;
      queue = [];
      for (const text of waiting) ws.send(text);
      setState("open");
    };
    ws.onmessage = (event) => {
      if (typeof event.data === "string") for (const listener of messageListeners) listener(event.data);
    };
    ws.onclose = () => {
      socket = undefined;
      const retry = () => {
        setTimeout(connect, pause);
        pause = Math.min(pause * 2, 5_000);
      };
      if (!opened) refusedInARow++;
      if (refusedInARow < 2) {
        setState("closed");
        return retry();
      }
      // The socket never opens again. Either the host is gone, or it answers and refuses this page's token: it was restarted with a new one.
      void hostAnswers(location).then((answers) => {
        setState(answers ? "stale" : "closed");
        retry();
      });
    };
  };
  connect();

  return {
    send(text) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}

/** Whether the page's own origin still serves the app (a plain request, which needs no token). */
async function hostAnswers(location: { host: string; protocol: string }): Promise<boolean> {
  try {
    const response = await fetch(`${location.protocol}//${location.host}/`, { method: "HEAD", cache: "no-store" });
    return response.ok;
  } catch {
    return false;
  }
}

/** The token browser mode put in the page's URL, or undefined when the page was opened without one. */
export function tokenFromHash(hash: string): string | undefined {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token");
  return token && /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : undefined;
}
