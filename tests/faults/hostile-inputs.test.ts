import * as A from "@automerge/automerge";
import { cbor, parseAutomergeUrl } from "@automerge/automerge-repo";
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { CommandName, CommandOutcome } from "../../shared/commands/commands";
import { nobleCrypto } from "../../shared/identity/crypto";
import { readInvite } from "../../shared/invite/invite";
import { relayKeyOf } from "../../shared/sync/relay-handshake";
import { RawClient } from "../../relay/testing/relay-harness";
import { startMemberProcess, startRelayProcess, waitFor, type MemberProcess, type RelayProcess } from "../integration/processes";
import { BOUND_MIB, EUR, recordHostile, scratchFolders } from "./fault-harness";
import { PeakMemory, recordFaults } from "./fault-report";
import { SEED, seeded } from "./hostile-generator";
import { scaled, timeLimit } from "./scale";

/**
 * Hostile input, generated: what an attacker sends a relay (sync messages
 * with valid framing and broken content, from a socket that passed the
 * handshake with the commune's invite), and what anyone hands a member
 * (invites, JSON snapshots and backups, each mutated from a genuine one).
 * Nothing may crash a process, grow it past its bound, be accepted as
 * genuine, or change a balance.
 */

const SYNC_MESSAGES = scaled(300, 10_000);
const INVITES = scaled(40, 1_000);
const SNAPSHOTS = scaled(30, 1_000);
const IMPORTS = scaled(10, 50);
const dir = scratchFolders();
let relay: RelayProcess;
let ada: MemberProcess;
let bo: MemberProcess;
let commune: string;
let invite: string;
const peaks = new PeakMemory();

const random = seeded(0);
const below = (n: number) => random.int(n);

/** One random change to a byte string: flip, cut, insert, duplicate a slice, or overwrite a run. */
function mutate(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  if (copy.length === 0) return Uint8Array.of(below(256));
  const at = below(copy.length);
  switch (below(5)) {
    case 0:
      copy[at] = copy[at]! ^ (1 << below(8));
      return copy;
    case 1:
      return copy.subarray(0, at);
    case 2:
      return Uint8Array.from([...copy.subarray(0, at), ...random.bytes(1 + below(16)), ...copy.subarray(at)]);
    case 3:
      return Uint8Array.from([...copy.subarray(0, at), ...copy.subarray(at, at + 1 + below(64)), ...copy.subarray(at)]);
    default:
      for (let i = at; i < Math.min(copy.length, at + 1 + below(32)); i++) copy[i] = below(256);
      return copy;
  }
}

/** A text mutation that keeps it text: a character changed, cut, or a JSON value replaced by an edge of valid input. */
function mutateText(text: string): string {
  const at = below(text.length);
  switch (below(4)) {
    case 0:
      return text.slice(0, at) + String.fromCharCode(33 + below(90)) + text.slice(at + 1);
    case 1:
      return text.slice(0, at);
    case 2: {
      const edges = ["1e309", "-0", "9007199254740993", '"x"', "null", "[]", "{}", '"\\u0000"', "-1", "1.5"];
      return text.replace(/(:\s*)(-?\d+(\.\d+)?)/, (_m, prefix: string) => `${prefix}${edges[below(edges.length)]}`);
    }
    default: {
      // A duplicate key: two readers could read it two ways.
      const match = /"(amount|at|expiresAt|commune)":\s*("[^"]*"|\d+)/.exec(text);
      return match ? text.replace(match[0], `${match[0]}, "${match[1]}": 999999`) : text + " ";
    }
  }
}

/** Whether two invite strings carry the same record: what `readInvite` would read from both. */
function sameInvite(a: string, b: string): boolean {
  const record = (text: string) => {
    try {
      return JSON.stringify(JSON.parse(Buffer.from(text.trim().slice("commune-invite:".length), "base64url").toString("utf8")));
    } catch {
      return `unreadable ${text}`;
    }
  };
  return a.trim() === b.trim() || (a.trim().startsWith("commune-invite:") && record(a) === record(b));
}

const outcome = (run: Promise<CommandOutcome<CommandName>>) => run.then((result) => result.ok);

