import * as A from "@automerge/automerge";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testKeys } from "../../shared/testing/commune-builder";
import { decodeItem, idOfItem } from "../../shared/privacy/headers";
import { NOW_PRIVATE } from "../../shared/sync/relay-handshake";
import { WRONG_PROOF } from "../handshake";
import { startRelay, type RelayLogEvent, type RunningRelay } from "../relay";
import { batchItem, epochRecord, newKeys, PrivateClient } from "../testing/private-client";
import { makeCommune, startMember, tempDir, waitFor, type Member, type TestCommune } from "../testing/relay-harness";
import { fromBase64 } from "./protocol";

/**
 * A plaintext commune moving to private at the relay (docs/relay.md, "Moving
 * existing communes"): its first epoch is registered (anchored in the
 * founder's signature on the readable genesis), a snapshot put, then `forget`
 * deletes the plaintext copy; from then on the plaintext handshake is refused
 * with "This commune is now private: update Commune" and the chain of epochs,
 * which only a socket that proved the relay key receives.
 */
let relay: RunningRelay;
let dataDir: { path: string; remove(): Promise<void> };
let logs: RelayLogEvent[];
const clients: PrivateClient[] = [];
const members: Member[] = [];

beforeEach(async () => {
  dataDir = await tempDir("commune-moved-relay-");
  logs = [];
  relay = await startRelay({ port: 0, dataDir: dataDir.path, log: (event) => logs.push(event) });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const member of members.splice(0)) await member.stop();
  await relay.close();
  await dataDir.remove();
});

const MEMO = "seed money for tomatoes";
const BO = "Bo Diddley";

/** A plaintext commune registered on the relay, holding a document with a memo and a member's name; the member stays connected. */
async function plaintextCommune(): Promise<{ commune: TestCommune; member: Member; chains: string[][] }> {
  const commune = makeCommune(1, "Riverside Gardens");
  const chains: string[][] = [];
  const member = startMember(relay.url, commune, { register: true, onNowPrivate: (records) => chains.push(records) });
  members.push(member);
  await member.connected();
  const handle = member.repo.create<{ memo: string; member: string }>({ memo: MEMO, member: BO });
  await member.syncedWithRelay(handle);
  return { commune, member, chains };
}

async function connect(): Promise<PrivateClient> {
  const client = await PrivateClient.connect(relay.url);
  clients.push(client);
  return client;
}

/** The founder (testKeys(1), makeCommune's) registers epoch 1 with the readable genesis and is admitted under it. */
async function registerFirstEpoch(commune: TestCommune) {
  const admission = newKeys();
  const first = epochRecord(commune.id, 1, null, admission, testKeys(1));
  const founder = await connect();
  const welcome = await founder.join(commune.id, idOfItem(first), admission, { genesis: commune.genesis, epochs: [first] });
  expect(welcome).toMatchObject({ type: "welcome", epoch: idOfItem(first) });
  return { founder, first, admission };
}

async function filesUnder(root: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  const entries = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  return Promise.all(entries.map(async (entry) => ({ path: join(entry.parentPath, entry.name), bytes: await readFile(join(entry.parentPath, entry.name)) })));
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("a plaintext commune moving to private at the relay", () => {
  it("deletes the plaintext copy on `forget` from a socket admitted under the current epoch: the memo and the member's name are gone from the data folder", async () => {
    const { commune } = await plaintextCommune();
    const { founder } = await registerFirstEpoch(commune);
    // What the search below must not find is there first: the relay writes the plaintext document to its folder.
    await waitFor("the relay to write the plaintext document", async () => (await filesUnder(dataDir.path)).some(({ bytes }) => bytes.includes(MEMO)));

    founder.ws.send(JSON.stringify({ type: "forget" }));
    expect(await founder.next()).toEqual({ type: "forgotten" });

    expect(await exists(join(dataDir.path, "communes", commune.id))).toBe(false);
    const after = await filesUnder(dataDir.path);
    expect(after.filter(({ bytes }) => bytes.includes(MEMO) || bytes.includes(BO)).map(({ path }) => path)).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ event: "forgotten", commune: commune.id }));
    const registry = JSON.parse(await readFile(join(dataDir.path, "registry.json"), "utf8")) as { communes: Record<string, { movedAt?: number }> };
    expect(registry.communes[commune.id]?.movedAt).toBeTypeOf("number");
  });

  it("refuses the plaintext handshake after the move with the words and the chain, which opens to the member's old relay key only", async () => {
    const { commune, member, chains } = await plaintextCommune();
    const { founder, first } = await registerFirstEpoch(commune);
    founder.ws.send(JSON.stringify({ type: "forget" }));
    expect(await founder.next()).toEqual({ type: "forgotten" });

    // The member connected in plaintext is dropped, comes back, proves the relay key, and is told with the chain.
    await waitFor("the plaintext member to be told", () => chains.length > 0);
    expect(member.adapter.status).toMatchObject({ state: "refused", reason: NOW_PRIVATE });
    const records = chains[0]!.map((text) => decodeItem(fromBase64(text)));
    expect(records.map((record) => record.ok && idOfItem(record.item))).toEqual([idOfItem(first)]);

    // A stranger who knows the commune id but not its secret proves nothing and learns nothing.
    const strangerChains: string[][] = [];
    const stranger = startMember(relay.url, { ...commune, relayKey: "ab".repeat(32) }, { onNowPrivate: (records) => strangerChains.push(records) });
    members.push(stranger);
    await waitFor("the stranger to be refused", () => stranger.adapter.status.state === "refused");
    expect(stranger.adapter.status.reason).toBe(WRONG_PROOF);
    expect(strangerChains).toEqual([]);
  });

  it("takes a registration twice, the same snapshot twice and `forget` twice as once (a crash between steps)", async () => {
    const { commune } = await plaintextCommune();
    const { founder, first, admission } = await registerFirstEpoch(commune);
    const snapshot = batchItem(commune.id, idOfItem(first), testKeys(1), A.save(A.from({ memo: "sealed, in the real thing" })));
    const stored = await founder.put(snapshot);
    expect(stored).toMatchObject({ type: "stored" });

    // The host crashed and starts over: the same registration, the same snapshot, and forget.
    const again = await connect();
    expect(await again.join(commune.id, idOfItem(first), admission, { genesis: commune.genesis, epochs: [first] })).toMatchObject({ type: "welcome" });
    expect(await again.put(snapshot)).toEqual(stored);
    for (const socket of [again, founder]) {
      socket.ws.send(JSON.stringify({ type: "forget" }));
      expect(await socket.next()).toEqual({ type: "forgotten" });
    }
    expect(logs.filter((event) => event.event === "forgotten")).toHaveLength(1);
  });

  it("refuses a socket that asks to forget before it was admitted, and keeps the plaintext copy", async () => {
    const { commune } = await plaintextCommune();
    const { first } = await registerFirstEpoch(commune);
    const stranger = await connect();
    expect(await stranger.hello(commune.id)).toMatchObject({ type: "challenge", tips: [idOfItem(first)] });
    stranger.ws.send(JSON.stringify({ type: "forget" }));
    expect(await stranger.next()).toMatchObject({ type: "refused", code: "private.malformed" });
    expect(await exists(join(dataDir.path, "communes", commune.id))).toBe(true);
  });
});

