import * as A from "@automerge/automerge";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nobleCrypto, nobleSigner } from "../../shared/identity/crypto";
import { keyPairFromSecret } from "../../shared/identity/keys";
import { sodiumPrivacyCrypto } from "../../shared/privacy/crypto";
import { openItem, sealBatch } from "../../shared/privacy/envelopes";
import { epochKeysOf } from "../../shared/privacy/epochs";
import { decodeItem, idOfItem, type SealedItem } from "../../shared/privacy/headers";
import { hexToBytes } from "@noble/hashes/utils.js";
import { PrivateClient } from "../../relay/testing/private-client";
import { startMemberProcess, startRelayProcess, stopAll, tempDir, waitFor, type MemberProcess } from "./processes";

/**
 * Issue 13's done-when, with real processes on 127.0.0.1: what the operator
 * of a relay holds (its data folder, its log lines and a heap snapshot of
 * its process) and what a member who left holds (her full data folder, her
 * host still running), after a private commune has written names, memos,
 * amounts, a proposal, a vote's reason and an inventory item through it.
 * Each side is tried as its owner would try it.
 */
const EUR = { code: "EUR", name: "Euro", decimals: 2 };
const dirs: string[] = [];
afterAll(() => stopAll(dirs));

async function dir(prefix: string) {
  const path = await tempDir(prefix);
  dirs.push(path);
  return path;
}

async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Every item of a private commune's log on a relay's disk, as the store frames them (u32 length, u32 CRC-32, the item). */
async function loggedItems(relayDir: string, commune: string): Promise<{ seq: number; bytes: Uint8Array }[]> {
  const logDir = join(relayDir, "private", commune, "log");
  const items: { seq: number; bytes: Uint8Array }[] = [];
  let seq = 0;
  // Log files only (a compaction's temp file is not one), in order.
  for (const name of (await readdir(logDir)).filter((file) => /^\d{8}$/.test(file)).sort()) {
    const bytes = new Uint8Array(await readFile(join(logDir, name)));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + 8 <= bytes.length;) {
      const length = view.getUint32(at);
      // A gap record (relay/private/store.ts): numbers whose items a snapshot's compaction dropped.
      if (length === 0) {
        seq += view.getUint32(at + 8);
        at += 12;
        continue;
      }
      items.push({ seq: ++seq, bytes: bytes.subarray(at + 8, at + 8 + length) });
      at += 8 + length;
    }
  }
  return items;
}

/** The log's items after epoch 2's record that are not epoch records: what was sealed after Cy left. */
async function itemsAfterRotation(relayDir: string, commune: string): Promise<{ seq: number; item: SealedItem }[]> {
  const decoded = (await loggedItems(relayDir, commune)).flatMap(({ seq, bytes }) => {
    const read = decodeItem(bytes);
    return read.ok ? [{ seq, item: read.item }] : [];
  });
  const rotation = decoded.find(({ item }) => item.signed.header.kind === "epoch" && item.signed.header.epoch === 2)?.seq;
  return rotation === undefined ? [] : decoded.filter(({ seq, item }) => seq > rotation && item.signed.header.kind !== "epoch");
}

/** A relay's log in a line a failure can be read by: each epoch record (number, id, author) and how many other items follow it. */
async function logOutline(relayDir: string, commune: string): Promise<string> {
  const parts: string[] = [];
  let others = 0;
  for (const { seq, bytes } of await loggedItems(relayDir, commune)) {
    const read = decodeItem(bytes);
    if (!read.ok) continue;
    const header = read.item.signed.header;
    if (header.kind !== "epoch") {
      others++;
      continue;
    }
    parts.push(`${others} items`, `#${seq} epoch ${header.epoch} ${idOfItem(read.item).slice(0, 8)} by ${header.by.slice(0, 8)}`);
    others = 0;
  }
  return [...parts, `${others} items`].join(", ");
}

const loadsAsAutomerge = (bytes: Uint8Array): boolean => {
  try {
    A.load(bytes);
    return true;
  } catch {
    return false;
  }
};

/** What the commune wrote, each a string a reader of the operator's view must not find. */
const WRITTEN = {
  commune: "Riverside Gardens",
  members: ["Ada Lovelace", "Bo Diddley", "Cy Twombly"],
  memos: ["greenhouse glass from the Oldenburg sale", "compost bins for the east plot", "after Cy left: seed trays"],
  // As typed, and as an entry's JSON holds them: a bare six digits turn up by chance in the hex of ids and signatures.
  amounts: ["7391.37", '"amount":739137', "4817.29", '"amount":481729'],
  proposal: ["Buy a second-hand rotavator", "The old one seized up in October"],
  reason: "cheaper than hiring one every spring",
  item: ["Grafting apple trees", "Whip-and-tongue, in late winter"],
};
const everyWord = [WRITTEN.commune, ...WRITTEN.members, ...WRITTEN.memos, ...WRITTEN.amounts, ...WRITTEN.proposal, WRITTEN.reason, ...WRITTEN.item];

