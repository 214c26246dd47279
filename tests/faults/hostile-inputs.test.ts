import * as A from "@automerge/automerge";
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { beforeAll, describe, expect, it } from "vitest";
import { RawClient } from "../../relay/testing/relay-harness";
import { relayKeyOf } from "../../shared/sync/relay-handshake";
import { startMemberProcess, startRelayProcess, waitFor, type MemberProcess, type RelayProcess } from "../integration/processes";
import { BOUND_MIB, EUR, recordHostile, scratchFolders } from "./fault-harness";
import { PeakMemory, recordFaults } from "./fault-report";
import { inviteJson, mutateBackup, mutateInvite, mutateJson, sameInvite, sameMeaning, type Mutated } from "./hostile-files";
import { concat, inflateCborLength, mutateBytes, randomValue, SEED, seeded, type Random } from "./hostile-generator";
import { scaled, timeLimit } from "./scale";

/**
 * Hostile input, generated: what an attacker sends a relay (sync messages
 * with valid framing and broken content, from sockets that passed the
 * handshake with the commune's invite), and what anyone hands a member
 * (invites, JSON snapshots and backups, each mutated from a genuine one).
 * Nothing may crash a process, grow it past its bound, be accepted as
 * genuine, or change a balance. Seeded (./hostile-generator.ts): the seed
 * is printed, and COMMUNE_FAULTS_SEED replays it.
 */

const SYNC_MESSAGES = scaled(300, 10_000);
const ATTACKERS = 4;
const INVITES = scaled(40, 1_000);
const SNAPSHOTS = scaled(30, 1_000);
const BACKUPS = scaled(30, 1_000);
const dir = scratchFolders();
let relay: RelayProcess;
let ada: MemberProcess;
let bo: MemberProcess;
let cy: MemberProcess;
let commune: string;
/** What the relay logged as an error: each one is a handler that failed on something it was sent. */
const relayErrors: string[] = [];

const balancesOf = async (member: MemberProcess) => (await member.must("commune.show", { commune })).balances;
const alive = (process: { child: { exitCode: number | null; signalCode: NodeJS.Signals | null } }) =>
  process.child.exitCode === null && process.child.signalCode === null;

beforeAll(async () => {
  console.log(`hostile inputs: seed ${SEED} (COMMUNE_FAULTS_SEED=${SEED} runs the same inputs again)`);
  relay = await startRelayProcess(await dir("faults-relay"));
  createInterface({ input: relay.child.stdout! }).on("line", (line) => {
    if (line.includes('"event":"error"')) relayErrors.push(line);
  });
  [ada, bo, cy] = await Promise.all([
    startMemberProcess(await dir("faults-ada")),
    startMemberProcess(await dir("faults-bo")),
    startMemberProcess(await dir("faults-cy")),
  ]);
  await ada.must("identity.rename", { name: "Ada" });
  // Plaintext on purpose: the attackers pass the plaintext handshake with an invite's secret and send mutated Automerge sync messages.
  ({ commune } = await ada.must("commune.create", {
    name: "Riverside",
    currencies: [EUR],
    relays: [relay.url],
    rules: { spendLimit: { EUR: "50.00" } },
    private: false,
  }));
  for (let i = 1; i <= 5; i++) await ada.must("purse.contribute", { commune, amount: `${i}0.00`, currency: "EUR", memo: `gift ${i}` });
  await ada.must("purse.disburse", { commune, amount: "12.34", currency: "EUR", payee: { outside: "Bakery" } });
  await waitFor(async () => (await ada.must("sync.status", { commune })).waiting === 0 || undefined, "the relay to hold the commune");
  await bo.must("commune.join", { invite: (await ada.must("commune.invite", { commune })).invite, name: "Bo" });
  const adas = JSON.stringify((await balancesOf(ada)).purse);
  await waitFor(async () => JSON.stringify((await balancesOf(bo)).purse) === adas || undefined, "Bo to hold Ada's purse");
}, 180_000);

