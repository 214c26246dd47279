import { randomBytes } from "node:crypto";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nobleSigner } from "../../shared/identity/crypto";
import type { KeyPair } from "../../shared/identity/keys";
import { decodeItem, encodeItem, idOfItem, PRIVATE_PROTOCOL, signItem, type SealedItem } from "../../shared/privacy/headers";
import { TOO_MANY_FROM_ADDRESS } from "../communes";
import { startRelay, type RelayLimits, type RunningRelay } from "../relay";
import { batchItem, newKeys, PrivateClient, privateCommune } from "../testing/private-client";
import { tempDir } from "../testing/relay-harness";

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function relayWith(limits: Partial<RelayLimits> = {}, dir?: string): Promise<{ relay: RunningRelay; dataDir: string }> {
  let dataDir = dir;
  if (!dataDir) {
    const folder = await tempDir("commune-private-hostile-");
    stops.push(folder.remove);
    dataDir = folder.path;
  }
  const relay = await startRelay({ port: 0, dataDir, limits });
  stops.push(relay.close);
  return { relay, dataDir };
}

async function connect(relay: RunningRelay): Promise<PrivateClient> {
  const client = await PrivateClient.connect(relay.url);
  stops.push(async () => client.close());
  return client;
}

async function registeredOn(relay: RunningRelay) {
  const commune = privateCommune();
  const member = await connect(relay);
  expect(await member.join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first] })).toMatchObject({
    type: "welcome",
  });
  return { ...commune, member };
}

describe("a stranger speaking the private protocol badly", () => {
  it("is refused with a reason for a malformed hello, and the socket is closed", async () => {
    const { relay } = await relayWith();
    const client = await connect(relay);
    client.ws.send(JSON.stringify({ type: "hello", protocol: PRIVATE_PROTOCOL, commune: "not a commune", nonce: "00" }));
    const refused = await client.next();
    expect(refused).toMatchObject({ type: "refused", code: "private.malformed" });
    expect(refused.reason).toContain("commune");
    expect((await client.waitClosed()).code).toBe(1000);
  });

  it("is cut for a frame sent before the relay answered, and for a hello that never proves anything", async () => {
    const { relay } = await relayWith({ handshakeTimeoutMs: 3_000 });
    const commune = privateCommune();
    const hasty = await connect(relay);
    hasty.ws.send(JSON.stringify({ type: "hello", protocol: PRIVATE_PROTOCOL, commune: commune.id, nonce: hasty.nonce }));
    hasty.ws.send(JSON.stringify({ type: "proof", epoch: commune.firstId, sig: "0".repeat(128) }));
    expect((await hasty.waitClosed()).code).toBe(1008);

    const { member } = await registeredOn(relay);
    expect(member.closed).toBeUndefined();
    const silent = await connect(relay);
    expect(await silent.hello((await registeredOn(relay)).id)).toMatchObject({ type: "challenge" });
    expect(await silent.waitClosed()).toEqual({ code: 1008, reason: "handshake timed out" });
  });

  it("keeps an admitted member admitted after a junk put (rejected with a reason), and closes it for a text frame that is no fetch", async () => {
    const { relay } = await relayWith();
    const { member, id, firstId } = await registeredOn(relay);
    const hugeOptions = new Uint8Array(8);
    new DataView(hugeOptions.buffer).setUint32(0, 1_000_000);
    expect(await member.put(hugeOptions)).toMatchObject({ type: "rejected", code: "private.malformed" });
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from("{}"), encodeItem(batchItem(id, firstId, newKeys()))]);
    member.ws.send(frame);
    expect(await member.next()).toMatchObject({ type: "rejected", code: "private.malformed" });
    expect(await member.fetch(0)).toMatchObject({ head: 1 });
    member.ws.send(JSON.stringify({ type: "put" }));
    expect(await member.waitClosed()).toEqual({ code: 1008, reason: "expected a fetch" });
  });
});

