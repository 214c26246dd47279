import {
  communeListView,
  dueReminders,
  noticeReminders,
  proposalListView,
  syncStatusNotices,
  type Reminder,
  type WatchedNotice,
  type WatchedProposal,
} from "./deadline-reminders";
import type { HostClient } from "./host-client";

/**
 * Keeps the main process's view of every commune's proposals (commune.list,
 * then proposal.list and sync.status per commune, pushed by the host on
 * change) and raises each due reminder once: a vote closing soon, and a
 * notice about one of my entries (a payment that lost a race). A minute tick catches proposals that enter the last
 * hour without any change to the documents.
 */
export interface WatcherOptions {
  notify(reminder: Reminder): void;
  now?: () => number;
  tickMs?: number;
}

export class DeadlineWatcher {
  readonly #client: HostClient;
  readonly #options: WatcherOptions;
  readonly #communes = new Map<string, { name: string; proposals: WatchedProposal[]; notices: WatchedNotice[]; stop: () => void }>();
  readonly #shown: Set<string>;
  readonly #stopList: () => void;
  readonly #timer: ReturnType<typeof setInterval>;

  /** `shown` is shared across watchers, so a host restart does not announce a proposal twice. */
  constructor(client: HostClient, options: WatcherOptions, shown: Set<string>) {
    this.#client = client;
    this.#options = options;
    this.#shown = shown;
    this.#stopList = client.subscribe("commune.list", {}, (update) => {
      if (!update.ok) return;
      const communes = communeListView.safeParse(update.value);
      if (communes.success) this.#follow(communes.data);
    });
    this.#timer = setInterval(() => this.#check(), options.tickMs ?? 60_000);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#stopList();
    for (const commune of this.#communes.values()) commune.stop();
    this.#communes.clear();
  }

  #follow(communes: { id: string; name: string }[]): void {
    const ids = new Set(communes.map((commune) => commune.id));
    for (const [id, watched] of this.#communes) {
      if (ids.has(id)) continue;
      watched.stop();
      this.#communes.delete(id);
    }
    for (const { id, name } of communes) {
      const known = this.#communes.get(id);
      if (known) {
        known.name = name;
        continue;
      }
      const watched = { name, proposals: [] as WatchedProposal[], notices: [] as WatchedNotice[], stop: () => {} };
      this.#communes.set(id, watched);
      const stopProposals = this.#client.subscribe("proposal.list", { commune: id }, (update) => {
        if (!update.ok) return;
        const proposals = proposalListView.safeParse(update.value);
        if (!proposals.success) return;
        watched.proposals = proposals.data;
        this.#check();
      });
      const stopStatus = this.#client.subscribe("sync.status", { commune: id }, (update) => {
        if (!update.ok) return;
        const status = syncStatusNotices.safeParse(update.value);
        if (!status.success) return;
        watched.notices = status.data.notices;
        this.#check();
      });
      watched.stop = () => {
        stopProposals();
        stopStatus();
      };
    }
  }

  #check(): void {
    const now = (this.#options.now ?? Date.now)();
    for (const reminder of [...dueReminders(this.#communes, now, this.#shown), ...noticeReminders(this.#communes, this.#shown)]) {
      this.#shown.add(reminder.key);
      this.#options.notify(reminder);
    }
  }
}
