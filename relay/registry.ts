import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { writeAtomically } from "./atomic-file";

/**
 * The communes this relay serves, persisted as registry.json:
 * commune id -> the relay key members must prove, and when it was registered.
 * An entry is never overwritten: the first registration of a commune stands.
 *
 * Every change rewrites the whole file atomically (a temporary file, synced,
 * then renamed over the old one), one write at a time, so a crash leaves
 * either the old registry or the new one, never half of one. Registrations
 * that arrive while a write is under way share the next one: a burst of them
 * costs two writes, not one each.
 */
export interface RegisteredCommune {
  relayKey: string;
  registeredAt: number;
  /**
   * When the commune moved to private here (docs/relay.md, "Moving existing
   * communes"): its plaintext documents were deleted, and the relay key is
   * kept only to tell a member who proves it that the commune is now private.
   */
  movedAt?: number;
}

const fileSchema = z.strictObject({
  version: z.literal(1),
  communes: z.record(
    z.string().regex(/^[0-9a-f]{32}$/),
    z.strictObject({
      relayKey: z.string().regex(/^[0-9a-f]{64}$/),
      registeredAt: z.number().int().nonnegative(),
      movedAt: z.number().int().nonnegative().optional(),
    }),
  ),
});

export class Registry {
  readonly #file: string;
  readonly #communes: Map<string, RegisteredCommune>;
  #writing: Promise<void> = Promise.resolve();
  /** The write that will start once the current one ends, taking every change made until then. */
  #next: Promise<void> | undefined;
  #writes = 0;

  private constructor(file: string, communes: Map<string, RegisteredCommune>) {
    this.#file = file;
    this.#communes = communes;
  }

  /** Reads the registry at `file`, or starts an empty one. A file that exists but does not parse throws: it is never silently replaced. */
  static async open(file: string): Promise<Registry> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Registry(file, new Map());
      throw error;
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${file} is not a relay registry: ${parsed.error.message}`);
    return new Registry(file, new Map(Object.entries(parsed.data.communes)));
  }

  get size(): number {
    return this.#communes.size;
  }

  get(commune: string): RegisteredCommune | undefined {
    return this.#communes.get(commune);
  }

  /**
   * Registers `commune` with `relayKey` and resolves once that is on disk.
   * "exists" when the commune was registered already (its entry is kept as it was).
   */
  async register(commune: string, relayKey: string, now = Date.now()): Promise<"registered" | "exists"> {
    if (this.#communes.has(commune)) return "exists";
    this.#communes.set(commune, { relayKey, registeredAt: now });
    try {
      await this.#save();
    } catch (error) {
      this.#communes.delete(commune);
      throw error;
    }
    return "registered";
  }

  /** Marks a commune moved to private, once; resolves once that is on disk. False when it is not registered here. */
  async markMoved(commune: string, now = Date.now()): Promise<boolean> {
    const known = this.#communes.get(commune);
    if (!known) return false;
    if (known.movedAt !== undefined) return true;
    this.#communes.set(commune, { ...known, movedAt: now });
    try {
      await this.#save();
    } catch (error) {
      this.#communes.set(commune, known);
      throw error;
    }
    return true;
  }

  /** Files written since the registry was opened. */
  get writes(): number {
    return this.#writes;
  }

  /** Resolves when every write started so far has finished. */
  async flush(): Promise<void> {
    await this.#writing.catch(() => {});
  }

  #save(): Promise<void> {
    if (this.#next) return this.#next;
    const write = this.#writing
      .catch(() => {})
      .then(() => {
        // From here on, a change waits for the write after this one: this one may have read the map already.
        this.#next = undefined;
        return this.#writeFile();
      });
    this.#next = write;
    this.#writing = write;
    return write;
  }

  async #writeFile(): Promise<void> {
    this.#writes++;
    const content = JSON.stringify({ version: 1, communes: Object.fromEntries(this.#communes) }, null, 2) + "\n";
    await mkdir(dirname(this.#file), { recursive: true, mode: 0o700 });
    // Relay keys let whoever reads them sync as a member: the file is readable by the relay's user only (0600).
    await writeAtomically(this.#file, content);
  }
}
