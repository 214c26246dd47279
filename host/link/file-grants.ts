import { FILE_GRANT, type FileOperation } from "../../shared/commands/commands";
import { fail, ok, type Result } from "../../shared/result";

/**
 * The files a page may have the host read or write, as capabilities: the
 * desktop app's main process shows the native dialog, picks a random grant
 * for the file the member chose and hands the host (grant, operation, path)
 * over its own channel, which no page reaches; the page receives only the
 * grant. A grant is good once, for its operation ("save" for an export,
 * "open" for verify and import), for a few minutes. A page that invents,
 * replays or repurposes one gets a refusal and nothing is read or written.
 */
export interface FileGrantsOptions {
  now?: () => number;
  /** How long a grant stays good after the dialog closed. */
  ttlMs?: number;
  /** Grants held at once; the oldest goes when another arrives, so a flood stays bounded. */
  max?: number;
}

interface Held {
  operation: FileOperation;
  path: string;
  expiresAt: number;
}

export const GRANT_TTL_MS = 5 * 60_000;

const CHOOSE_AGAIN = "choose the file in the dialog again.";

export class FileGrants {
  readonly #held = new Map<string, Held>();
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(options: FileGrantsOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlMs ?? GRANT_TTL_MS;
    this.#max = options.max ?? 64;
  }

  get size(): number {
    return this.#held.size;
  }

  /** Main's grant for a file the member chose. A grant that is malformed or already held is refused: main picks a fresh random one. */
  add(grant: string, operation: FileOperation, path: string): Result<void> {
    if (!FILE_GRANT.test(grant)) return fail("grant.malformed", "A file grant is 32 random bytes in base64url.");
    if (this.#held.has(grant)) return fail("grant.duplicate", "That file grant is already held.");
    if (path.length === 0 || path.includes("\0")) return fail("grant.badPath", "A file grant needs the chosen file's path.");
    const now = this.#now();
    for (const [key, held] of this.#held) if (held.expiresAt <= now) this.#held.delete(key);
    while (this.#held.size >= this.#max) {
      const oldest = this.#held.keys().next();
      if (oldest.done) break;
      this.#held.delete(oldest.value);
    }
    this.#held.set(grant, { operation, path, expiresAt: now + this.#ttlMs });
    return ok(undefined);
  }

  /** The chosen file's path, once: whatever the answer, the grant is gone afterwards. */
  take(grant: string, operation: FileOperation): Result<string> {
    const held = this.#held.get(grant);
    this.#held.delete(grant);
    if (!held)
      return fail("grant.unknown", `That file choice is not known here (it was used already, or never made in the app's dialog); ${CHOOSE_AGAIN}`, {
        field: "grant",
      });
    if (held.expiresAt <= this.#now())
      return fail("grant.expired", `That file choice was made more than ${Math.round(this.#ttlMs / 60_000)} minutes ago; ${CHOOSE_AGAIN}`, {
        field: "grant",
      });
    if (held.operation !== operation)
      return fail(
        "grant.wrongUse",
        `That file was chosen to be ${held.operation === "save" ? "written" : "read"}, not ${operation === "save" ? "written" : "read"}; ${CHOOSE_AGAIN}`,
        { field: "grant" },
      );
    return ok(held.path);
  }
}