/** An attacker's socket through the relay's handshake with the commune's invite; `joined` false stops after the welcome. */
async function attackerSocket(random: Random, key: { commune: string; relayKey: string }, joined: boolean) {
  const client = new RawClient(relay.url);
  const me = `mallory-${Buffer.from(random.bytes(6)).toString("hex")}`;
  const { answer, challenge } = await client.handshake({ commune: key.commune, peerId: me, macKey: key.relayKey });
  if (answer?.type !== "welcome") throw new Error(`the relay did not admit the attacker: ${JSON.stringify(answer)}`);
  const relayPeerId = String(challenge.relayPeerId);
  if (joined) {
    client.send(cbor.encode({ type: "join", senderId: me, peerMetadata: {}, supportedProtocolVersions: ["1"] }));
    const peer = await client.decoded(2);
    if (peer.type !== "peer") throw new Error(`expected peer, got ${JSON.stringify(peer)}`);
  }
  return { client, me, relayPeerId };
}

type Template = { type: string; documentId: string; data: Uint8Array; extra?: Record<string, unknown> };

/** Genuine messages to break: the commune document's real history as the relay sends it, a first request, forged changes, presence. */
async function genuineMessages(key: { commune: string; relayKey: string }, communeDoc: string): Promise<Template[]> {
  const [, firstSync] = A.generateSyncMessage(A.init(), A.initSyncState());
  const harvest = await attackerSocket(seeded(9), key, true);
  harvest.client.send(cbor.encode({ type: "request", senderId: harvest.me, targetId: harvest.relayPeerId, documentId: communeDoc, data: firstSync }));
  await waitFor(
    async () => harvest.client.frames.some((frame) => frame.binary && (cbor.decode(frame.bytes) as { type?: string }).type === "sync") || undefined,
    "the relay to send the commune document",
  );
  const history = harvest.client.frames
    .flatMap((frame) => (frame.binary ? [cbor.decode(frame.bytes) as { type?: string; data?: unknown }] : []))
    .flatMap((message) => (message.type === "sync" && message.data instanceof Uint8Array ? [message.data] : []));
  await harvest.client.close();
  // Changes of the attacker's own making, a forged entry among them, offered as the commune's document and as a document of its own.
  const forged = A.change(A.from<{ entries: unknown[] }>({ entries: [] }), (doc) => void doc.entries.push({ amount: 1_000_00, memo: "forged" }));
  const [, forgedSync] = A.generateSyncMessage(forged, A.initSyncState());
  return [
    ...history.map((data) => ({ type: "sync", documentId: communeDoc, data })),
    { type: "request", documentId: communeDoc, data: firstSync! },
    { type: "sync", documentId: communeDoc, data: forgedSync! },
    { type: "sync", documentId: parseAutomergeUrl(generateAutomergeUrl()).documentId, data: forgedSync! },
    { type: "ephemeral", documentId: communeDoc, data: cbor.encode({ cursor: 3 }), extra: { sessionId: "s1", count: 1 } },
  ];
}

const MESSAGE_TYPES = [
  "sync",
  "request",
  "ephemeral",
  "doc-unavailable",
  "remote-heads-changed",
  "remote-subscription-change",
  "join",
  "peer",
  "leave",
  "error",
  "",
];

