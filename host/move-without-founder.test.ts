import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RunningRelay } from "../relay/relay";
import { PrivateClient } from "../relay/testing/private-client";
import { nobleCrypto } from "../shared/identity/crypto";
import { sodiumPrivacyCrypto } from "../shared/privacy/crypto";
import { makeEpochRecord, openEpochRecord } from "../shared/privacy/epochs";
import { decodeItem, idOfItem } from "../shared/privacy/headers";
import { relayKeyOf } from "../shared/sync/relay-handshake";
import { Host } from "./host";
import { relayLinks } from "./sync/relay-links";
import { must, tempDataDir, until } from "./testing/host-harness";

/**
 * Issue 13, the relay-key route (docs/relay.md, "Moving existing
 * communes"): a plaintext commune made before private communes whose founder
 * has left moves when an active member opens it, and a removed member who
 * kept the old relay key and races to register a made-up first epoch locks
 * no one out and reads nothing written after.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const dataDir = () => tempDataDir("commune-move-without-founder-", cleanups);

async function openHost(dir: string): Promise<Host> {
  const host = await Host.open({ dataDir: dir, links: relayLinks, joinTimeoutMs: 20_000 });
  cleanups.push(() => host.close());
  return host;
}

const EUR = { code: "EUR", name: "Euro", decimals: 2 };

/** As a commune made before issue 13 would be on this member's disk: no mark of a plaintext founding by choice, nor of a join by this version. */
async function madeBeforePrivateCommunes(dir: string): Promise<{ secret: string }> {
  const index = join(dir, "communes.json");
  const text = await readFile(index, "utf8");
  await writeFile(index, text.replace(/,\s*"(plaintext|joinedPlaintext)": true/g, ""));
  const communes = (JSON.parse(text) as { communes: Record<string, { secret: string }> }).communes;
  return Object.values(communes)[0]!;
}

/**
 * Zed founds a plaintext commune with Ada, Bo and Cy; Cy is removed by the
 * others' votes, then Zed leaves. Every host is closed, and the data folders
 * read as if made before private communes.
 */
async function orchardWithoutItsFounder(relay: RunningRelay) {
  const [zedDir, adaDir, boDir, cyDir] = [await dataDir(), await dataDir(), await dataDir(), await dataDir()];
  const zed = await Host.open({ dataDir: zedDir, links: relayLinks, joinTimeoutMs: 20_000 });
  await must(zed, "identity.rename", { name: "Zed" });
  // Plaintext, as every commune was before issue 13.
  const { commune } = await must(zed, "commune.create", { name: "Old Orchard", currencies: [EUR], relays: [relay.url], private: false });
  const others: Host[] = [];
  for (const [dir, name] of [
    [adaDir, "Ada"],
    [boDir, "Bo"],
    [cyDir, "Cy"],
  ] as const) {
    const host = await Host.open({ dataDir: dir, links: relayLinks, joinTimeoutMs: 20_000 });
    others.push(host);
    await must(host, "commune.join", { invite: (await must(zed, "commune.invite", { commune, days: 1 })).invite, name });
  }
  const [ada, bo, cy] = others as [Host, Host, Host];
  const everyone = [zed, ada, bo, cy];
  await until("every host to see four members", async () => {
    for (const host of everyone) if ((await must(host, "commune.show", { commune })).balances.members.length !== 4) return false;
    return true;
  });
  await must(ada, "purse.contribute", { commune, amount: "5.00", currency: "EUR", memo: "before the move" });

  const { id } = await must(zed, "proposal.create", { commune, kind: "remove", title: "Remove Cy", member: cy.keys.publicKey, deadline: { days: 7 } });
  for (const host of [zed, ada, bo]) {
    await until("the removal to reach this voter", async () => (await must(host, "proposal.list", { commune })).some((one) => one.id === id));
    // The removal may close before the last yes (the outcome can no longer turn): a vote then is refused, and not needed.
    await host.run("proposal.vote", { commune, proposal: id, choice: "yes" });
  }
  const statusOf = async (host: Host, key: string) =>
    (await must(host, "commune.show", { commune })).balances.members.find((member) => member.key === key)?.status;
  await until("Cy's removal to pass at Zed's", async () => (await statusOf(zed, cy.keys.publicKey)) === "removed");
  await must(zed, "commune.leave", { commune });
  for (const host of [ada, bo, cy])
    await until("every host to see Zed gone and Cy removed", async () => {
      const [zedStatus, cyStatus] = [await statusOf(host, zed.keys.publicKey), await statusOf(host, cy.keys.publicKey)];
      const memos = (await must(host, "purse.ledger", { commune, limit: 100 })).rows.map((row) => row.memo);
      // A removed member's host no longer shows the purse's entries.
      return zedStatus === "left" && cyStatus === "removed" && (host === cy || memos.includes("before the move"));
    });
  // Joined with this version, Ada's and Bo's hosts cannot tell an old commune from one founded plaintext by choice: they move nothing.
  for (const host of [ada, bo]) expect(await must(host, "commune.privacy", { commune })).toMatchObject({ private: false });
  const keys = { ada: ada.keys, bo: bo.keys, cy: cy.keys };
  const genesis = cy.nodes.get(commune)!.docs.genesis()!;
  for (const host of everyone) await host.close();
  for (const dir of [adaDir, boDir, cyDir]) await madeBeforePrivateCommunes(dir);
  const { secret } = await madeBeforePrivateCommunes(cyDir);
  return { commune, adaDir, boDir, cyDir, keys, genesis, secret };
}

