import { describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
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

describe("verdicts written in the background", () => {
  it("are written one flush after another: a flush resolves once every verdict before it is on disk, an earlier flush still writing", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "commune-verdicts-"));
    try {
      const cache = persistentVerdictCache(dataDir);
      await cache.ready;
      const versions = ["automerge:shard@a", "automerge:shard@b", "automerge:shard@c"];
      // As the host does after each command: a flush not awaited, then another before the first has written.
      verifiedVersionsIn(cache).add(versions[0]!);
      void cache.flush();
      verifiedVersionsIn(cache).add(versions[1]!);
      void cache.flush();
      verifiedVersionsIn(cache).add(versions[2]!);
      await cache.flush();

      // Three keys of 16 bytes, each whole on its boundary.
      expect((await readFile(join(dataDir, "verified-signatures.bin"))).length).toBe(48);
      const again = persistentVerdictCache(dataDir);
      await again.ready;
      expect(versions.map((version) => verifiedVersionsIn(again).has(version))).toEqual([true, true, true]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("verdicts the disk refuses", () => {
  it("do not fail the flush, and are written whole by the next flush the disk accepts", async () => {
    const parent = await mkdtemp(join(tmpdir(), "commune-verdicts-"));
    // A data directory that does not exist yet refuses every write, as a full or read-only disk would.
    const dataDir = join(parent, "not-yet");
    try {
      const cache = persistentVerdictCache(dataDir);
      await cache.ready;
      verifiedVersionsIn(cache).add("automerge:shard@a");
      await expect(cache.flush()).resolves.toBeUndefined();

      await mkdir(dataDir);
      verifiedVersionsIn(cache).add("automerge:shard@b");
      await cache.flush();
      // Two keys of 16 bytes, each on its boundary: a reader finds both.
      expect((await readFile(join(dataDir, "verified-signatures.bin"))).length).toBe(32);
      const again = persistentVerdictCache(dataDir);
      await again.ready;
      expect(verifiedVersionsIn(again).has("automerge:shard@a")).toBe(true);
      expect(verifiedVersionsIn(again).has("automerge:shard@b")).toBe(true);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
