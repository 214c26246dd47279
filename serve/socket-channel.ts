import WebSocket from "ws";
import type { HostChannel } from "../host/link/serve-link";

/**
 * One browser-mode WebSocket as a link channel. The protocol is text only: a
 * binary frame is answered with a refusal and goes no further.
 */
export function socketChannel(socket: WebSocket): HostChannel {
  return {
    send(text) {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    onMessage(listener) {
      const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
        if (isBinary) {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "refused", message: "The link carries text messages only." }));
          return;
        }
        listener(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString("utf8"));
      };
      socket.on("message", onMessage);
      return () => socket.off("message", onMessage);
    },
    onClose(listener) {
      const onClose = () => listener();
      socket.on("close", onClose);
      return () => socket.off("close", onClose);
    },
  };
}
