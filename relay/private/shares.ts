import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { publicKey } from "../../shared/docs/fields";
import { documentId } from "../../shared/privacy/headers";
import { writeAtomically } from "../atomic-file";

/**
 * The documents a private commune shares with partners on this relay
 * (docs/partners.md, "The relay serves a partner exactly what was
 * granted"): document id → the partner admission public key a partner's
 * socket proves. A member of the commune (admitted under a current epoch)
 * adds and drops them; the relay learns that a document and a key go
 * together, never which commune the key's holder is.
 */
export const MAX_SHARES = 256;

const sharesFile = z.strictObject({ version: z.literal(1), shares: z.record(documentId, publicKey) });

export class PartnerShares {
  readonly #path: string;
  readonly #shares: Map<string, string>;

  private constructor(path: string, shares: Map<string, string>) {
    this.#path = path;
    this.#shares = shares;
  }

  /** The commune's shares from `dir`; none when the file is missing, and none (not a guess) when it is unreadable. */
  static async load(dir: string): Promise<PartnerShares> {
    const path = join(dir, "shares.json");
    try {
      const parsed = sharesFile.safeParse(JSON.parse(await readFile(path, "utf8")));
      return new PartnerShares(path, new Map(parsed.success ? Object.entries(parsed.data.shares) : []));
    } catch {
      return new PartnerShares(path, new Map());
    }
  }

  admissionOf(document: string): string | undefined {
    return this.#shares.get(document);
  }

  get size(): number {
    return this.#shares.size;
  }

  /** Shares `document` with the holder of `admission` (a new share key replaces the old one); false when the commune has as many shares as a relay keeps. */
  async set(document: string, admission: string): Promise<boolean> {
    if (!this.#shares.has(document) && this.#shares.size >= MAX_SHARES) return false;
    this.#shares.set(document, admission);
    await this.#save();
    return true;
  }

  async drop(document: string): Promise<void> {
    if (!this.#shares.delete(document)) return;
    await this.#save();
  }

  async #save(): Promise<void> {
    await writeAtomically(this.#path, JSON.stringify({ version: 1, shares: Object.fromEntries(this.#shares) }, null, 2) + "\n");
  }
}
