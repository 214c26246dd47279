/**
 * The only bridge between the page and the rest of the app. It runs
 * sandboxed (bundled to CommonJS, with only 'electron' left to require) and
 * exposes exactly the DesktopApi as `window.commune`.
 */
import { contextBridge, ipcRenderer } from "electron";
import { createDesktopApi, type LinkPort, type PreloadIpc } from "./desktop-bridge";
import { IPC } from "./ipc-channels";

/** The renderer's MessagePort, as far as the bridge uses it. */
interface RendererPort {
  postMessage(message: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}

const linkPort = (port: RendererPort): LinkPort => ({
  postMessage: (text) => port.postMessage(text),
  onMessage(listener) {
    port.addEventListener("message", (event) => listener(event.data));
    port.start();
  },
  close: () => port.close(),
});

const ipc: PreloadIpc = {
  requestLink: () => ipcRenderer.send(IPC.linkRequest),
  onLink: (listener) =>
    void ipcRenderer.on(IPC.link, (event) => {
      const port = event.ports[0] as unknown as RendererPort | undefined;
      if (port) listener(linkPort(port));
    }),
  onMenu: (listener) => void ipcRenderer.on(IPC.menu, (_event, command: unknown) => listener(command)),
  invoke: (channel, request) => ipcRenderer.invoke(channel, request),
};

contextBridge.exposeInMainWorld("commune", createDesktopApi(ipc));
