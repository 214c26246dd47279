import type { DesktopApi } from "../../shared/link/desktop-api";
import type { Channel, LinkState } from "./link";

/** The desktop app's channel: the preload's `window.commune`, over a MessagePort to the host's utility process. */
export function desktopChannel(api: DesktopApi): Channel {
  return {
    send: (text) => api.send(text),
    onMessage: (listener) => api.onMessage(listener),
    // The port is open for the window's whole life: the main process hands it over before the page loads.
    onState: (listener: (state: LinkState) => void) => {
      queueMicrotask(() => listener("open"));
      return () => {};
    },
  };
}
