import { Repo, type AutomergeUrl } from "@automerge/automerge-repo";
import { beforeAll, describe, expect, it } from "vitest";
import { RelayClientAdapter } from "../../host/sync/relay-client";
import { randomPeerId } from "../../relay/testing/relay-harness";
import { fromStored } from "../../shared/docs/automerge-form";
import { INFLATION_LIMITS } from "../../shared/sync/automerge-chunks";
import { relayKeyOf } from "../../shared/sync/relay-handshake";
import { startMemberProcess, startRelayProcess, waitFor, type MemberProcess, type RelayProcess } from "../integration/processes";
import { EUR, recordHostile, scratchFolders } from "./fault-harness";
import { PeakMemory } from "./fault-report";
import { scaled, timeLimit } from "./scale";

/**
 * Issue 15, found by the fault suite on 2026-12-05: Automerge stores a plain
 * string one operation per character and run-length encodes the repeats, so
 * a change of about 2 KB carries two million operations. Four of them, sent
 * through a real relay by an invite holder, took the relay to 2,836 MiB and
 * a member's host to 6,614 MiB, and Bo's next change took 369 s to reach Ada.
 * Each is now refused unread for its operations, and a document or commune
 * grown one change at a time stops at its limit (shared/sync/automerge-chunks.ts).
 */

const dir = scratchFolders();
let relay: RelayProcess;
let ada: MemberProcess;
let bo: MemberProcess;
let commune: string;
const peaks = new PeakMemory();

const PREFIX = "commune-invite:";
/** The invite's JSON: an attacker who was sent one reads everything in it. */
const inviteJson = (invite: string) => JSON.parse(Buffer.from(invite.slice(PREFIX.length), "base64url").toString("utf8")) as Record<string, string>;
const purseOf = async (member: MemberProcess) => (await member.must("commune.show", { commune })).balances.purse;
const alive = (process: { child: { exitCode: number | null; signalCode: NodeJS.Signals | null } }) =>
  process.child.exitCode === null && process.child.signalCode === null;

beforeAll(async () => {
  relay = await startRelayProcess(await dir("inflated-relay"));
  [ada, bo] = await Promise.all([startMemberProcess(await dir("inflated-ada")), startMemberProcess(await dir("inflated-bo"))]);
  await ada.must("identity.rename", { name: "Ada" });
  // Plaintext on purpose: the attacker is a plaintext relay client with an invite's secret, sending changes through the relay's Automerge sync.
  ({ commune } = await ada.must("commune.create", { name: "Riverside", currencies: [EUR], relays: [relay.url], private: false }));
  const { invite } = await ada.must("commune.invite", { commune });
  await bo.must("commune.join", { invite, name: "Bo" });
}, 180_000);

describe("an invite holder's strings of millions of characters, through a real relay", () => {
  it(
    "are refused unread, a document grown one change at a time stops at its limit, every process stays under its bound, and Bo's next change reaches Ada",
    async () => {
      const started = Date.now();
      const sample = () => {
        peaks.sample("relay", relay.child.pid);
        for (const member of [ada, bo]) peaks.sample("host", member.child.pid);
      };
      const monitor = setInterval(sample, 250);
      const { invite } = await ada.must("commune.invite", { commune });
      const stolen = inviteJson(invite);
      const refusals: string[] = [];
      /** The attacker's own Repo on the relay, as an invite holder: a fresh one each time, since a refused change stays in the Repo that made it. */
      const attackerRepo = () => {
        const adapter = new RelayClientAdapter({
          url: relay.url,
          commune: stolen.commune!,
          relayKey: relayKeyOf(stolen.secret!),
          reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
        });
        adapter.onStatus((status) => void (status.reason && refusals.push(status.reason)));
        return new Repo({ network: [adapter], peerId: randomPeerId("mallory") });
      };
      const proposalsOf = async (repo: Repo) => {
        const communeDoc = await repo.find<Record<string, unknown>>(stolen.doc as AutomergeUrl);
        const { docs } = fromStored(communeDoc.doc()) as { docs: { proposals: string } };
        // The document every member loads, so a host that let them in would hold them too.
        return repo.find<{ proposals: Record<string, unknown> }>(docs.proposals as AutomergeUrl);
      };
      const huge = scaled(4, 8);
      const nearLimit = Math.ceil(INFLATION_LIMITS.documentOps / 95_000) + 1;
      const strings = attackerRepo();
      try {
        const proposals = await proposalsOf(strings);
        for (let index = 0; index < huge; index++) proposals.change((doc) => void (doc.proposals[`inflated-${index}`] = { title: "t".repeat(2_000_000) }));
        await waitFor(async () => refusals.some((reason) => reason.includes("Automerge operations")) || undefined, "the relay to refuse the strings", 60_000);
      } finally {
        await strings.shutdown();
      }
      const refusedStrings = refusals.splice(0);
      const growth = attackerRepo();
      try {
        // One change under the limit of a change at a time, each synced before the next, until the document is full.
        const proposals = await proposalsOf(growth);
        for (let index = 0; index < nearLimit && !refusals.some((reason) => reason.includes("1,000,000 Automerge operations")); index++) {
          proposals.change((doc) => void (doc.proposals[`grown-${index}`] = { title: "t".repeat(95_000) }));
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        await waitFor(
          async () => refusals.some((reason) => reason.includes("1,000,000 Automerge operations")) || undefined,
          "the relay to refuse the document's growth",
          60_000,
        );
      } finally {
        await growth.shutdown();
      }

      // What the relay now holds of the commune: the document grown to its limit, which every host syncs too.
      const health = (await (await fetch(`${relay.url.replace(/^ws/, "http")}/health`)).json()) as { quota: { largestCommune: { operations: number } } };
      const held = health.quota.largestCommune.operations;
      // Near the limit: within two changes of it, since on a busy machine two changes can leave in one sync message, refused whole.
      expect(held).toBeGreaterThan(INFLATION_LIMITS.documentOps - 2 * 95_000);

      const before = await purseOf(bo);
      await bo.must("purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "after the inflated strings" });
      const expected = { ...before, EUR: (before.EUR ?? 0) + 100 };
      await waitFor(async () => JSON.stringify(await purseOf(ada)) === JSON.stringify(expected) || undefined, "Ada to receive Bo's change", 120_000);
      clearInterval(monitor);
      sample();
      const crashes = [relay, ada, bo].filter((process) => !alive(process)).length;
      console.log(
        `inflated strings: ${huge} sent, refused with "${refusedStrings[0]}"; the growth refused with "${refusals[0]}"; relay holds ${held} operations; peaks ${JSON.stringify(peaks.peaks)} MiB`,
      );
      // Tried: each huge string, and the growth past the document's limit (the changes under it are within every limit, and hosts load them).
      recordHostile("inflated Automerge strings through the relay", { tried: huge + 1, accepted: 0, crashes, started, peaks });
      expect(crashes).toBe(0);
      expect(peaks.peaks.relay ?? 0).toBeLessThan(512);
      expect(peaks.peaks.host ?? 0).toBeLessThan(1_024);
    },
    timeLimit(240_000, 600_000),
  );
});