describe("a plaintext commune made before issue 13 whose founder has left", () => {
  it("moves when Bo, active, opens it; Cy, removed before and racing with a made-up epoch 1, locks Ada and Bo out of nothing and reads nothing written after", async () => {
    const relay = await startRelay({ port: 0, dataDir: await dataDir(), log: () => {} });
    cleanups.push(() => relay.close().catch(() => {}));
    const orchard = await orchardWithoutItsFounder(relay);
    const { commune, keys } = orchard;

    // Cy kept her data folder: the commune's secret, so its relay key. She makes up a first epoch, sealed to Ada and Bo too so that
    // they can open it, registers it before anyone, and has the relay forget its plaintext copy.
    const privacy = await sodiumPrivacyCrypto();
    const crypto = nobleCrypto();
    const madeUp = makeEpochRecord(privacy, crypto, {
      commune,
      epoch: 1,
      parent: null,
      epochKey: privacy.randomKey(),
      readers: [keys.ada.publicKey, keys.bo.publicKey, keys.cy.publicKey],
      author: keys.cy,
      at: Date.now(),
    });
    const cy = await PrivateClient.connect(relay.url);
    cleanups.push(async () => cy.close());
    const registered = await cy.join(
      commune,
      idOfItem(madeUp.item),
      madeUp.keys.admission,
      { genesis: orchard.genesis, epochs: [madeUp.item] },
      relayKeyOf(orchard.secret),
    );
    expect(registered).toMatchObject({ type: "welcome", epoch: idOfItem(madeUp.item) });
    cy.ws.send(JSON.stringify({ type: "forget" }));
    expect(await cy.next()).toEqual({ type: "forgotten" });

    // Bo opens the commune: his host refuses Cy's epoch (she was removed before it), makes its own, sealed to Ada and him, and
    // registers it beside hers on the relay.
    const bo = await openHost(orchard.boDir);
    await until("Bo's host to move the commune", async () => (await must(bo, "commune.privacy", { commune })).private);
    const boSees = await must(bo, "commune.privacy", { commune });
    expect(boSees.epoch).toMatchObject({ number: 1, startedBy: "Bo" });
    expect(boSees.epoch?.id).not.toBe(idOfItem(madeUp.item));
    expect(boSees.epoch?.holders?.map((holder) => holder.name)).toEqual(["Ada", "Bo"]);
    await until("Bo's link to the relay to be up", async () => (await must(bo, "sync.status", { commune })).relays.some((one) => one.state === "connected"));
    await must(bo, "purse.contribute", { commune, amount: "1.00", currency: "EUR", memo: "after the move, for Ada and Bo only" });

    // Ada, offline until now, is refused in plaintext, reads both first epochs in the relay's chain, and follows Bo's.
    const ada = await openHost(orchard.adaDir);
    await until(
      "Ada to follow the epoch Bo's host made and read what he wrote after the move",
      async () => {
        const memos = (await must(ada, "purse.ledger", { commune, limit: 100 })).rows.map((row) => row.memo);
        const [adaEpoch, boEpoch] = [(await must(ada, "commune.privacy", { commune })).epoch?.id, (await must(bo, "commune.privacy", { commune })).epoch?.id];
        return adaEpoch !== undefined && adaEpoch === boEpoch && memos.includes("after the move, for Ada and Bo only");
      },
      30_000,
      async () => {
        const [adaSees, boSeesNow] = [await must(ada, "commune.privacy", { commune }), await must(bo, "commune.privacy", { commune })];
        const memos = (await must(ada, "purse.ledger", { commune, limit: 100 })).rows.map((row) => row.memo);
        const relays = (await must(ada, "sync.status", { commune })).relays.map((one) => `${one.state}${one.reason ? ` (${one.reason})` : ""}`);
        return JSON.stringify({
          ada: { private: adaSees.private, epoch: adaSees.epoch?.id, relays, memos },
          bo: boSeesNow.epoch?.id,
          cy: idOfItem(madeUp.item),
        });
      },
    );
    expect((await must(ada, "commune.show", { commune })).balances.purse.EUR).toBe(600);
    const followed = (await must(ada, "commune.privacy", { commune })).epoch!.id;
    expect(followed).not.toBe(idOfItem(madeUp.item));

    // Cy, admitted under her own epoch, is handed the members' epoch record and their batches, and opens none of it.
    await until("the members' writing to reach Cy's socket", async () => cy.items.length >= 2);
    const received = (await cy.fetch(0)).items.flatMap(({ bytes }) => {
      const read = decodeItem(bytes);
      return read.ok ? [read.item] : [];
    });
    const membersEpochs = received.filter((item) => item.signed.header.kind === "epoch" && idOfItem(item) !== idOfItem(madeUp.item));
    expect(membersEpochs.map(idOfItem)).toContain(followed);
    for (const record of membersEpochs) expect(openEpochRecord(privacy, crypto, crypto, record, { commune }, keys.cy).ok).toBe(false);
    const batches = received.filter((item) => item.signed.header.kind !== "epoch");
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) expect(membersEpochs.map(idOfItem)).toContain(batch.signed.header.kind !== "epoch" && batch.signed.header.epoch);
  });
});
