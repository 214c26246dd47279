import { join } from "node:path";
import { z } from "zod";
import type { CommuneView, PurseHistoryView } from "../../shared/commands/views";
import { readFileIfExists, writeFileAtomic } from "../store/atomic-file";

/**
 * The last computed view of a commune, on disk beside its documents, so a
 * large commune shows its balances the moment it opens while its purse
 * shards are still loading. Keyed by the heads of the documents loaded
 * before the view is shown; a mismatch means the view is stale and is not
 * used. Written at most once a second and on close.
 */
export interface SavedView {
  base: string;
  view: CommuneView;
  /** The purse's balance over time in every currency, at SAVED_HISTORY_POINTS points: the purse screen's chart. */
  history?: PurseHistoryView[];
}

/** The number of points the purse screen asks for; other requests wait for the purse to load. */
export const SAVED_HISTORY_POINTS = 200;

/** What `write` is given: the history is computed only when the file is written (at most once a second), not on every view. */
export interface ViewToSave {
  base: string;
  view: CommuneView;
  history: () => PurseHistoryView[];
}

// Our own file, but checked enough that a damaged one is ignored rather than shown.
const savedViewSchema = z.object({
  base: z.string(),
  view: z.looseObject({
    id: z.string(),
    name: z.string(),
    balances: z.looseObject({ purse: z.record(z.string(), z.number()), members: z.array(z.looseObject({})) }),
    proposals: z.array(z.looseObject({})),
    problems: z.array(z.looseObject({})),
  }),
  history: z.array(z.object({ currency: z.string(), points: z.array(z.object({ at: z.number(), balance: z.number() })) })).optional(),
});

export class ViewCache {
  readonly #path: string;
  #pending: ViewToSave | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string, communeId: string) {
    this.#path = join(dataDir, "communes", communeId, "view-cache.json");
  }

  #read: Promise<SavedView | undefined> | undefined;

  /**
   * The view saved last, read from disk once: the first read starts when the
   * commune opens, before its shards start loading and taking turns of the
   * event loop, so the first commune.show finds it read. Later reads see
   * what was written since.
   */
  read(): Promise<SavedView | undefined> {
    this.#read ??= this.#readFile();
    return this.#read;
  }

  async #readFile(): Promise<SavedView | undefined> {
    try {
      const text = await readFileIfExists(this.#path);
      if (text === undefined) return undefined;
      const parsed = savedViewSchema.safeParse(JSON.parse(text));
      return parsed.success ? (parsed.data as unknown as SavedView) : undefined;
    } catch {
      // A damaged cache is only a missed shortcut: the views are recomputed.
      return undefined;
    }
  }

  write(saved: ViewToSave): void {
    this.#pending = saved;
    this.#read = Promise.resolve({ base: saved.base, view: saved.view });
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, 1000);
  }

  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) {
      const saved: SavedView = { base: pending.base, view: pending.view, history: pending.history() };
      this.#read = Promise.resolve(saved);
      this.#writing = this.#writing.then(() => writeFileAtomic(this.#path, JSON.stringify(saved), 0o600)).catch(() => undefined);
    }
    await this.#writing;
  }
}