describe("generated hostile input", () => {
  it(
    `${SYNC_MESSAGES} mutated sync messages from ${ATTACKERS} attackers who passed the handshake with the invite: the relay stays up, logs no error, answers /health, stays bounded, and an honest entry still arrives`,
    async () => {
      const started = Date.now();
      const peaks = new PeakMemory();
      const stolen = JSON.parse(inviteJson((await ada.must("commune.invite", { commune })).invite)) as { commune: string; secret: string; doc: string };
      const key = { commune: stolen.commune, relayKey: relayKeyOf(stolen.secret) };
      const communeDoc = parseAutomergeUrl(stolen.doc as Parameters<typeof parseAutomergeUrl>[0]).documentId;
      const before = await balancesOf(bo);
      const templates = await genuineMessages(key, communeDoc);

      const closeReasons = new Map<string, number>();
      let sent = 0;
      let joinsBroken = 0;
      /** Each attacker sends every ATTACKERS-th message from a generator of its own, so a seed replays them whatever the timing. */
      const attacker = async (index: number) => {
        const random = seeded(10 + index);
        let socket = await attackerSocket(random, key, true);
        for (let n = index; n < SYNC_MESSAGES; n += ATTACKERS) {
          const template = random.pick(templates);
          const genuine = {
            type: template.type,
            senderId: socket.me,
            targetId: socket.relayPeerId,
            documentId: template.documentId,
            data: template.data,
            ...template.extra,
          };
          let frame: Uint8Array;
          let fresh: Awaited<ReturnType<typeof attackerSocket>> | undefined;
          switch (random.int(10)) {
            case 0:
              frame = mutateBytes(random, cbor.encode(genuine)).bytes;
              break;
            case 1:
            case 2:
              frame = cbor.encode({ ...genuine, data: mutateBytes(random, genuine.data).bytes });
              break;
            case 3: {
              const claimed = random.pick([genuine.data.length + 1, 2 ** 31, 2 ** 32 - 1]);
              frame = inflateCborLength(cbor.encode(genuine), genuine.data, claimed) ?? cbor.encode(genuine);
              break;
            }
            case 4:
              frame = cbor.encode({ ...genuine, type: random.pick(MESSAGE_TYPES) });
              break;
            case 5:
              frame = cbor.encode({ ...genuine, [random.pick(["type", "documentId", "data", "count", "sessionId"])]: randomValue(random, 2) });
              break;
            case 6:
              frame = cbor.encode(randomValue(random, 4));
              break;
            case 7:
              frame = concat(cbor.encode(genuine), cbor.encode(genuine));
              break;
            case 8:
              // A document id one mistake away from the commune's.
              frame = cbor.encode({ ...genuine, documentId: Buffer.from(mutateBytes(random, Buffer.from(genuine.documentId)).bytes).toString("utf8") });
              break;
            default: {
              // A join broken on its way in: on a socket welcomed but not yet joined.
              joinsBroken++;
              fresh = await attackerSocket(random, key, false);
              const join = { type: "join", senderId: fresh.me, peerMetadata: {}, supportedProtocolVersions: ["1"] };
              frame = random.chance(0.5)
                ? mutateBytes(random, cbor.encode(join)).bytes
                : cbor.encode({ ...join, [random.pick(["peerMetadata", "supportedProtocolVersions", "x"])]: randomValue(random, 2) });
            }
          }
          const target = fresh ?? socket;
          target.client.send(frame);
          sent++;
          await target.client.barrier();
          if (fresh) await fresh.client.close();
          if (socket.client.isClosed) {
            const { reason } = await socket.client.closed;
            closeReasons.set(reason, (closeReasons.get(reason) ?? 0) + 1);
            socket = await attackerSocket(random, key, true);
          }
          if (n % 100 < ATTACKERS) peaks.sample("relay", relay.child.pid);
        }
        await socket.client.close();
      };
      await Promise.all(Array.from({ length: ATTACKERS }, (_, index) => attacker(index)));

      const relayAlive = alive(relay);
      const health = await fetch(new URL("/health", relay.url.replace(/^ws/, "http")));
      // The attack changed no balance: only signed records do that.
      const untouched = [await balancesOf(ada), await balancesOf(bo)];
      await ada.must("purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "after the flood" });
      await waitFor(async () => (await balancesOf(bo)).purse.EUR === before.purse.EUR! + 100 || undefined, "Ada's honest entry to reach Bo", 60_000);
      const after = await balancesOf(bo);
      peaks.sample("relay", relay.child.pid);
      for (const member of [ada, bo]) peaks.sample("host", member.child.pid);
      const crashes = [relay, ada, bo].filter((process) => !alive(process)).length;
      const changed = [...untouched, { ...after, entries: { ...after.entries, counted: after.entries.counted - 1 } }].filter(
        (balances) => JSON.stringify(balances.entries) !== JSON.stringify(before.entries),
      ).length;
      console.log(
        `hostile inputs: ${sent} sync messages (${joinsBroken} broken joins) from ${ATTACKERS} attackers; closes by reason ${JSON.stringify(Object.fromEntries(closeReasons))}; relay errors logged ${relayErrors.length}; peaks ${JSON.stringify(peaks.peaks)} MiB`,
      );
      recordFaults({
        scenario: "mutated sync messages to the relay",
        faults: 0,
        entriesWritten: 1,
        entriesLost: 0,
        crashes,
        hostileTried: sent,
        hostileAccepted: changed,
        peakRssMiB: peaks.peaks,
        boundMiB: { ...BOUND_MIB },
        seconds: (Date.now() - started) / 1000,
      });
      expect(sent).toBe(SYNC_MESSAGES);
      expect({ relayAlive, health: health.status, crashes, relayErrors }).toEqual({ relayAlive: true, health: 200, crashes: 0, relayErrors: [] });
      expect(untouched.map((balances) => balances.purse)).toEqual([before.purse, before.purse]);
      expect(after.entries).toEqual({ ...before.entries, counted: before.entries.counted + 1 });
      expect(peaks.peaks.relay ?? 0).toBeLessThan(BOUND_MIB.relay);
      expect(peaks.peaks.host ?? 0).toBeLessThan(BOUND_MIB.host);
    },
    timeLimit(120_000, 1_800_000),
  );

  it(
    `${INVITES} mutated invites: each is refused with a reason, and no one joins`,
    async () => {
      const started = Date.now();
      const peaks = new PeakMemory();
      const random = seeded(2);
      const { invite } = await ada.must("commune.invite", { commune });
      let tried = 0;
      const accepted: string[] = [];
      const unexplained: string[] = [];
      const refusals = new Map<string, number>();
      while (tried < INVITES) {
        const mutated = mutateInvite(random, invite);
        // The same invite in other clothes (a space after it, a letter written as its escape) is not hostile: it is the invite.
        if (sameInvite(mutated, invite)) continue;
        tried++;
        const result = await cy.run("commune.join", { invite: mutated.value, name: "Mallory" });
        if (result.ok) accepted.push(mutated.how);
        else if (result.error.message.trim() === "") unexplained.push(mutated.how);
        else refusals.set(result.error.message, (refusals.get(result.error.message) ?? 0) + 1);
        if (tried % 50 === 0) peaks.sample("host", cy.child.pid);
      }
      const joined = await cy.must("commune.list", {});
      peaks.sample("host", cy.child.pid);
      const crashes = alive(cy) ? 0 : 1;
      console.log(`hostile inputs: ${tried} invites; refusals ${JSON.stringify(Object.fromEntries(refusals))}; peaks ${JSON.stringify(peaks.peaks)} MiB`);
      recordHostile("mutated invites", { tried, accepted: accepted.length + joined.length, crashes, started, peaks });
      expect({ accepted, unexplained, joined, crashes }).toEqual({ accepted: [], unexplained: [], joined: [], crashes: 0 });
      expect(peaks.peaks.host ?? 0).toBeLessThan(BOUND_MIB.host);
    },
    timeLimit(120_000, 900_000),
  );

  /**
   * Mutated files handed to Ada, as a file would be: saved where she keeps it, then verified and imported by
   * its path, as `commune verify` and `commune import` do. None may verify as anything but the genuine one,
   * none may import, and her purse stays as it was.
   */
  async function filesUnderAttack(format: "json" | "automerge", count: number) {
    const started = Date.now();
    const peaks = new PeakMemory();
    const random = seeded(format === "json" ? 3 : 4);
    const folder = await dir(`faults-${format}`);
    const genuinePath = join(folder, format === "json" ? "genuine.json" : "genuine.automerge");
    await ada.must("snapshot.export", { commune, format, out: genuinePath });
    const genuine = await readFile(genuinePath);
    const summary = await ada.must("snapshot.verify", { path: genuinePath });
    // A member's own backup imports as nothing new: what stays the same after it is what an attack may not move.
    if (format === "automerge") await ada.must("snapshot.import", { path: genuinePath });
    const before = await balancesOf(ada);
    const path = join(folder, format === "json" ? "handed.json" : "handed.automerge");

    let tried = 0;
    let harmless = 0;
    const accepted: string[] = [];
    const unexplained: string[] = [];
    const refusals = new Map<string, number>();
    while (tried < count) {
      let bytes: Uint8Array;
      let mutated: Mutated<unknown>;
      let hostile: boolean;
      if (format === "json") {
        const text = mutateJson(random, genuine.toString("utf8"));
        [bytes, mutated, hostile] = [Buffer.from(text.value, "utf8"), text, !sameMeaning(text, genuine.toString("utf8"))];
      } else {
        const backup = mutateBackup(random, genuine);
        [bytes, mutated, hostile] = [backup.value, backup, true];
      }
      if (genuine.equals(bytes)) continue;
      tried++;
      await writeFile(path, bytes);
      const verified = await ada.run("snapshot.verify", { path });
      if (verified.ok) {
        // Verified with nothing signed changed (the same commune, exporter, times and balances) is no acceptance; a key named twice always is.
        if (mutated.forcedHostile || (hostile && JSON.stringify(verified.value) !== JSON.stringify(summary))) accepted.push(`verify: ${mutated.how}`);
        else harmless++;
      } else if (verified.error.message.trim() === "") unexplained.push(`verify: ${mutated.how}`);
      else refusals.set(verified.error.code, (refusals.get(verified.error.code) ?? 0) + 1);
      const imported = await ada.run("snapshot.import", { path });
      if (imported.ok) {
        if (!verified.ok) accepted.push(`import of what verify refused: ${mutated.how}`);
        if (JSON.stringify(await balancesOf(ada)) !== JSON.stringify(before)) accepted.push(`import changed the purse: ${mutated.how}`);
      } else if (imported.error.message.trim() === "") unexplained.push(`import: ${mutated.how}`);
      if (tried % 25 === 0) peaks.sample("host", ada.child.pid);
    }
    const after = await balancesOf(ada);
    peaks.sample("host", ada.child.pid);
    const crashes = alive(ada) ? 0 : 1;
    if (JSON.stringify(after) !== JSON.stringify(before)) accepted.push("the purse changed");
    console.log(
      `hostile inputs: ${tried} ${format} files, ${harmless} verified as the genuine one; refusals ${JSON.stringify(Object.fromEntries(refusals))}; peaks ${JSON.stringify(peaks.peaks)} MiB`,
    );
    recordHostile(format === "json" ? "mutated JSON snapshots" : "mutated Automerge backups", { tried, accepted: accepted.length, crashes, started, peaks });
    expect({ accepted, unexplained, crashes }).toEqual({ accepted: [], unexplained: [], crashes: 0 });
    expect(after).toEqual(before);
    expect(peaks.peaks.host ?? 0).toBeLessThan(BOUND_MIB.host);
  }

  it(
    `${BACKUPS} mutated Automerge backups, each verified and imported: none verifies as something it is not, none imports, and the purse stays as it was`,
    () => filesUnderAttack("automerge", BACKUPS),
    timeLimit(120_000, 1_800_000),
  );

  it(
    `${SNAPSHOTS} mutated JSON snapshots, each verified and imported: none whose meaning changed verifies, none imports, and the purse stays as it was`,
    () => filesUnderAttack("json", SNAPSHOTS),
    timeLimit(120_000, 1_800_000),
  );
});
