import { describe, expect, it } from "vitest";
import { createDesktopApi, type LinkPort, type PreloadIpc } from "./desktop-bridge";
import { IPC } from "./ipc-channels";

class FakePort implements LinkPort {
  readonly posted: string[] = [];
  closed = false;
  #listener: (data: unknown) => void = () => {};
  postMessage(text: string) {
    this.posted.push(text);
  }
  onMessage(listener: (data: unknown) => void) {
    this.#listener = listener;
  }
  close() {
    this.closed = true;
  }
  fromHost(data: unknown) {
    this.#listener(data);
  }
}

class FakeIpc implements PreloadIpc {
  requests = 0;
  readonly invoked: { channel: string; request: unknown }[] = [];
  answer: unknown = undefined;
  #onLink: (port: LinkPort) => void = () => {};
  #onMenu: (command: unknown) => void = () => {};
  requestLink() {
    this.requests++;
  }
  onLink(listener: (port: LinkPort) => void) {
    this.#onLink = listener;
  }
  onMenu(listener: (command: unknown) => void) {
    this.#onMenu = listener;
  }
  async invoke(channel: string, request: unknown) {
    this.invoked.push({ channel, request });
    return this.answer;
  }
  link(port: LinkPort) {
    this.#onLink(port);
  }
  menu(command: unknown) {
    this.#onMenu(command);
  }
}

describe("window.commune", () => {
  it("asks for its link once, and holds messages until the port arrives, in order", () => {
    const ipc = new FakeIpc();
    const api = createDesktopApi(ipc);
    expect(ipc.requests).toBe(1);
    api.send("first");
    api.send("second");
    const port = new FakePort();
    ipc.link(port);
    api.send("third");
    expect(port.posted).toEqual(["first", "second", "third"]);
  });

  it("passes the host's text messages to every listener until it is removed, and drops anything else", () => {
    const ipc = new FakeIpc();
    const api = createDesktopApi(ipc);
    const port = new FakePort();
    ipc.link(port);
    const heard: string[] = [];
    const stop = api.onMessage((text) => heard.push(text));
    port.fromHost('{"type":"refused","message":"x"}');
    port.fromHost({ type: "view" });
    port.fromHost(new Uint8Array([1]));
    stop();
    port.fromHost("after stop");
    expect(heard).toEqual(['{"type":"refused","message":"x"}']);
  });

  it("moves to a new port and closes the old one", () => {
    const ipc = new FakeIpc();
    const api = createDesktopApi(ipc);
    const old = new FakePort();
    const fresh = new FakePort();
    ipc.link(old);
    ipc.link(fresh);
    api.send("hello");
    expect(old.closed).toBe(true);
    expect(fresh.posted).toEqual(["hello"]);
  });

  it("refuses non-text messages and non-function listeners with a clear error", () => {
    const api = createDesktopApi(new FakeIpc());
    expect(() => api.send({ type: "command" } as unknown as string)).toThrow("A message to the host must be text.");
    expect(() => api.onMessage("listener" as unknown as () => void)).toThrow("The listener must be a function.");
  });

  it("asks main for dialogs and links, and hands the page only a grant and a file name, or undefined", async () => {
    const ipc = new FakeIpc();
    const api = createDesktopApi(ipc);
    const grant = "g".repeat(43);
    ipc.answer = { grant, name: "purse.json", path: "/home/ada/purse.json" };
    expect(await api.chooseSaveFile({ title: "Export", defaultName: "purse.json", extensions: ["json"] })).toEqual({ grant, name: "purse.json" });
    ipc.answer = "/etc/passwd";
    expect(await api.chooseOpenFile({ title: "Import", extensions: ["json"] })).toBeUndefined();
    await api.openExternal("https://example.org");
    expect(ipc.invoked.map((call) => call.channel)).toEqual([IPC.chooseSaveFile, IPC.chooseOpenFile, IPC.openExternal]);
  });

  it("passes on the menu's commands and nothing else", () => {
    const ipc = new FakeIpc();
    const api = createDesktopApi(ipc);
    const heard: string[] = [];
    api.onMenuCommand?.((command) => heard.push(command));
    ipc.menu("export-purse");
    ipc.menu("rm -rf");
    ipc.menu({ command: "import-snapshot" });
    ipc.menu("import-snapshot");
    expect(heard).toEqual(["export-purse", "import-snapshot"]);
  });

  it("cannot be changed by the page", () => {
    const api = createDesktopApi(new FakeIpc());
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual(["chooseOpenFile", "chooseSaveFile", "onMenuCommand", "onMessage", "openExternal", "platform", "send"]);
  });
});