beforeAll(async () => {
  console.log(`hostile inputs: seed ${SEED} (COMMUNE_FAULTS_SEED=${SEED} runs the same inputs again)`);
  relay = await startRelayProcess(await dir("faults-relay"));
  ada = await startMemberProcess(await dir("faults-ada"));
  bo = await startMemberProcess(await dir("faults-bo"));
  await ada.must("identity.rename", { name: "Ada" });
  ({ commune } = await ada.must("commune.create", { name: "Riverside", currencies: [EUR], relays: [relay.url], rules: { spendLimit: { EUR: "50.00" } } }));
  for (let i = 1; i <= 5; i++) await ada.must("purse.contribute", { commune, amount: `${i}0.00`, currency: "EUR", memo: `gift ${i}` });
  await ada.must("purse.disburse", { commune, amount: "12.34", currency: "EUR", payee: { outside: "Bakery" } });
  await waitFor(async () => (await ada.must("sync.status", { commune })).waiting === 0 || undefined, "the relay to hold the commune");
  ({ invite } = await ada.must("commune.invite", { commune }));
  await bo.must("commune.join", { invite: (await ada.must("commune.invite", { commune })).invite, name: "Bo" });
}, 180_000);

const purseOf = async (member: MemberProcess) => (await member.must("commune.show", { commune })).balances;

