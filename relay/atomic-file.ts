import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";

/** A temporary file, fsync'd, renamed over the old one: a crash leaves the old file or the new, never half of one. */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const handle = await open(temporary, "w", 0o600);
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
