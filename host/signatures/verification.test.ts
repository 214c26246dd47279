import { describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { persistentVerdictCache, verifiedVersionsIn } from "./verification";

describe("verdicts for whole document versions", () => {
  it("are remembered across opens of the same data directory, and only for the version found sound", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-verdicts-"));
    try {
      const first = persistentVerdictCache(dataDir);
      await first.ready;
      expect(verifiedVersionsIn(first).has("automerge:shard@a,b")).toBe(false);
      verifiedVersionsIn(first).add("automerge:shard@a,b");
      await first.flush();

      const second = persistentVerdictCache(dataDir);
      const verifiedVersions = verifiedVersionsIn(second);
      // Read in the background, so the host shows its saved views first.
      await second.ready;
      expect(verifiedVersions.has("automerge:shard@a,b")).toBe(true);
      expect(verifiedVersions.has("automerge:shard@a,b,c")).toBe(false);
      expect(verifiedVersions.has("automerge:other@a,b")).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
