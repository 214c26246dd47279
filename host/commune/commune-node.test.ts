import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { communeIdOf, createGenesis } from "../../shared/commune/genesis";
import { FOUNDING_DEFAULTS } from "../../shared/commune/rules";
import { generateKeyPair } from "../../shared/identity/keys";
import { openHostCrypto } from "../signatures/host-crypto";
import { HistoryScans } from "../history/history-scans";
import { CommuneDocs } from "./commune-docs";
import { CommuneNode } from "./commune-node";
import { noRelays } from "../testing/host-harness";
import { toStored } from "../../shared/docs/automerge-form";
import { listIn } from "./containers";
import { entry } from "../../shared/testing/purse-fixtures";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A node over a freshly founded commune whose shards load as `loading` says (made only when the node takes it, so a failure is never unhandled). */
async function nodeLoading(loading: () => Promise<void>) {
  const dataDir = await mkdtemp(join(tmpdir(), "commune-node-"));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const keys = generateKeyPair();
  const crypto = openHostCrypto(dataDir);
  cleanup.push(() => crypto.close());
  const history = new HistoryScans();
  cleanup.push(() => history.close());
  const genesis = createGenesis(
    crypto,
    {
      name: "Riverside",
      founderName: "Ada",
      at: Date.UTC(2026, 2, 1),
      rules: { ...FOUNDING_DEFAULTS, currencies: [{ code: "EUR", name: "Euro", decimals: 2 }], spendLimit: {} },
    },
    keys,
  );
  const id = communeIdOf(genesis);
  const docs = await CommuneDocs.found(CommuneDocs.repoFor(dataDir, id, []), genesis, id, []);
  const logged: string[] = [];
  const record = { id, name: "Riverside", doc: docs.commune.url, secret: "s".repeat(32), relays: [] };
  const node = new CommuneNode(
    record,
    docs,
    [],
    { dataDir, crypto, history, identity: { keys, name: "Ada" }, links: noRelays, now: () => Date.now(), log: (line) => logged.push(line) },
    loading(),
  );
  cleanup.push(() => node.close());
  return { node, logged, id, docs, crypto, keys };
}

it("reports a load that failed in its sync status and in one logged line, instead of swallowing it", async () => {
  const { node, logged, id } = await nodeLoading(() => Promise.reject(new Error("the disk could not be read")));
  await node.whenLoaded();
  expect(node.syncStatus().loadProblem).toBe("Riverside could not load its documents: the disk could not be read");
  expect(logged).toEqual([`commune ${id}: Riverside could not load its documents: the disk could not be read`]);
  // What did load still answers: the commune is shown from the documents it has.
  expect(node.loaded).toBe(true);
});

it("has no load problem when its documents loaded", async () => {
  const { node, logged } = await nodeLoading(() => Promise.resolve());
  await node.whenLoaded();
  expect(node.syncStatus().loadProblem).toBeUndefined();
  expect(logged).toEqual([]);
});

it("checks the signatures of a shard that is in while the rest of the purse is still arriving", async () => {
  let arrived = () => {};
  const { node, docs, crypto, keys, id } = await nodeLoading(() => new Promise<void>((resolve) => (arrived = resolve)));
  node.readAheadWhileLoading();
  const shard = await docs.ownShard(keys.publicKey, "2026", id);
  const entries = Array.from({ length: 20 }, (_, i) => entry(keys, { commune: id, kind: "contribution", at: Date.UTC(2026, 2, 2, i), amount: 100 + i }));
  shard.change((doc) => {
    for (const signed of entries) listIn(doc, "entries").push(toStored(signed));
  });

  // The purse is still loading (a newcomer's link has not read to the end), yet this shard's entries are checked already.
  await vi.waitFor(() => expect(crypto.verifications()).toBe(entries.length), { timeout: 10_000 });
  expect(node.loaded).toBe(false);

  arrived();
  await node.whenLoaded();
  const model = node.model();
  if (!model.ok) throw new Error(model.error.message);
  expect(model.value.entries.length).toBe(entries.length);
  // The count found them checked: besides the genesis, read once now, nothing is verified again.
  expect(crypto.verifications()).toBe(entries.length + 1);
});
