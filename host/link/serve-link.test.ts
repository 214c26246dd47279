import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CommuneView, LedgerPage } from "../../shared/commands/views";
import { toStored } from "../../shared/docs/automerge-form";
import type { HostMessage } from "../../shared/link/protocol";
import { Host } from "../host";
import { serveLink, type HostChannel, type LinkLimits } from "./serve-link";
import { must, noRelays } from "../testing/host-harness";

const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const WAIT = { timeout: 20_000, interval: 5 };

/** A front end in memory: what it sent, what it got back. */
class MemoryChannel implements HostChannel {
  readonly received: HostMessage[] = [];
  #messageListeners = new Set<(text: string) => void>();
  #closeListeners = new Set<() => void>();

  send(text: string): void {
    this.received.push(JSON.parse(text) as HostMessage);
  }

  onMessage(listener: (text: string) => void): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  deliver(message: unknown): void {
    const text = typeof message === "string" ? message : JSON.stringify(message);
    for (const listener of this.#messageListeners) listener(text);
  }

  close(): void {
    for (const listener of [...this.#closeListeners]) listener();
  }

  get listening(): number {
    return this.#messageListeners.size + this.#closeListeners.size;
  }

  views(id: number) {
    return this.received.filter((message): message is Extract<HostMessage, { type: "view" }> => message.type === "view" && message.id === id);
  }

  async result(id: number) {
    return vi.waitFor(() => {
      const found = this.received.find((message) => message.type === "result" && message.id === id);
      if (!found || found.type !== "result") throw new Error(`no result ${id} yet`);
      return found.outcome;
    }, WAIT);
  }

  async viewCount(id: number, count: number) {
    await vi.waitFor(() => expect(this.views(id).length).toBeGreaterThanOrEqual(count), WAIT);
    return this.views(id);
  }
}

const dirs: string[] = [];
const hosts: Host[] = [];
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const host of hosts.splice(0)) await host.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function openHost() {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-link-"));
  dirs.push(dataDir);
  const host = await Host.open({ dataDir, links: noRelays });
  hosts.push(host);
  return host;
}

async function hostWithCommune() {
  const host = await openHost();
  await must(host, "identity.rename", { name: "Ada" });
  const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
  return { host, commune };
}

function connect(host: Host, limits: Partial<LinkLimits> = {}) {
  const channel = new MemoryChannel();
  stops.push(serveLink(host, channel, limits));
  return channel;
}

/**
 * Counts how often each view is computed, and can hold the next computation
 * of one view until released: a way to make changes arrive "while a
 * recompute is running" without depending on timing.
 */
function watchRuns(host: Host) {
  const real = host.run.bind(host);
  const started = new Map<string, number>();
  const finished = new Map<string, number>();
  let gate: { name: string; entered: () => void; release: Promise<void> } | undefined;
  host.run = async (name, input, options) => {
    const key = String(name);
    started.set(key, (started.get(key) ?? 0) + 1);
    if (gate && gate.name === key) {
      const held = gate;
      gate = undefined;
      held.entered();
      await held.release;
    }
    try {
      return await real(name, input, options);
    } finally {
      finished.set(key, (finished.get(key) ?? 0) + 1);
    }
  };
  return {
    started: (name: string) => started.get(name) ?? 0,
    finished: (name: string) => finished.get(name) ?? 0,
    /** Holds the next computation of `name`; resolves `entered` once it is held. */
    hold(name: string) {
      let release!: () => void;
      let entered!: () => void;
      const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
      gate = { name, entered, release: new Promise<void>((resolve) => (release = resolve)) };
      return { entered: enteredPromise, release };
    },
  };
}

const balanceOf = (message: { outcome: unknown }) => (message.outcome as { value: CommuneView }).value.balances.purse.EUR ?? 0;

describe("the host's side of the front-end link", () => {
  it("answers a command once, with the id it was sent with", async () => {
    const host = await openHost();
    const channel = connect(host);
    channel.deliver({ type: "command", id: 7, name: "identity.show", input: {} });
    const outcome = await channel.result(7);
    expect(outcome).toEqual({ ok: true, value: host.identityView() });
  });

  it("pushes commune.show again after a contribution made through another channel", async () => {
    const { host, commune } = await hostWithCommune();
    const watcher = connect(host);
    const writer = connect(host);
    watcher.deliver({ type: "subscribe", id: 1, name: "commune.show", input: { commune } });
    const [first] = await watcher.viewCount(1, 1);
    expect(balanceOf(first!)).toBe(0);

    writer.deliver({ type: "command", id: 1, name: "purse.contribute", input: { commune, amount: "12.50", currency: "EUR" } });
    expect(await writer.result(1)).toMatchObject({ ok: true });
    const views = await watcher.viewCount(1, 2);
    expect(balanceOf(views[1]!)).toBe(1250);
  });

  it("does not send a view again when it is computed again and comes out the same", async () => {
    const { host, commune } = await hostWithCommune();
    const runs = watchRuns(host);
    const channel = connect(host);
    channel.deliver({ type: "subscribe", id: 1, name: "commune.show", input: { commune } });
    await channel.viewCount(1, 1);
    const computed = runs.finished("commune.show");

    // A rename is a host-wide change: every view is computed again, and commune.show comes out the same.
    await must(host, "identity.rename", { name: "Ada Lovelace" });
    await vi.waitFor(() => expect(runs.finished("commune.show")).toBe(computed + 1), WAIT);
    expect(channel.views(1)).toHaveLength(1);
  });

  it("stops pushing a view once it is unsubscribed, and everything once the channel closes", async () => {
    const { host, commune } = await hostWithCommune();
    const channel = connect(host);
    const other = connect(host);
    channel.deliver({ type: "subscribe", id: 1, name: "commune.show", input: { commune } });
    channel.deliver({ type: "subscribe", id: 2, name: "commune.show", input: { commune } });
    other.deliver({ type: "subscribe", id: 1, name: "commune.show", input: { commune } });
    await channel.viewCount(1, 1);
    await channel.viewCount(2, 1);
    await other.viewCount(1, 1);

    channel.deliver({ type: "unsubscribe", id: 1 });
    await must(host, "purse.contribute", { commune, amount: "1", currency: "EUR" });
    await channel.viewCount(2, 2);
    expect(channel.views(1)).toHaveLength(1);

    channel.close();
    expect(channel.listening).toBe(0);
    await must(host, "purse.contribute", { commune, amount: "1", currency: "EUR" });
    await other.viewCount(1, 3);
    expect(channel.views(2)).toHaveLength(2);
  });

  it("answers garbage with refusals or errors, changes nothing, and keeps serving", async () => {
    const { host, commune } = await hostWithCommune();
    const channel = connect(host);
    channel.deliver("not json {");
    channel.deliver(JSON.stringify([1, 2, 3]));
    channel.deliver({ type: "command", id: "seven", name: "identity.show", input: {} });
    channel.deliver({ type: "command", id: 2 ** 60, name: "identity.show", input: {} });
    channel.deliver({ type: "command", id: -1, name: "identity.show", input: {} });
    channel.deliver({ type: "command", id: 1, name: "x".repeat(10_000), input: {} });
    channel.deliver({ type: "launch", id: 1 });
    channel.deliver({ type: "command", id: 1, name: "identity.show", input: {}, extra: true });
    await vi.waitFor(() => expect(channel.received.filter((m) => m.type === "refused")).toHaveLength(8), WAIT);

    channel.deliver({ type: "command", id: 10, name: "purse.steal", input: {} });
    expect(await channel.result(10)).toMatchObject({ ok: false, error: { kind: "invalid-input", message: expect.stringContaining("Unknown command") } });
    channel.deliver({ type: "command", id: 11, name: "purse.contribute", input: { commune, amount: "1", currency: "EUR", memo: 5 } });
    expect(await channel.result(11)).toMatchObject({ ok: false, error: { kind: "invalid-input" } });

    channel.deliver({ type: "subscribe", id: 12, name: "purse.contribute", input: { commune, amount: "1", currency: "EUR" } });
    channel.deliver({ type: "subscribe", id: 13, name: "commune.show", input: { commune: "nope" } });
    const [notAView] = await channel.viewCount(12, 1);
    const [badInput] = await channel.viewCount(13, 1);
    expect(notAView!.outcome).toMatchObject({ ok: false, error: { kind: "invalid-input", message: expect.stringContaining("not a view") } });
    expect(badInput!.outcome).toMatchObject({ ok: false, error: { kind: "invalid-input" } });

    const ledger = (await must(host, "purse.ledger", { commune })) as LedgerPage;
    expect(ledger.total).toBe(0);
    channel.deliver({ type: "command", id: 14, name: "identity.show", input: {} });
    expect(await channel.result(14)).toMatchObject({ ok: true, value: { name: "Ada" } });
  });

  it("refuses more views than its limit, with a message a person understands", async () => {
    const host = await openHost();
    const channel = connect(host, { maxSubscriptions: 2 });
    for (const id of [1, 2, 3]) channel.deliver({ type: "subscribe", id, name: "identity.show", input: {} });
    const [third] = await channel.viewCount(3, 1);
    expect(third!.outcome).toMatchObject({ ok: false, error: { kind: "unavailable", message: expect.stringContaining("Too many views") } });
    await channel.viewCount(1, 1);
    await channel.viewCount(2, 1);
    expect(channel.views(1)[0]!.outcome).toMatchObject({ ok: true });
  });

  it("computes a view once more, not once per write, when writes arrive while it is being computed", async () => {
    const { host, commune } = await hostWithCommune();
    const runs = watchRuns(host);
    const channel = connect(host);
    channel.deliver({ type: "subscribe", id: 1, name: "commune.show", input: { commune } });
    await channel.viewCount(1, 1);
    const before = runs.started("commune.show");

    const held = runs.hold("commune.show");
    await must(host, "purse.contribute", { commune, amount: "1", currency: "EUR" });
    await held.entered;
    const writes = 20;
    for (let i = 1; i < writes; i++) await must(host, "purse.contribute", { commune, amount: "1", currency: "EUR" });
    held.release();

    await vi.waitFor(() => expect(runs.finished("commune.show")).toBe(before + 2), WAIT);
    const views = channel.views(1);
    // One push for the held computation (it ran after all 20 writes), none for the identical one after it.
    expect(views).toHaveLength(2);
    expect(balanceOf(views[1]!)).toBe(writes * 100);
    expect(runs.started("commune.show")).toBe(before + 2);
  });

  it("computes a view once for a burst of document changes in one go, like a sync bringing many changes", async () => {
    const { host, commune } = await hostWithCommune();
    const runs = watchRuns(host);
    const channel = connect(host);
    channel.deliver({ type: "subscribe", id: 1, name: "commune.show", input: { commune } });
    await channel.viewCount(1, 1);
    const before = runs.finished("commune.show");

    const node = host.nodes.get(commune)!;
    for (let i = 0; i < 300; i++) {
      node.docs.commune.change((doc) => {
        doc.relays.splice(0, doc.relays.length, toStored(`wss://relay-${i}.example`));
      });
    }
    await vi.waitFor(() => expect(runs.finished("commune.show")).toBe(before + 1), WAIT);
    // A later change is still followed: the burst did not leave the view stuck.
    await must(host, "purse.contribute", { commune, amount: "3", currency: "EUR" });
    await vi.waitFor(() => expect(balanceOf(channel.views(1).at(-1)!)).toBe(300), WAIT);
    expect(runs.finished("commune.show")).toBeLessThanOrEqual(before + 3);
  });

  it("follows communes created after the channel opened, and lists them", async () => {
    const host = await openHost();
    await must(host, "identity.rename", { name: "Ada" });
    const channel = connect(host);
    channel.deliver({ type: "subscribe", id: 1, name: "commune.list", input: {} });
    const [empty] = await channel.viewCount(1, 1);
    expect(empty!.outcome).toEqual({ ok: true, value: [] });

    const { commune } = await must(host, "commune.create", { name: "Riverside", currencies: [EUR] });
    const lists = await channel.viewCount(1, 2);
    expect(lists[1]!.outcome).toMatchObject({ ok: true, value: [{ id: commune, name: "Riverside" }] });

    channel.deliver({ type: "subscribe", id: 2, name: "commune.show", input: { commune } });
    await channel.viewCount(2, 1);
    await must(host, "purse.contribute", { commune, amount: "2", currency: "EUR" });
    const shown = await channel.viewCount(2, 2);
    expect(balanceOf(shown[1]!)).toBe(200);
  });

  it("pushes host.info when the embedded relay starts", async () => {
    const host = await openHost();
    const channel = connect(host);
    channel.deliver({ type: "subscribe", id: 1, name: "host.info", input: {} });
    const [first] = await channel.viewCount(1, 1);
    expect(first!.outcome).toMatchObject({ ok: true, value: { dataDir: host.dataDir } });
    expect((first!.outcome as { value: object }).value).not.toHaveProperty("embeddedRelay");

    channel.deliver({ type: "command", id: 2, name: "relay.host", input: { port: 0 } });
    expect(await channel.result(2)).toMatchObject({ ok: true, value: { url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/) } });
    const views = await channel.viewCount(1, 2);
    expect(views[1]!.outcome).toMatchObject({ ok: true, value: { embeddedRelay: { lan: false, lanUrls: [] } } });
  });

  it("reports progress of long commands under the command's id", async () => {
    const { host, commune } = await hostWithCommune();
    await must(host, "purse.contribute", { commune, amount: "1", currency: "EUR" });
    const real = host.run.bind(host);
    host.run = (name, input, options) => {
      options?.onProgress?.({ done: 1, total: 2, label: "half way ".repeat(100) });
      options?.onProgress?.({ done: Number.NaN, label: "nonsense" });
      return real(name, input, options);
    };
    const channel = connect(host);
    channel.deliver({ type: "command", id: 3, name: "snapshot.export", input: { commune, format: "csv" } });
    expect(await channel.result(3)).toMatchObject({ ok: true });
    const progress = channel.received.filter((message) => message.type === "progress") as { id: number; done: number; total?: number; label: string }[];
    // The injected report (label cut to 200), then the export's own three steps; the malformed one never leaves.
    expect(progress[0]).toMatchObject({ id: 3, done: 1, total: 2 });
    expect(progress[0]!.label.length).toBe(200);
    expect(progress.slice(1).map((p) => [p.id, p.done, p.total])).toEqual([
      [3, 0, 3],
      [3, 1, 3],
      [3, 2, 3],
    ]);
    expect(progress.some((p) => p.label === "nonsense")).toBe(false);
  });
});