describe("generated hostile input", () => {
  it(
    `${SYNC_MESSAGES} mutated sync messages from a socket that passed the handshake: the relay stays up and bounded, and an honest entry still arrives`,
    async () => {
      const started = Date.now();
      const before = await purseOf(bo);
      const genuine = readInvite(nobleCrypto(), invite, Date.now());
      if (!genuine.ok) throw new Error(genuine.error.message);
      const relayKey = relayKeyOf(genuine.value.secret);
      const documentId = parseAutomergeUrl(genuine.value.doc as Parameters<typeof parseAutomergeUrl>[0]).documentId;
      // A real sync message with changes in it, to mutate: the shape a member's client sends.
      const doc = A.change(A.from<{ entries: unknown[] }>({ entries: [] }), (d) => void d.entries.push({ amount: 1_000_00, memo: "forged" }));
      const [, syncMessage] = A.generateSyncMessage(doc, A.initSyncState());
      const realData = syncMessage!;

      let sent = 0;
      let sockets = 0;
      let closedByRelay = 0;
      while (sent < SYNC_MESSAGES) {
        const client = new RawClient(relay.url);
        sockets++;
        const peerId = `attacker-${randomBytes(4).toString("hex")}`;
        try {
          const { relayPeerId } = await client.admit({ id: commune, relayKey } as Parameters<RawClient["admit"]>[0], peerId);
          for (let i = 0; i < 250 && sent < SYNC_MESSAGES && client.ws.readyState === client.ws.OPEN; i++, sent++) {
            const kind = below(4);
            const message =
              kind === 0
                ? { type: "sync", senderId: peerId, targetId: relayPeerId, documentId, data: mutate(realData) }
                : kind === 1
                  ? { type: "request", senderId: peerId, targetId: relayPeerId, documentId, data: mutate(realData) }
                  : kind === 2
                    ? { type: "sync", senderId: peerId, targetId: relayPeerId, documentId: mutateText(String(documentId)), data: realData }
                    : {
                        type: ["sync", "ephemeral", "doc-unavailable", "remote-heads-changed"][below(4)],
                        senderId: peerId,
                        targetId: relayPeerId,
                        documentId,
                        data: random.bytes(below(200)),
                      };
            client.send(below(10) === 0 ? mutate(cbor.encode(message)) : cbor.encode(message));
            if (i % 25 === 24) await client.barrier();
          }
        } catch {
          // Refused before the first message (the relay's limits at work): the next socket goes on.
        } finally {
          if (client.isClosed || client.ws.readyState === client.ws.CLOSING) closedByRelay++;
          peaks.sample("relay", relay.child.pid);
          await client.close();
        }
      }
      const health = await fetch(relay.url.replace(/^ws/, "http").replace(/\/?$/, "/health"));
      expect(health.ok).toBe(true);
      await ada.must("purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "after the flood" });
      await waitFor(async () => (await purseOf(bo)).purse.EUR === before.purse.EUR! + 100 || undefined, "Ada's honest entry to reach Bo", 60_000);
      const after = await purseOf(bo);
      peaks.sample("relay", relay.child.pid);
      peaks.sample("host", bo.child.pid);
      const crashes = [relay, ada, bo].filter((process) => process.child.exitCode !== null).length;
      recordFaults({
        scenario: "mutated sync messages to the relay",
        faults: 0,
        entriesWritten: 1,
        entriesLost: 0,
        crashes,
        hostileTried: sent,
        hostileAccepted: after.entries.untrusted === before.entries.untrusted && after.entries.counted === before.entries.counted + 1 ? 0 : 1,
        peakRssMiB: peaks.peaks,
        boundMiB: { ...BOUND_MIB },
        seconds: (Date.now() - started) / 1000,
      });
      expect(after.entries).toEqual({ ...before.entries, counted: before.entries.counted + 1 });
      expect(crashes).toBe(0);
      console.log(`hostile inputs: ${sent} sync messages over ${sockets} sockets; the relay closed ${closedByRelay} of them`);
      expect(sockets).toBeGreaterThan(0);
    },
    timeLimit(120_000, 1_200_000),
  );

  it(
    `${INVITES} mutated invites: each is refused with a reason, no one joins`,
    async () => {
      const started = Date.now();
      const stranger = await startMemberProcess(await dir("faults-stranger"));
      let accepted = 0;
      let unexplained = 0;
      let tried = 0;
      for (let i = 0; i < INVITES; i++) {
        const body = Buffer.from(invite.slice(15), "base64url");
        const way = below(3);
        const mutated =
          way === 0
            ? mutateText(invite)
            : way === 1
              ? invite.slice(0, 15) + Buffer.from(mutate(body)).toString("base64url")
              : invite.slice(0, 15) + Buffer.from(mutateText(body.toString("utf8"))).toString("base64url");
        // The same invite in other clothes (a space after it, base64 that decodes to the same record) is not hostile: it is the invite.
        if (sameInvite(mutated, invite)) continue;
        tried++;
        const result = await stranger.run("commune.join", { invite: mutated, name: "Mallory" });
        if (result.ok) accepted++;
        else if (result.error.message.trim() === "") unexplained++;
      }
      peaks.sample("host", stranger.child.pid);
      const crashes = stranger.child.exitCode === null ? 0 : 1;
      recordHostile("mutated invites", { tried, accepted, crashes, started, peaks });
      expect({ accepted, unexplained, crashes }).toEqual({ accepted: 0, unexplained: 0, crashes: 0 });
    },
    timeLimit(120_000, 900_000),
  );

  it(
    `${SNAPSHOTS} mutated JSON snapshots and ${SNAPSHOTS} mutated backups: none verifies as something it is not, and importing ${IMPORTS} changes nothing`,
    async () => {
      const started = Date.now();
      const before = await purseOf(ada);
      const json = await ada.must("snapshot.export", { commune, format: "json" });
      const backup = await ada.must("snapshot.export", { commune, format: "automerge" });
      const genuineJson = await ada.must("snapshot.verify", { content: json.content, encoding: "utf8" });
      const genuineBackup = await ada.must("snapshot.verify", { content: backup.content, encoding: "base64" });
      const sameAs = (summary: unknown, genuine: unknown) => JSON.stringify(summary) === JSON.stringify(genuine);
      let accepted = 0;
      let tried = 0;
      for (let i = 0; i < SNAPSHOTS; i++) {
        const text = mutateText(json.content);
        if (text === json.content) continue;
        tried++;
        const result = await ada.run("snapshot.verify", { content: text, encoding: "utf8" });
        // A mutation that touched nothing signed (spacing, an unsigned field left alone) may verify, as the same snapshot.
        if (result.ok && !sameAs(result.value, genuineJson)) accepted++;
      }
      const backupBytes = Buffer.from(backup.content, "base64");
      for (let i = 0; i < SNAPSHOTS; i++) {
        tried++;
        const bytes = Buffer.from(mutate(backupBytes)).toString("base64");
        const result = await ada.run("snapshot.verify", { content: bytes, encoding: "base64" });
        if (result.ok && !sameAs(result.value, genuineBackup)) accepted++;
      }
      for (let i = 0; i < IMPORTS; i++) {
        tried++;
        await outcome(ada.run("snapshot.import", { content: Buffer.from(mutate(backupBytes)).toString("base64"), encoding: "base64" }));
      }
      const after = await purseOf(ada);
      if (JSON.stringify(after) !== JSON.stringify(before)) accepted++;
      peaks.sample("host", ada.child.pid);
      const crashes = ada.child.exitCode === null ? 0 : 1;
      recordHostile("mutated snapshots and backups", { tried, accepted, crashes, started, peaks });
      expect(after).toEqual(before);
      expect({ accepted, crashes }).toEqual({ accepted: 0, crashes: 0 });
    },
    timeLimit(180_000, 1_200_000),
  );
});
