import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { communeIdOf, createGenesis } from "../../shared/commune/genesis";
import { FOUNDING_DEFAULTS } from "../../shared/commune/rules";
import { generateKeyPair } from "../../shared/identity/keys";
import { openHostCrypto } from "../signatures/host-crypto";
import { HistoryScans } from "../history/history-scans";
import { CommuneDocs } from "./commune-docs";
import { CommuneNode } from "./commune-node";
import { noRelays } from "../testing/host-harness";

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
    { name: "Riverside", founderName: "Ada", at: Date.UTC(2026, 2, 1), rules: { ...FOUNDING_DEFAULTS, currencies: [], spendLimit: {} } },
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
  return { node, logged, id };
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
