import { describe, expect, it } from "vitest";
import { parseClientMessage, type HostMessage } from "../../shared/link/protocol";
import { dueReminders, needsReminder, REMINDER_WINDOW_MS, type WatchedProposal } from "./deadline-reminders";
import { DeadlineWatcher } from "./deadline-watcher";
import { HostClient } from "./host-client";

const NOW = Date.UTC(2025, 5, 1, 12);
const minutes = (n: number) => n * 60_000;

const proposal = (overrides: Partial<WatchedProposal> = {}): WatchedProposal => ({
  id: "p1",
  title: "Buy a tractor",
  deadline: NOW + minutes(30),
  outcome: "open",
  ...overrides,
});

describe("which proposals get a reminder", () => {
  it("reminds me of an open proposal I have not voted on that closes within the hour", () => {
    expect(needsReminder(proposal(), NOW)).toBe(true);
    expect(needsReminder(proposal({ deadline: NOW + REMINDER_WINDOW_MS }), NOW)).toBe(true);
  });

  it.each([
    ["I have voted", proposal({ myVote: "yes" })],
    ["it is already decided", proposal({ outcome: "passed" })],
    ["it closes later than an hour from now", proposal({ deadline: NOW + REMINDER_WINDOW_MS + 1 })],
    ["it has closed", proposal({ deadline: NOW })],
  ])("does not remind me when %s", (_why, candidate) => {
    expect(needsReminder(candidate, NOW)).toBe(false);
  });

  it("names the commune and the time left, and skips what was already shown", () => {
    const communes = new Map([["c1", { name: "Oak Street", proposals: [proposal(), proposal({ id: "p2", title: "Paint the barn" })] }]]);
    const due = dueReminders(communes, NOW, new Set(["c1/p2"]));
    expect(due).toEqual([
      { key: "c1/p1", commune: "c1", title: "Vote closes in 30 minutes", body: 'Oak Street: "Buy a tractor" closes soon and you have not voted.' },
    ]);
  });
});

/** A host that answers subscriptions from a table the test can change, pushing again on change. */
class FakeHost {
  readonly views = new Map<string, unknown>();
  readonly #subscriptions = new Map<number, string>();
  #deliver: (text: string) => void = () => {};

  channel = {
    send: (text: string) => {
      const parsed = parseClientMessage(text);
      if (!parsed.ok) throw new Error(parsed.reason);
      const message = parsed.message;
      if (message.type === "unsubscribe") this.#subscriptions.delete(message.id);
      if (message.type !== "subscribe") return;
      const key = `${message.name} ${JSON.stringify(message.input)}`;
      this.#subscriptions.set(message.id, key);
      this.#push(message.id, key);
    },
    onMessage: (listener: (text: string) => void) => {
      this.#deliver = listener;
      return () => {};
    },
  };

  set(key: string, value: unknown) {
    this.views.set(key, value);
    for (const [id, subscribed] of this.#subscriptions) if (subscribed === key) this.#push(id, key);
  }

  raw(text: string) {
    this.#deliver(text);
  }

  get subscriptionCount() {
    return this.#subscriptions.size;
  }

  #push(id: number, key: string) {
    if (!this.views.has(key)) return;
    const message: HostMessage = { type: "view", id, outcome: { ok: true, value: this.views.get(key) as never } };
    this.#deliver(JSON.stringify(message));
  }
}

describe("the deadline watcher", () => {
  it("follows every commune's proposals and notifies once per proposal", () => {
    const host = new FakeHost();
    host.views.set("commune.list {}", [{ id: "c1", name: "Oak Street", status: "active" }]);
    host.views.set('proposal.list {"commune":"c1"}', [proposal({ deadline: NOW + minutes(90) })]);
    const shown: string[] = [];
    const watcher = new DeadlineWatcher(new HostClient(host.channel), { notify: (r) => shown.push(r.title), now: () => NOW, tickMs: 3_600_000 }, new Set());

    expect(shown).toEqual([]);
    host.set('proposal.list {"commune":"c1"}', [proposal({ deadline: NOW + minutes(45) })]);
    host.set('proposal.list {"commune":"c1"}', [proposal({ deadline: NOW + minutes(45), title: "Buy a tractor (edited)" })]);
    expect(shown).toEqual(["Vote closes in 45 minutes"]);

    host.set("commune.list {}", []);
    expect(host.subscriptionCount).toBe(1);
    watcher.close();
    expect(host.subscriptionCount).toBe(0);
  });

  it("ignores views and messages it cannot read", () => {
    const host = new FakeHost();
    host.views.set("commune.list {}", [{ id: "c1", name: "Oak Street", status: "active" }]);
    const shown: string[] = [];
    const watcher = new DeadlineWatcher(new HostClient(host.channel), { notify: (r) => shown.push(r.title), now: () => NOW, tickMs: 3_600_000 }, new Set());
    host.set('proposal.list {"commune":"c1"}', [{ id: 5, deadline: "soon" }]);
    host.raw("not json");
    host.raw(JSON.stringify({ type: "view", id: 2, outcome: { ok: true, value: [proposal()] }, extra: 1 }));
    expect(shown).toEqual([]);
    host.set('proposal.list {"commune":"c1"}', [proposal()]);
    expect(shown).toEqual(["Vote closes in 30 minutes"]);
    watcher.close();
  });

  it("tells me once of each notice about my entries, in Home's words", () => {
    const host = new FakeHost();
    host.views.set("commune.list {}", [{ id: "c1", name: "Oak Street", status: "active" }]);
    const shown: { title: string; body: string }[] = [];
    const watcher = new DeadlineWatcher(new HostClient(host.channel), { notify: (r) => shown.push(r), now: () => NOW, tickMs: 3_600_000 }, new Set());
    const notice = {
      id: "overdrawn:ab12",
      entry: "e1",
      status: "overdrawn",
      at: NOW,
      message: "Your payment of 80.00 EUR came out overdrawn.",
      advice: "Contribute it back.",
    };
    host.set('sync.status {"commune":"c1"}', { commune: "c1", relays: [], peers: 0, waiting: 0, notices: [notice] });
    host.set('sync.status {"commune":"c1"}', { commune: "c1", relays: [], peers: 1, waiting: 0, notices: [notice] });
    expect(shown).toEqual([
      expect.objectContaining({ title: "Oak Street: your payment did not count", body: "Your payment of 80.00 EUR came out overdrawn. Contribute it back." }),
    ]);
    watcher.close();
    expect(host.subscriptionCount).toBe(0);
  });
});