describe("the private store's bounds, through the protocol", () => {
  it("rations registrations per address like today's", async () => {
    const { relay } = await relayWith({ registrationsPerAddressPerHour: 1 });
    await registeredOn(relay);
    const second = privateCommune();
    const client = await connect(relay);
    expect(await client.join(second.id, second.firstId, second.admission, { genesis: second.genesis, epochs: [second.first] })).toEqual({
      type: "refused",
      code: "private.registrationLimit",
      reason: TOO_MANY_FROM_ADDRESS,
    });
  });

  it("refuses a document past the commune's quota, and keeps taking batches of the one it has", async () => {
    const { relay } = await relayWith({ privateDocumentsPerCommune: 1 });
    const { member, id, firstId } = await registeredOn(relay);
    const author = newKeys();
    expect(await member.put(batchItem(id, firstId, author, randomBytes(10), "DocumentAAAA1"))).toMatchObject({ type: "stored", seq: 2 });
    expect(await member.put(batchItem(id, firstId, author, randomBytes(10), "DocumentBBBB2"))).toMatchObject({ type: "rejected", code: "private.quota" });
    expect(await member.put(batchItem(id, firstId, author, randomBytes(10), "DocumentAAAA1"))).toMatchObject({ type: "stored", seq: 3 });
  });

  it("serves everything it acknowledged after a crash tore the record it was writing", async () => {
    const folder = await tempDir("commune-private-crash-");
    stops.push(folder.remove);
    const first = await startRelay({ port: 0, dataDir: folder.path });
    const commune = privateCommune();
    const member = await PrivateClient.connect(first.url);
    await member.join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first] });
    const acknowledged = [];
    for (let n = 0; n < 3; n++) {
      const item = batchItem(commune.id, commune.firstId, newKeys());
      expect(await member.put(item)).toMatchObject({ type: "stored", seq: n + 2 });
      acknowledged.push(item);
    }
    member.close();
    await first.close();
    const torn = encodeItem(batchItem(commune.id, commune.firstId, newKeys()));
    await appendFile(
      join(folder.path, "private", commune.id, "log", "00000001"),
      Buffer.concat([Buffer.from([0, 0, 4, 0, 1, 2, 3, 4]), torn.subarray(0, 100)]),
    );

    const { relay } = await relayWith({}, folder.path);
    const back = await connect(relay);
    expect(await back.join(commune.id, commune.firstId, commune.admission)).toMatchObject({ type: "welcome", head: 4 });
    const { items } = await back.fetch(1);
    expect(items.map((item) => Buffer.from(item.bytes))).toEqual(acknowledged.map((item) => Buffer.from(encodeItem(item))));
    expect(await back.put(batchItem(commune.id, commune.firstId, newKeys()))).toMatchObject({ type: "stored", seq: 5 });
  });
});

describe("an admitted member lying in a snapshot", () => {
  const document = "DocumentAAAA1";
  const snapshotClaiming = (commune: string, epoch: string, author: KeyPair, covers: number): SealedItem =>
    signItem(nobleSigner, { kind: "snapshot", commune, document, epoch, by: author.publicKey, at: Date.now(), covers }, randomBytes(200), author);
  const idsFrom = (items: Array<{ seq: number; bytes: Uint8Array }>): Array<[number, string]> =>
    items.map(({ seq, bytes }) => {
      const decoded = decodeItem(bytes);
      if (!decoded.ok) throw new Error(`item ${seq} does not decode`);
      return [seq, idOfItem(decoded.item)];
    });

  it("cannot make the relay drop what was put after the snapshot by claiming it covers past the head", async () => {
    const { relay } = await relayWith();
    const commune = await registeredOn(relay);
    const attacker = newKeys();
    const honest = newKeys();
    for (let n = 0; n < 3; n++) await commune.member.put(batchItem(commune.id, commune.firstId, honest, randomBytes(100), document));
    // The attacker names a number far past the head, hoping to wipe the document's future batches as they come.
    const lie = snapshotClaiming(commune.id, commune.firstId, attacker, Number.MAX_SAFE_INTEGER);
    expect(await commune.member.put(lie)).toMatchObject({ type: "stored", seq: 5 });
    const next = batchItem(commune.id, commune.firstId, honest, randomBytes(100), document);
    expect(await commune.member.put(next)).toMatchObject({ type: "stored", seq: 6 });

    // The lie covered at most what came before it (2 to 4): the honest batch after it is kept and served.
    const reader = await connect(relay);
    await reader.join(commune.id, commune.firstId, commune.admission);
    expect(idsFrom((await reader.fetch(0)).items)).toEqual([
      [1, commune.firstId],
      [5, idOfItem(lie)],
      [6, idOfItem(next)],
    ]);
  });

  it("is refused a snapshot naming another commune or an epoch it was not admitted under, and nothing is dropped", async () => {
    const { relay } = await relayWith();
    const commune = await registeredOn(relay);
    const other = privateCommune();
    const attacker = newKeys();
    const batch = batchItem(commune.id, commune.firstId, attacker, randomBytes(100), document);
    await commune.member.put(batch);
    const elsewhere = snapshotClaiming(other.id, commune.firstId, attacker, 2);
    expect(await commune.member.put(elsewhere)).toMatchObject({ type: "rejected", code: "private.wrongCommune" });
    const unknownEpoch = snapshotClaiming(commune.id, "a".repeat(64), attacker, 2);
    expect(await commune.member.put(unknownEpoch)).toMatchObject({ type: "rejected", code: "private.wrongEpoch" });
    expect(idsFrom((await commune.member.fetch(0)).items)).toEqual([
      [1, commune.firstId],
      [2, idOfItem(batch)],
    ]);
  });
});