describe('a moved commune\'s other first epochs (docs/relay.md, "Two moves at once", "The relay-key route")', () => {
  it("takes a second first epoch beside the first only from a socket that also proves the old relay key, and passes it live to those admitted under the first", async () => {
    const { commune, chains } = await plaintextCommune();
    const { founder, first } = await registerFirstEpoch(commune);
    // The founder's other machine moved the commune on its own: its epoch 1 is signed by the founder too.
    const otherAdmission = newKeys();
    const other = epochRecord(commune.id, 1, null, otherAdmission, testKeys(1));
    const register = { genesis: commune.genesis, epochs: [other] };

    const withoutKey = await connect();
    expect(await withoutKey.hello(commune.id, register)).toMatchObject({ type: "challenge", tips: [idOfItem(first), idOfItem(other)] });
    expect(await withoutKey.prove(idOfItem(other), otherAdmission)).toMatchObject({ type: "refused", code: "private.relayKey" });
    const wrongKey = await connect();
    expect(await wrongKey.join(commune.id, idOfItem(other), otherAdmission, register, "ab".repeat(32))).toMatchObject({ code: "private.relayKey" });

    const desktop = await connect();
    expect(await desktop.join(commune.id, idOfItem(other), otherAdmission, register, commune.relayKey)).toMatchObject({
      type: "welcome",
      epoch: idOfItem(other),
    });
    await waitFor("the record to reach the socket admitted under the first", () => founder.items.length > 0);
    const idsIn = (texts: Uint8Array[]) =>
      texts.map((bytes) => {
        const read = decodeItem(bytes);
        return read.ok && idOfItem(read.item);
      });
    expect(idsIn(founder.items.map(({ bytes }) => bytes))).toEqual([idOfItem(other)]);

    // Once the commune is private here, a member offline across both moves is handed both first epochs, in the order registered.
    founder.ws.send(JSON.stringify({ type: "forget" }));
    expect(await founder.next()).toEqual({ type: "forgotten" });
    await waitFor("the plaintext member to be told", () => chains.length > 0);
    expect(idsIn(chains[0]!.map(fromBase64))).toEqual([idOfItem(first), idOfItem(other)]);
  });

  it("takes a first epoch a member other than the founder signed only with the old relay key (the founder is gone)", async () => {
    const { commune } = await plaintextCommune();
    const bo = testKeys(2);
    const admission = newKeys();
    const bos = epochRecord(commune.id, 1, null, admission, bo);
    const register = { genesis: commune.genesis, epochs: [bos] };
    expect(await (await connect()).join(commune.id, idOfItem(bos), admission, register)).toMatchObject({
      type: "refused",
      code: "private.relayKey",
      reason: "A first epoch not signed by the commune's founder needs the proof of the commune's relay key",
    });
    expect(await (await connect()).join(commune.id, idOfItem(bos), admission, register, commune.relayKey)).toMatchObject({
      type: "welcome",
      epoch: idOfItem(bos),
    });
  });
});
