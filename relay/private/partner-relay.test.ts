import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeItem } from "../../shared/privacy/headers";
import { startRelay, type RunningRelay } from "../relay";
import { batchItem, newKeys, PrivateClient, privateCommune } from "../testing/private-client";
import { tempDir } from "../testing/relay-harness";

/**
 * The relay serves a partner exactly what was granted (docs/partners.md):
 * a member shares one document with a partner admission key; a socket that
 * proves that key fetches that document's items and nothing else of the
 * commune, and writes nothing.
 */
let relay: RunningRelay;
let dataDir: { path: string; remove(): Promise<void> };
const clients: PrivateClient[] = [];

beforeEach(async () => {
  dataDir = await tempDir("commune-partner-relay-");
  relay = await startRelay({ port: 0, dataDir: dataDir.path });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await relay.close();
  await dataDir.remove();
});

async function connect(): Promise<PrivateClient> {
  const client = await PrivateClient.connect(relay.url);
  clients.push(client);
  return client;
}

const PURSE = "PurseDocAAAAA1";
const PROPOSALS = "PrpsDocBBBBB2";
const SHARED = "SharedDocCCCC3";

/** Riverside registered, with a batch of its purse, its proposals and the document it shares, put by its founder. */
async function riverside() {
  const commune = privateCommune();
  const founder = await connect();
  await founder.join(commune.id, commune.firstId, commune.admission, { genesis: commune.genesis, epochs: [commune.first] });
  const put = async (document: string) =>
    expect(await founder.put(batchItem(commune.id, commune.firstId, commune.founder, randomBytes(200), document))).toEqual({
      type: "stored",
      seq: expect.any(Number),
      id: expect.any(String),
    });
  for (const document of [PURSE, SHARED, PROPOSALS, SHARED]) await put(document);
  return { ...commune, founderSocket: founder, put };
}

const documentsOf = (items: Array<{ bytes: Uint8Array }>) =>
  items.map(({ bytes }) => {
    const decoded = decodeItem(bytes);
    if (!decoded.ok) throw new Error(decoded.problem.message);
    const header = decoded.item.signed.header;
    return header.kind === "epoch" ? "epoch" : header.document;
  });

describe("a partner on the relay", () => {
  it("fetches only the document shared with it, once a member shared it, and nothing once it is unshared", async () => {
    const commune = await riverside();
    const partnerKey = newKeys();
    expect(await (await connect()).partnerJoin(commune.id, SHARED, partnerKey)).toMatchObject({ type: "refused", code: "private.badProof" });

    expect(await commune.founderSocket.share(SHARED, partnerKey)).toEqual({ type: "shared", document: SHARED });
    const partner = await connect();
    expect(await partner.partnerJoin(commune.id, SHARED, partnerKey)).toEqual({ type: "partner-welcome", document: SHARED, head: 5 });
    expect(documentsOf((await partner.fetch(0)).items)).toEqual([SHARED, SHARED]);

    // Items of other documents put meanwhile are not sent live; a later fetch brings only the shared document's.
    await commune.put(PURSE);
    await commune.put(SHARED);
    const later = await partner.fetch(5);
    expect(documentsOf(later.items)).toEqual([SHARED]);
    expect(later.head).toBe(7);

    expect(await commune.founderSocket.share(SHARED)).toEqual({ type: "unshared", document: SHARED });
    expect(await (await connect()).partnerJoin(commune.id, SHARED, partnerKey)).toMatchObject({ type: "refused", code: "private.badProof" });
  });

  it("refuses a partner who asks for the commune's purse, proves its key as an epoch's, or tries to put, with a reason", async () => {
    const commune = await riverside();
    const partnerKey = newKeys();
    await commune.founderSocket.share(SHARED, partnerKey);

    // The purse, with the key it was given for the shared document: refused, and nothing of the purse is sent.
    const asksPurse = await connect();
    expect(await asksPurse.partnerJoin(commune.id, PURSE, partnerKey)).toMatchObject({ type: "refused", code: "private.badProof" });
    expect(asksPurse.items).toEqual([]);
    // A hello for the shared document with a proof naming the purse: refused the same way.
    expect(await (await connect()).partnerJoin(commune.id, SHARED, partnerKey, PURSE)).toMatchObject({ type: "refused", code: "private.badProof" });
    // The partner key is no epoch's admission key: it cannot join as a member.
    expect(await (await connect()).join(commune.id, commune.firstId, partnerKey)).toMatchObject({ type: "refused", code: "private.badProof" });

    const partner = await connect();
    await partner.partnerJoin(commune.id, SHARED, partnerKey);
    const forged = batchItem(commune.id, commune.firstId, partnerKey, randomBytes(100), SHARED);
    expect(await partner.put(forged)).toEqual({
      type: "rejected",
      code: "private.readOnly",
      reason: "A partner reads what was shared with it and writes nothing to this commune",
    });
    expect((await commune.founderSocket.fetch(0)).head).toBe(5);
    // Anything but a fetch (asking for every document's snapshots, or to share) closes the partner's socket.
    partner.ws.send(JSON.stringify({ type: "share", document: PURSE, admission: partnerKey.publicKey }));
    expect((await partner.waitClosed()).reason).toBe("a partner may only fetch");
  });

  it("keeps what is shared across a restart, and lets only a member under the current epoch share", async () => {
    const commune = await riverside();
    const partnerKey = newKeys();
    await commune.founderSocket.share(SHARED, partnerKey);
    commune.founderSocket.close();
    await relay.close();
    relay = await startRelay({ port: 0, dataDir: dataDir.path });
    expect(await (await connect()).partnerJoin(commune.id, SHARED, partnerKey)).toMatchObject({ type: "partner-welcome", document: SHARED });

    // Before its welcome a socket cannot share anything.
    const stranger = await connect();
    await stranger.hello(commune.id);
    stranger.ws.send(JSON.stringify({ type: "share", document: PURSE, admission: newKeys().publicKey }));
    expect(await stranger.next()).toMatchObject({ type: "refused", code: "private.malformed" });
  });
});
