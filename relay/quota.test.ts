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
const QUOTA = { maxDocumentsPerCommune: 30, maxBytesPerCommune: 4 * MiB, maxOperationsPerCommune: 1_500_000 };

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
      quota: {
        maxDocumentsPerCommune: 30,
        maxBytesPerCommune: 4 * MiB,
        maxOperationsPerCommune: 1_500_000,
        largestCommune: { bytes: stored.bytes, documents: stored.documents },
      },
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

  /**
   * Issue 15, found by the fault suite: Automerge stores a plain string one
   * operation per character and run-length encodes the repeats, so a change
   * of about 2 KB carries two million operations. Four of them took a relay
   * to 2.8 GiB, with nothing near the byte quota.
   */
  describe("an admitted member's strings of millions of characters", () => {
    interface Scratch {
      text?: string;
      parts: string[];
    }

    it("are refused before the relay's Repo holds them, and the honest member's next change still arrives", async () => {
      const { relay } = await relayWithQuota();
      const valley = makeCommune(33, "Valley");
      const ada = member(relay, valley, true);
      await ada.connected();
      const bo = member(relay, valley);
      await bo.connected();
      const adaLedger = ada.repo.create<Ledger>({ entries: ["first"] });
      await ada.syncedWithRelay(adaLedger);
      const boLedger = await bo.repo.find<Ledger>(adaLedger.url);

      const attacker = member(relay, valley);
      await attacker.connected();
      const scratch = attacker.repo.create<Scratch>({ parts: [] });
      // Sent as a change, or as the whole document when the relay has none of it: refused either way.
      scratch.change((doc) => void (doc.text = "t".repeat(2_000_000)));
      await waitFor("the relay to refuse the inflated string", () =>
        attacker.statuses.some((status) => / 1,000,000 Automerge operations| 100,000 Automerge operations/.test(status.reason ?? "")),
      );
      expect(relay.stats().quota.largestCommune.operations).toBeLessThan(100_000);

      adaLedger.change((doc) => void doc.entries.push("after the inflated string"));
      await waitFor("Bo to receive Ada's change", () => boLedger.doc().entries.includes("after the inflated string"));
    });

    it("stop at the document's limit when sent as many changes each under the change limit, and at the commune's quota across documents", async () => {
      const { relay } = await relayWithQuota();
      const meadow = makeCommune(34, "Meadow");
      const attacker = member(relay, meadow, true);
      await attacker.connected();
      const scratch = attacker.repo.create<Scratch>({ parts: [] });
      // Each change is just under the limit of one change; eleven of them would pass the limit of one document.
      for (let index = 0; index < 11; index++) scratch.change((doc) => void doc.parts.push("t".repeat(99_000)));
      await waitFor("the relay to refuse the document's growth", () =>
        attacker.statuses.some((status) => status.reason?.includes("1,000,000 Automerge operations")),
      );
      expect(relay.stats().quota.largestCommune.operations).toBeLessThanOrEqual(1_000_000);

      const again = member(relay, meadow);
      await again.connected();
      for (let document = 0; document < 3; document++) {
        const more = again.repo.create<Scratch>({ parts: [] });
        for (let index = 0; index < 8; index++) more.change((doc) => void doc.parts.push("t".repeat(99_000)));
      }
      await waitFor("the relay to refuse the commune's growth", () =>
        again.statuses.some((status) => status.reason?.includes("this commune has reached this relay's limit of 1,500,000 Automerge operations")),
      );
      expect(relay.stats().quota.largestCommune.operations).toBeLessThanOrEqual(QUOTA.maxOperationsPerCommune);
    });
  });
});