describe("a private commune, as its relay's operator and a member who left see it", () => {
  it("leaves the operator's files, logs and heap without a word of it, and a member who left without anything written after", async () => {
    const relayDir = await dir("relay");
    const snapshots = await dir("heap");
    const relay = await startRelayProcess(relayDir, 0, { heapSnapshots: snapshots });
    // A second relay the commune also uses: what the first one's operator holds must not let anyone in there.
    const other = await startRelayProcess(await dir("other-relay"));
    const ada = await startMemberProcess(await dir("ada"));
    const bo = await startMemberProcess(await dir("bo"));
    const cyDir = await dir("cy");
    const cy = await startMemberProcess(cyDir);

    await ada.must("identity.rename", { name: "Ada Lovelace" });
    const { commune } = await ada.must("commune.create", { name: WRITTEN.commune, currencies: [EUR], relays: [relay.url, other.url], private: true });
    await ada.must("purse.contribute", { commune, amount: "7391.37", currency: "EUR", memo: WRITTEN.memos[0] });
    const synced = (member: MemberProcess) => async () => {
      const status = await member.must("sync.status", { commune });
      if (status.waiting === 0 && status.relays.every((link) => link.state === "connected")) return true;
      // Thrown, not returned: a timeout then says what the host last reported, which is what a failure needs to be read.
      const epoch = (await member.must("commune.privacy", { commune })).epoch;
      throw new Error(
        `epoch ${epoch?.number} ${epoch?.id.slice(0, 8)} by ${epoch?.startedBy}; waiting ${status.waiting}; ${status.relays.map((link) => `${link.url} ${link.state}${link.reason ? ` (${link.reason})` : ""}`).join("; ")}`,
      );
    };
    await waitFor(synced(ada), "Ada's commune to reach both relays");
    const admit = async (member: MemberProcess, name: string) => {
      const { invite } = await ada.must("commune.invite", { commune, days: 1 });
      await member.must("commune.join", { invite, name });
    };
    await admit(bo, "Bo Diddley");
    await admit(cy, "Cy Twombly");
    const membersSeenBy = async (member: MemberProcess) => (await member.must("commune.show", { commune })).balances.members.length;
    await waitFor(async () => (await membersSeenBy(ada)) === 3 || undefined, "Ada to see all three members");

    await bo.must("purse.contribute", { commune, amount: "4817.29", currency: "EUR", memo: WRITTEN.memos[1] });
    const { id: proposal } = await bo.must("proposal.create", {
      commune,
      kind: "general",
      title: WRITTEN.proposal[0],
      body: WRITTEN.proposal[1],
      deadline: { days: 7 },
    });
    await waitFor(async () => (await ada.must("proposal.list", { commune })).some((shown) => shown.id === proposal) || undefined, "Ada to see Bo's proposal");
    await ada.must("proposal.vote", { commune, proposal, choice: "yes", reason: WRITTEN.reason });
    await ada.must("inventory.add", { commune, title: WRITTEN.item[0], body: WRITTEN.item[1], tags: ["orchard"] });

    // Cy leaves: Ada's host starts epoch 2 sealed to Ada and Bo.
    await cy.must("commune.leave", { commune });
    const epochAt = async (member: MemberProcess) => (await member.must("commune.privacy", { commune })).epoch?.number;
    await waitFor(async () => (await epochAt(ada)) === 2 || undefined, "Ada's host to start epoch 2");
    await waitFor(async () => (await epochAt(bo)) === 2 || undefined, "Bo's host to follow into epoch 2");
    await ada.must("purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: WRITTEN.memos[2] });
    const purseOf = async (member: MemberProcess) => (await member.must("commune.show", { commune })).balances.purse.EUR;
    await waitFor(async () => (await purseOf(bo)) === 739137 + 481729 + 100 || undefined, "Bo to see the entry written after Cy left");
    await waitFor(synced(ada), "Ada's writes to reach both relays");
    // And in the log this test reads as the operator: a batch sealed after the rotation (the host's count of what waits is its own view).
    await waitFor(async () => {
      if ((await itemsAfterRotation(relayDir, commune)).length > 0) return true;
      // Thrown, not returned: a timeout then says what the log held, epoch records and the items after each.
      throw new Error(await logOutline(relayDir, commune));
    }, "a batch written after Cy left to be in the relay's log");

    // The operator's view: every file of the relay's data folder, every log line, and the process's heap.
    const held = Buffer.concat(await Promise.all((await files(relayDir)).map((file) => readFile(file))));
    const logs = relay.output();
    const heap = JSON.parse(await readFile(await relay.heapSnapshot(), "utf8")) as { strings: string[] };
    const heapStrings = heap.strings.join("\n");
    expect(heap.strings.length).toBeGreaterThan(1000);
    // The searches can find what is there: the commune's id is in the relay's log and heap.
    expect(logs).toContain(commune.slice(0, 8));
    expect(heapStrings).toContain(commune);
    for (const words of everyWord) {
      expect(held.includes(Buffer.from(words)), `the relay's files hold "${words}"`).toBe(false);
      expect(logs.includes(words), `the relay's log holds "${words}"`).toBe(false);
      expect(heapStrings.includes(words), `the relay's heap holds "${words}"`).toBe(false);
    }

    // No file, and no item of the log, loads as an Automerge document.
    const items = await loggedItems(relayDir, commune);
    expect(items.length).toBeGreaterThan(5);
    for (const file of await files(relayDir)) {
      const bytes = new Uint8Array(await readFile(file));
      if (bytes.length > 0) expect(loadsAsAutomerge(bytes), `${file} loads as an Automerge document`).toBe(false);
    }
    const decoded: { seq: number; item: SealedItem }[] = [];
    for (const { seq, bytes } of items) {
      expect(loadsAsAutomerge(bytes)).toBe(false);
      const read = decodeItem(bytes);
      if (!read.ok) throw new Error(`item ${seq} of the log does not decode: ${read.problem.message}`);
      expect(loadsAsAutomerge(read.item.payload), `item ${seq}'s payload loads as an Automerge document`).toBe(false);
      decoded.push({ seq, item: read.item });
    }

    // The operator tries every 32-byte value his files hold as an admission key at the commune's other relay, for every epoch: none is let in.
    expect(decoded.filter(({ item }) => item.signed.header.kind === "epoch").length).toBe(2);
    const candidates = new Set<string>();
    for (const file of await files(relayDir)) {
      if (!file.endsWith(".json")) continue;
      for (const found of (await readFile(file, "utf8")).matchAll(/[0-9a-f]{64}/g)) candidates.add(found[0]);
    }
    expect(candidates.size).toBeGreaterThan(2);
    const epochs = JSON.parse(await readFile(join(relayDir, "private", commune, "epochs.json"), "utf8")) as { epochs: { id: string }[] };
    for (const candidate of candidates)
      for (const { id } of epochs.epochs) {
        const socket = await PrivateClient.connect(other.url);
        const answer = await socket.join(commune, id, keyPairFromSecret(hexToBytes(candidate)));
        expect(answer.type, `a key from the operator's files let him in under epoch ${id.slice(0, 8)}`).not.toBe("welcome");
        socket.close();
      }

    // Cy, who left, with her full data folder and her host running: the relay refuses her host, and her views hold nothing written after.
    await waitFor(
      async () => (await cy.must("sync.status", { commune })).relays.every((link) => link.state === "refused") || undefined,
      "both relays to refuse Cy's host",
    );
    expect(await purseOf(cy)).toBe(739137 + 481729);
    const cyShown = JSON.stringify(await cy.must("purse.ledger", { commune }));
    expect(cyShown).not.toContain(WRITTEN.memos[2]);

    // Every byte the relay holds, whatever it would send her: nothing logged after the rotation opens with any key her folder holds.
    const privacy = await sodiumPrivacyCrypto();
    const verifier = nobleCrypto();
    const keyring = JSON.parse(await readFile(join(cyDir, "communes", commune, "epochs.json"), "utf8")) as { keys: Record<string, string> };
    const cyKeys = new Map(Object.entries(keyring.keys).map(([epoch, key]) => [epoch, epochKeysOf(privacy, nobleSigner, hexToBytes(key))]));
    expect([...cyKeys.keys()]).toEqual([epochs.epochs[0]!.id]);
    const afterwards = await itemsAfterRotation(relayDir, commune);
    expect(afterwards.length).toBeGreaterThan(0);
    for (const { item } of afterwards) {
      const header = item.signed.header as { document: string };
      const opened = openItem(privacy, verifier, item, { commune, document: header.document }, (epoch) => {
        const keys = cyKeys.get(epoch);
        return keys && { dataKey: keys.dataKey, current: true };
      });
      expect(opened.ok ? "opened" : opened.error.code).toBe("epoch.unknown");
    }

    // She signs a batch under the key she holds and puts it at the relay as her host would: it is not taken.
    const identity = JSON.parse(await readFile(join(cyDir, "identity.json"), "utf8")) as { secretKey: string };
    const me = keyPairFromSecret(hexToBytes(identity.secretKey));
    const [oldEpoch, oldKeys] = [...cyKeys.entries()][0]!;
    const socket = await PrivateClient.connect(relay.url);
    const answer = await socket.join(commune, oldEpoch, oldKeys.admission);
    expect(answer.type).not.toBe("welcome");
    const forged = sealBatch(
      privacy,
      nobleSigner,
      { commune, document: decodedDocument(afterwards[0]!.item), epoch: oldEpoch, dataKey: oldKeys.dataKey, author: me, at: Date.now() },
      new Uint8Array([1, 2, 3]),
    );
    socket.sendPut(forged);
    await socket.waitClosed();
    // Nothing of hers was taken: no item of the log is her batch (the log's length is no measure: members' compaction drops items).
    const after = await loggedItems(relayDir, commune);
    expect(
      after.some(({ bytes }) => {
        const read = decodeItem(bytes);
        return read.ok && idOfItem(read.item) === idOfItem(forged);
      }),
    ).toBe(false);
  }, 300_000);
});

const decodedDocument = (item: SealedItem): string => (item.signed.header as { document: string }).document;
