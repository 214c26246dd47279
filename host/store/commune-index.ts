import { join } from "node:path";
import { z } from "zod";
import { readFileIfExists, writeFileAtomic } from "./atomic-file";

/**
 * The communes this member belongs to, as only this machine knows them:
 * where each commune's document is, its secret (for relay admission) and the
 * relays to sync through. Mode 0600: the secrets are in here.
 */
export interface CommuneRecord {
  id: string;
  name: string;
  doc: string;
  secret: string;
  relays: string[];
  /**
   * Founded plaintext by choice (`commune create --plaintext`, for a relay
   * still on an older version): its founder's host does not move it to
   * private. A commune made before issue 13 has no such mark, and moves.
   */
  plaintext?: true;
  /**
   * Joined with an invite that named no epoch: founded plaintext by choice,
   * or made before issue 13, which this host cannot tell apart. It never
   * makes the first epoch of the relay-key route (docs/relay.md), so a
   * plaintext commune by choice stays so once its founder is gone; it adopts
   * a first epoch another member's host made.
   */
  joinedPlaintext?: true;
}

const indexSchema = z.strictObject({
  v: z.literal(1),
  communes: z.record(
    z.string(),
    z.strictObject({
      id: z.string(),
      name: z.string(),
      doc: z.string(),
      secret: z.string().regex(/^[0-9a-f]{64}$/),
      relays: z.array(z.string()),
      plaintext: z.literal(true).optional(),
      joinedPlaintext: z.literal(true).optional(),
    }),
  ),
});

export const indexPath = (dataDir: string) => join(dataDir, "communes.json");

export async function loadCommuneIndex(dataDir: string): Promise<Map<string, CommuneRecord>> {
  const text = await readFileIfExists(indexPath(dataDir));
  if (text === undefined) return new Map();
  try {
    return new Map(Object.entries(indexSchema.parse(JSON.parse(text)).communes));
  } catch {
    throw new Error(`${indexPath(dataDir)} is damaged. Restore it from a backup (it holds your communes' secrets).`);
  }
}

export async function saveCommuneIndex(dataDir: string, communes: ReadonlyMap<string, CommuneRecord>): Promise<void> {
  await writeFileAtomic(indexPath(dataDir), `${JSON.stringify({ v: 1, communes: Object.fromEntries(communes) }, null, 2)}\n`, 0o600);
}
