import type { MessagePortMain } from "electron";
import type { HostChannel } from "../../host/link/serve-link";

/**
 * A MessagePortMain seen as serveLink's text channel. Only strings pass:
 * anything else a port delivers is not a protocol message and is dropped here
 * (serveLink answers malformed text itself). Messages queue in the port until
 * the first listener starts it.
 */
export function portChannel(port: MessagePortMain): HostChannel {
  let started = false;
  return {
    send: (text) => port.postMessage(text),
    onMessage(listener) {
      const onMessage = (event: { data: unknown }) => {
        if (typeof event.data === "string") listener(event.data);
      };
      port.on("message", onMessage);
      if (!started) {
        started = true;
        port.start();
      }
      return () => port.off("message", onMessage);
    },
    onClose(listener) {
      port.on("close", listener);
      return () => port.off("close", listener);
    },
  };
}
