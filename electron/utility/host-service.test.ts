import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseHostMessage, type ClientMessage } from "../../shared/link/protocol";
import { startDaemon } from "../../host/daemon";
import { readLock } from "../../host/store/data-lock";
import type { HostChannel } from "../../host/link/serve-link";
import { serveLink } from "../../host/link/serve-link";
import { FileGrants } from "../../host/link/file-grants";
import { runHostService, type ParentLink } from "./host-service";
import type { FromHostProcess } from "./parent-messages";
import { noRelays } from "../../host/testing/host-harness";

/** One end of a page's link, as the host process sees it; like a MessagePort, it queues until someone listens. */
class PageChannel implements HostChannel {
  readonly received: string[] = [];
  #queued: string[] = [];
  #listeners = new Set<(text: string) => void>();
  #closers = new Set<() => void>();
  #waiters: (() => void)[] = [];
  send(text: string) {
    this.received.push(text);
    for (const wake of this.#waiters.splice(0)) wake();
  }
  onMessage(listener: (text: string) => void) {
    this.#listeners.add(listener);
    for (const text of this.#queued.splice(0)) listener(text);
    return () => void this.#listeners.delete(listener);
  }
  onClose(listener: () => void) {
    this.#closers.add(listener);
    return () => void this.#closers.delete(listener);
  }
  fromPage(message: ClientMessage) {
    const text = JSON.stringify(message);
    if (this.#listeners.size === 0) this.#queued.push(text);
    for (const listener of this.#listeners) listener(text);
  }
  async answer(id: number) {
    for (;;) {
      for (const text of this.received) {
        const parsed = parseHostMessage(text);
        if (parsed.ok && "id" in parsed.message && parsed.message.id === id) return parsed.message;
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
}

class FakeParent implements ParentLink {
  readonly posted: FromHostProcess[] = [];
  #listener: (data: unknown, channels: HostChannel[]) => void = () => {};
  #waiters: (() => void)[] = [];
  onMessage(listener: (data: unknown, channels: HostChannel[]) => void) {
    this.#listener = listener;
  }
  post(message: FromHostProcess) {
    this.posted.push(message);
    for (const wake of this.#waiters.splice(0)) wake();
  }
  fromMain(data: unknown, channels: HostChannel[] = []) {
    this.#listener(data, channels);
  }
  async next(): Promise<FromHostProcess> {
    while (this.posted.length === 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.posted.shift()!;
  }
}

describe("the host's utility process", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "commune-host-service-"));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  function run(parent: FakeParent) {
    let exited: (code: number) => void = () => {};
    const exit = new Promise<number>((resolve) => (exited = resolve));
    const service = runHostService(parent, {
      start: () => startDaemon({ dataDir, links: noRelays }),
      serve: (host, channel, grants) => serveLink(host, channel, { grants }),
      grants: new FileGrants(),
      exit: (code) => exited(code),
    });
    return { service, exit };
  }

  it("serves a page that connected before the host was open, holds the data directory, and releases it on stop", async () => {
    const parent = new FakeParent();
    const { exit } = run(parent);
    const page = new PageChannel();
    parent.fromMain({ type: "connect" }, [page]);
    page.fromPage({ type: "command", id: 1, name: "identity.rename", input: { name: "Ada" } });

    expect(await parent.next()).toEqual({ type: "ready", dataDir });
    expect((await readLock(dataDir))?.pid).toBe(process.pid);
    const renamed = await page.answer(1);
    expect(renamed).toMatchObject({ type: "result", outcome: { ok: true, value: { name: "Ada" } } });

    parent.fromMain({ type: "stop" });
    expect(await exit).toBe(0);
    expect(await readLock(dataDir)).toBeUndefined();
  });

  it("ignores what it cannot read from the main process", async () => {
    const parent = new FakeParent();
    const { service, exit } = run(parent);
    parent.fromMain("connect");
    parent.fromMain({ type: "connect", extra: 1 }, [new PageChannel()]);
    parent.fromMain({ type: "connect" }, []);
    expect(await parent.next()).toEqual({ type: "ready", dataDir });
    await service.stop();
    expect(await exit).toBe(0);
  });

  it("says why when the host cannot start, and serves nothing", async () => {
    const held = await startDaemon({ dataDir, links: noRelays });
    if (!held.ok) throw new Error(held.error.message);
    try {
      const parent = new FakeParent();
      const { service, exit } = run(parent);
      const page = new PageChannel();
      parent.fromMain({ type: "connect" }, [page]);
      const message = await parent.next();
      expect(message.type).toBe("failed");
      expect(message.type === "failed" && message.message).toMatch(/already running/);
      expect(page.received).toEqual([]);
      await service.stop();
      expect(await exit).toBe(0);
    } finally {
      await held.value.stop();
    }
  });

  it("holds the file grants main hands over, for the page's link to use once", async () => {
    const parent = new FakeParent();
    const { service, exit } = run(parent);
    expect(await parent.next()).toEqual({ type: "ready", dataDir });
    const page = new PageChannel();
    parent.fromMain({ type: "connect" }, [page]);
    const grant = "G".repeat(43);
    const snapshot = join(dataDir, "nothing-here.json");
    parent.fromMain({ type: "grant", grant, operation: "open", path: snapshot });
    expect(await parent.next()).toEqual({ type: "granted", grant, ok: true });
    parent.fromMain({ type: "grant", grant, operation: "save", path: snapshot });
    expect(await parent.next()).toEqual({ type: "granted", grant, ok: false });
    // The grant reads its file once (here there is none to read), and is spent.
    page.fromPage({ type: "command", id: 1, name: "snapshot.verify", input: { grant } });
    expect(await page.answer(1)).toMatchObject({ type: "result", outcome: { ok: false, error: { code: "file.unreadable" } } });
    page.fromPage({ type: "command", id: 2, name: "snapshot.verify", input: { grant } });
    expect(await page.answer(2)).toMatchObject({ type: "result", outcome: { ok: false, error: { code: "grant.unknown" } } });
    await service.stop();
    expect(await exit).toBe(0);
  });
});
