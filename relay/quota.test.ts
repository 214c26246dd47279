import { randomBytes } from "node:crypto";
import type { DocHandle } from "@automerge/automerge-repo";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RunningRelay } from "./relay";
import { makeCommune, startMember, tempDir, waitFor, type Member } from "./testing/relay-harness";

/**
 * Issue 15: "A member created 25 documents of 4 MiB that belong to no
 * commune: all stored, relay at 724 MiB (kept in memory)." The attacker here
 * is an admitted member of a real commune, doing the same through its own
 * Repo; the operator set a quota of 4 MiB and 30 documents per commune.
 * (automerge-repo's NodeFS storage keeps every chunk it writes in memory, so
 * the bytes stored are the memory the attack costs the relay.)
 */
const MiB = 1024 * 1024;
const QUOTA = { maxDocumentsPerCommune: 30, maxBytesPerCommune: 4 * MiB };

interface Blob {
  bytes: Uint8Array;
}
interface Ledger {
  entries: string[];
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayWithQuota(): Promise<{ relay: RunningRelay; health: () => Promise<{ ok: boolean; quota: unknown }> }> {
  const data = await tempDir();
  const relay = await startRelay({ port: 0, dataDir: data.path, limits: QUOTA, log: () => {} });
  cleanups.push(
    () => data.remove(),
    () => relay.close(),
  );
  const http = relay.url.replace(/^ws/, "http");
  return { relay, health: async () => (await fetch(`${http}/health`)).json() as Promise<{ ok: boolean; quota: unknown }> };
}

function member(relay: RunningRelay, commune: ReturnType<typeof makeCommune>, register = false): Member {
  const joined = startMember(relay.url, commune, { register });
  cleanups.push(() => joined.stop());
  return joined;
}

describe("a commune's quota on the relay", () => {
  it("stops an admitted member's 25 documents of 1 MiB at the quota's bytes, says why, and still serves what is stored", async () => {
    const { relay, health } = await relayWithQuota();
    const riverside = makeCommune(31, "Riverside");
    const ada = member(relay, riverside, true);
    await ada.connected();
    const bo = member(relay, riverside);
    await bo.connected();
    const adaLedger = ada.repo.create<Ledger>({ entries: ["first"] });
    await ada.syncedWithRelay(adaLedger);
    const boLedger = await bo.repo.find<Ledger>(adaLedger.url);
    adaLedger.change((doc) => void doc.entries.push("before the flood"));
    await waitFor("Bo to receive Ada's change", () => boLedger.doc().entries.includes("before the flood"));

    const attacker = member(relay, riverside);
    await attacker.connected();
    const blobs: DocHandle<Blob>[] = [];
    for (let i = 0; i < 25; i++) blobs.push(attacker.repo.create<Blob>({ bytes: new Uint8Array(randomBytes(MiB)) }));
    await waitFor("the relay to refuse the attacker's growth", () =>
      attacker.statuses.some((status) => status.reason?.includes("this commune has reached this relay's limit of 4 MB stored")),
    );

    const stored = relay.stats().quota.largestCommune;
    // Past the quota only the message that crossed it was stored: one document's worth at most.
    expect(stored.bytes).toBeLessThanOrEqual(QUOTA.maxBytesPerCommune + 1.1 * MiB);
    expect(stored.documents).toBeLessThanOrEqual(QUOTA.maxDocumentsPerCommune);

    // Reading goes on, and a change with no new bytes past the quota is refused too: a member learns why.
    adaLedger.change((doc) => void doc.entries.push("after the quota"));
    await waitFor(
      "Bo to receive Ada's change",
      () => boLedger.doc().entries.includes("after the quota") || ada.statuses.some((s) => s.reason?.includes("limit of 4 MB")),
      5_000,
    );
    expect(await health()).toMatchObject({
      ok: true,
      quota: { maxDocumentsPerCommune: 30, maxBytesPerCommune: 4 * MiB, largestCommune: { bytes: stored.bytes, documents: stored.documents } },
    });
  });

  it("stops a member's 40 small documents at the quota's count", async () => {
    const { relay } = await relayWithQuota();
    const hillside = makeCommune(32, "Hillside");
    const attacker = member(relay, hillside, true);
    await attacker.connected();
    for (let i = 0; i < 40; i++) attacker.repo.create<Ledger>({ entries: [`note ${i}`] });
    await waitFor("the relay to refuse the 31st document", () =>
      attacker.statuses.some((status) => status.reason?.includes("this commune has reached this relay's limit of 30 documents")),
    );
    expect(relay.stats().quota.largestCommune.documents).toBeLessThanOrEqual(QUOTA.maxDocumentsPerCommune);
  });
});
