import { join } from "node:path";
import { z } from "zod";
import type { CommuneView } from "../../../shared/commands/views";
import { readFileIfExists, writeFileAtomic } from "../atomic-file";

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
});

export class ViewCache {
  readonly #path: string;
  #pending: SavedView | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string, communeId: string) {
    this.#path = join(dataDir, "communes", communeId, "view-cache.json");
  }

  async read(): Promise<SavedView | undefined> {
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

  write(saved: SavedView): void {
    this.#pending = saved;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, 1000);
  }

  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const saved = this.#pending;
    this.#pending = undefined;
    if (saved) this.#writing = this.#writing.then(() => writeFileAtomic(this.#path, JSON.stringify(saved), 0o600)).catch(() => undefined);
    await this.#writing;
  }
}
