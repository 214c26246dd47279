import type { AutomergeUrl, DocHandle } from "@automerge/automerge-repo";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RunningRelay } from "./relay";
import { makeCommune, startMember, tempDir, waitFor, type Member } from "./testing/relay-harness";

interface Ledger {
  entries: string[];
}

describe("relay", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function relayIn(dataDir: string, port = 0): Promise<RunningRelay> {
    const relay = await startRelay({ port, dataDir });
    cleanups.push(() => relay.close());
    return relay;
  }
  function member(...args: Parameters<typeof startMember>): Member {
    const started = startMember(...args);
    cleanups.push(() => started.stop());
    return started;
  }
  async function dir(): Promise<string> {
    const made = await tempDir();
    cleanups.push(() => made.remove());
    return made.path;
  }

  it("lets two members sync a document through the relay, both ways", async () => {
    const relay = await relayIn(await dir());
    const commune = makeCommune(1);
    const ada = member(relay.url, commune, { register: true });
    await ada.connected();
    const bo = member(relay.url, commune);
    await bo.connected();

    const adaLedger = ada.repo.create<Ledger>({ entries: ["ada: 10 EUR"] });
    await ada.syncedWithRelay(adaLedger);
    const boLedger = await bo.repo.find<Ledger>(adaLedger.url);
    expect(boLedger.doc().entries).toEqual(["ada: 10 EUR"]);

    boLedger.change((doc) => {
      doc.entries.push("bo: 3 HOUR");
    });
    await waitFor("Ada to see Bo's entry", () => adaLedger.doc().entries.length === 2);
    expect(adaLedger.doc().entries).toEqual(["ada: 10 EUR", "bo: 3 HOUR"]);
    expect(relay.stats()).toMatchObject({ communes: 1, openCommunes: 1, admitted: 2 });
  });

  it("brings a member who was offline during a change up to date when it reconnects", async () => {
    const relay = await relayIn(await dir());
    const commune = makeCommune(2);
    const ada = member(relay.url, commune, { register: true });
    const bo = member(relay.url, commune);
    await Promise.all([ada.connected(), bo.connected()]);
    const adaLedger = ada.repo.create<Ledger>({ entries: [] });
    await ada.syncedWithRelay(adaLedger);
    const boLedger = await bo.repo.find<Ledger>(adaLedger.url);

    bo.adapter.disconnect();
    expect(bo.adapter.status.state).toBe("offline");
    adaLedger.change((doc) => {
      doc.entries.push("while Bo was away");
    });
    await ada.syncedWithRelay(adaLedger);
    expect(boLedger.doc().entries).toEqual([]);

    bo.adapter.connect(bo.peerId);
    await bo.connected();
    await waitFor("Bo to catch up", () => boLedger.doc().entries.length === 1);
    expect(boLedger.doc().entries).toEqual(["while Bo was away"]);
  });

  it("delivers what a member wrote while offline once it reconnects (its sends were dropped, the Repo resyncs)", async () => {
    const relay = await relayIn(await dir());
    const commune = makeCommune(3);
    const ada = member(relay.url, commune, { register: true });
    const bo = member(relay.url, commune);
    await Promise.all([ada.connected(), bo.connected()]);
    const adaLedger = ada.repo.create<Ledger>({ entries: [] });
    await ada.syncedWithRelay(adaLedger);
    const boLedger = await bo.repo.find<Ledger>(adaLedger.url);

    ada.adapter.disconnect();
    adaLedger.change((doc) => {
      doc.entries.push("written offline");
    });
    ada.adapter.connect(ada.peerId);
    await ada.connected();
    await waitFor("Bo to receive Ada's offline entry", () => boLedger.doc().entries.length === 1);
    expect(boLedger.doc().entries).toEqual(["written offline"]);
  });

  it("sends a member a document it asked for before the relay had it, once the document arrives", async () => {
    const relay = await relayIn(await dir());
    const commune = makeCommune(7);
    const ada = member(relay.url, commune, { register: true });
    const bo = member(relay.url, commune);
    await Promise.all([ada.connected(), bo.connected()]);
    // Ada writes a new shard offline; Bo learns its URL (say, from the commune's index) and asks first.
    ada.adapter.disconnect();
    const shard = ada.repo.create<Ledger>({ entries: ["written before the relay had it"] });
    await expect(bo.repo.find(shard.url)).rejects.toThrow(/unavailable/);
    ada.adapter.connect(ada.peerId);
    await ada.syncedWithRelay(shard);
    // The relay does not announce documents, but Bo asked: it is sent to Bo as soon as it arrives.
    await waitFor("Bo's copy of the shard", async () => (await bo.repo.find<Ledger>(shard.url, { allowableStates: ["ready", "unavailable"] })).isReady());
    expect((await bo.repo.find<Ledger>(shard.url)).doc().entries).toEqual(["written before the relay had it"]);
  });

  it("passes a member's broadcast (presence) on to the other members, and nobody is cut off for it", async () => {
    const relay = await relayIn(await dir());
    const commune = makeCommune(6);
    const ada = member(relay.url, commune, { register: true });
    const bo = member(relay.url, commune);
    const cy = member(relay.url, commune);
    await Promise.all([ada.connected(), bo.connected(), cy.connected()]);
    const adaLedger = ada.repo.create<Ledger>({ entries: [] });
    await ada.syncedWithRelay(adaLedger);
    const [boLedger, cyLedger] = await Promise.all([bo.repo.find<Ledger>(adaLedger.url), cy.repo.find<Ledger>(adaLedger.url)]);
    const heard = { bo: [] as unknown[], cy: [] as unknown[] };
    boLedger.on("ephemeral-message", ({ message }) => heard.bo.push(message));
    cyLedger.on("ephemeral-message", ({ message }) => heard.cy.push(message));
    const statuses = [ada, bo, cy].map((one) => one.statuses.length);

    await waitFor("Bo and Cy to hear Ada", () => {
      // Repeated until heard: whether Bo and Cy already sync the ledger with the relay is up to their Repos.
      adaLedger.broadcast({ editing: "ada" });
      return heard.bo.length > 0 && heard.cy.length > 0;
    });
    expect(heard.bo[0]).toEqual({ editing: "ada" });
    expect(heard.cy[0]).toEqual({ editing: "ada" });
    adaLedger.change((doc) => {
      doc.entries.push("after the broadcast");
    });
    await waitFor("both to receive the change", () => boLedger.doc().entries.length === 1 && cyLedger.doc().entries.length === 1);
    expect([ada, bo, cy].map((one) => one.statuses.length)).toEqual(statuses);
  });

  it("keeps the documents and the registry across a restart on the same data folder", async () => {
    const dataDir = await dir();
    const commune = makeCommune(4);
    const first = await startRelay({ port: 0, dataDir });
    let url: AutomergeUrl;
    try {
      const ada = startMember(first.url, commune, { register: true });
      try {
        await ada.connected();
        const ledger = ada.repo.create<Ledger>({ entries: ["before the restart"] });
        ledger.change((doc) => {
          doc.entries.push("also before");
        });
        await ada.syncedWithRelay(ledger);
        url = ledger.url;
      } finally {
        await ada.stop();
      }
    } finally {
      await first.close();
    }

    const second = await relayIn(dataDir);
    // Bo does not register: the relay must remember the commune and its key.
    const bo = member(second.url, commune);
    await bo.connected();
    const ledger = await bo.repo.find<Ledger>(url);
    expect(ledger.doc().entries).toEqual(["before the restart", "also before"]);
    expect(second.stats().communes).toBe(1);
  });

  it("reconnects members after the relay restarts on the same port, and syncs what changed meanwhile", async () => {
    const dataDir = await dir();
    const commune = makeCommune(5);
    let relay = await startRelay({ port: 0, dataDir });
    const port = relay.port;
    cleanups.push(() => relay.close());
    const ada = member(relay.url, commune, { register: true });
    const bo = member(relay.url, commune);
    await Promise.all([ada.connected(), bo.connected()]);
    const adaLedger = ada.repo.create<Ledger>({ entries: [] });
    await ada.syncedWithRelay(adaLedger);
    const boLedger: DocHandle<Ledger> = await bo.repo.find<Ledger>(adaLedger.url);

    await relay.close();
    await waitFor("both members to notice", () => ada.adapter.status.state !== "connected" && bo.adapter.status.state !== "connected");
    adaLedger.change((doc) => {
      doc.entries.push("while the relay was down");
    });
    relay = await startRelay({ port, dataDir });
    await Promise.all([ada.connected(), bo.connected()]);
    await waitFor("Bo to receive the change", () => boLedger.doc().entries.length === 1);
    expect(boLedger.doc().entries).toEqual(["while the relay was down"]);
    expect(ada.statuses.map((status) => status.state)).toContain("offline");
  });
});
