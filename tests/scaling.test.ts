import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { untilBalances, openHost } from "../bench/host-probe";
import { copyDataDir, fixture, type Fixture } from "../bench/synthetic";

/**
 * Opening a commune must grow with its size, not faster: ten times the
 * entries may cost at most ten times the signature verifications and the
 * Automerge document reads. Counts, not seconds (speed is npm run bench).
 */
const scratch = await mkdtemp(join(tmpdir(), "commune-scaling-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));

interface OpenCost {
  verifications: number;
  /** Storage chunks read from the commune's repo directory (each one an Automerge load of a document or of its changes). */
  reads: number;
  documents: number;
}

async function openCost(f: Fixture, name: string): Promise<OpenCost> {
  const dir = await copyDataDir(f.template, join(scratch, name));
  const repoDir = join(dir, "communes", f.communeId, "repo");
  const readFile = fs.promises.readFile;
  let reads = 0;
  fs.promises.readFile = ((path: Parameters<typeof readFile>[0], ...rest: unknown[]) => {
    if (String(path).startsWith(repoDir)) reads++;
    return (readFile as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof readFile;
  try {
    const host = await openHost(dir);
    await untilBalances(host, f.communeId, f.purse, 120_000);
    const documents = host.nodes.get(f.communeId)!.docs.allHandles().length;
    // The host counts the verifications made with its crypto, from its start.
    const verifications = host.crypto.verifications();
    await host.close();
    return { verifications, reads, documents };
  } finally {
    fs.promises.readFile = readFile;
  }
}

describe("opening a commune scales with its purse", () => {
  it("does no more than 10x the signature verifications and document reads for 10x the entries", async () => {
    const small = await fixture({ entries: 1_000, members: 10, seed: 7 }, join(scratch, "fixtures"));
    const large = await fixture({ entries: 10_000, members: 10, seed: 7 }, join(scratch, "fixtures"));
    const one = await openCost(small, "small");
    const ten = await openCost(large, "large");
    expect(one.verifications).toBeGreaterThanOrEqual(1_000);
    expect(ten.verifications).toBeLessThanOrEqual(10 * one.verifications);
    expect(one.reads).toBeGreaterThan(0);
    expect(ten.reads).toBeLessThanOrEqual(10 * one.reads);
    expect(ten.documents).toBeLessThanOrEqual(10 * one.documents);
  });
});
