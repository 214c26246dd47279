import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { time } from "../../shared/docs/fields";
import { writeFileAtomic } from "../store/atomic-file";

const Saved = z.strictObject({ lastSynced: time });

/** How often, at most, a host that stays in sync rewrites the file; closing writes the latest. */
const REWRITE_EVERY_MS = 60_000;

/**
 * When everything last matched a relay, kept beside the commune's documents:
 * a host started later (the CLI's `status` while offline) says "Last synced
 * 3 minutes ago" instead of "never". A missing or unreadable file is only
 * "never": it is a convenience, not a record.
 */
export class LastSyncedFile {
  readonly #path: string;
  #saved: number | undefined;
  #pending: number | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string, communeId: string) {
    this.#path = join(dataDir, "communes", communeId, "last-synced.json");
  }

  /** Read once when the commune opens, before anything can ask for its status: a few bytes, so synchronously. */
  read(): number | undefined {
    try {
      const text = readFileSync(this.#path, "utf8");
      const saved = Saved.safeParse(JSON.parse(text));
      if (!saved.success) return undefined;
      this.#saved = saved.data.lastSynced;
      return this.#saved;
    } catch {
      return undefined;
    }
  }

  /** Notes a time everything matched a relay; written now if the file is a minute behind, else at the next write or at close. */
  remember(at: number): void {
    if (this.#saved !== undefined && at <= this.#saved) return;
    this.#pending = at;
    if (this.#saved === undefined || at - this.#saved >= REWRITE_EVERY_MS) void this.flush();
  }

  /** Writes what was remembered and not yet written; a failure to write is left for the next time (the file is a convenience). */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      const at = this.#pending;
      if (at === undefined || (this.#saved !== undefined && at <= this.#saved)) return;
      try {
        await writeFileAtomic(this.#path, `${JSON.stringify({ lastSynced: at })}\n`);
        this.#saved = at;
        if (this.#pending === at) this.#pending = undefined;
      } catch {
        // Left pending: the next remember or close tries again.
      }
    });
    return this.#writing;
  }
}
