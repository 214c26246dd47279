/**
 * Deterministic synthetic communes for the benchmarks and the scaling test.
 *
 * A commune of N purse entries is written straight into a member's data
 * directory as the host would leave it: identity.json and communes.json
 * (through the host's own store functions), and the commune's documents
 * (CommuneDoc with the signed genesis and join events, ProposalsDoc,
 * InventoryDoc, one purse shard per member per year) through an
 * automerge-repo Repo with NodeFS storage at communes/<id>/repo.
 *
 * Building is fast on purpose: entries are signed with node:crypto (Ed25519
 * signatures are deterministic, so they are the bytes noble would make) and
 * each shard is written in a few large changes (one per 1,000 entries), not
 * one change per entry as a host would. The documents therefore hold far
 * fewer Automerge changes than a real purse of the same size; see
 * docs/performance.md for what that flatters.
 */
import type * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { bytesToHex } from "@noble/hashes/utils.js";
import { createPrivateKey, sign as cryptoSign, type KeyObject } from "node:crypto";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { communeIdOf, type Genesis } from "../shared/commune/genesis";
import type { SignedMembershipEvent } from "../shared/commune/events";
import type { Rules } from "../shared/commune/rules";
import { spendPeriodOf } from "../shared/commune/spend-period";
import { fromStored, toStored } from "../shared/docs/automerge-form";
import { periodOf, shardKey, type CommuneDoc, type InventoryDoc, type ProposalsDoc, type PurseShardDoc } from "../shared/docs/documents";
import { canonicalJson } from "../shared/identity/canonical";
import { keyPairFromSecret, type KeyPair } from "../shared/identity/keys";
import type { Signed, SignaturePurpose } from "../shared/identity/signed";
import { EUR, HOUR } from "../shared/money/currency";
import type { Entry, SignedEntry } from "../shared/purse/entry";
import { saveCommuneIndex, type CommuneRecord } from "../host/store/commune-index";
import { saveIdentity } from "../host/store/identity-store";
import { epochKeyringPath } from "../host/sync/epoch-keyring";
import { nobleSigner } from "../shared/identity/crypto";
import { sodiumPrivacyCrypto } from "../shared/privacy/crypto";
import { makeEpochRecord } from "../shared/privacy/epochs";
import { encodeItem, idOfItem } from "../shared/privacy/headers";

export interface CommuneSpec {
  entries: number;
  members: number;
  seed: number;
}

export interface Member {
  name: string;
  /** 32-byte seed as hex. */
  secret: string;
  publicKey: string;
}

/** What a built commune is, as stored next to its template data directory. */
export interface FixtureInfo {
  spec: CommuneSpec;
  communeId: string;
  docUrl: string;
  secret: string;
  members: Member[];
  shards: number;
  /** The purse balance per currency once every entry counts. */
  purse: Record<string, number>;
  /** Milliseconds spent generating and signing, and writing the documents. */
  signMs: number;
  writeMs: number;
}

export interface Fixture extends FixtureInfo {
  /** The founder's data directory, never opened in place: copy it first (copyDataDir). */
  template: string;
  /** Whether this run built it (false: reused from the cache). */
  built: boolean;
}

const DAY = 86_400_000;
const FOUNDED = Date.UTC(2023, 11, 1);
const FIRST_ENTRY = Date.UTC(2024, 0, 1);
const LAST_ENTRY = Date.UTC(2026, 9, 31);
const ENTRIES_PER_CHANGE = 1_000;

export const benchRules: Rules = {
  quorumPercent: 50,
  thresholdPercent: 50,
  allowBlock: true,
  spendLimit: { EUR: 5000, HOUR: 800 },
  // Per member per day: a member of the 100,000-entry commune writes about ten entries a day, so a longer period would turn most of its disbursements into contributions.
  spendPeriod: "day",
  admission: "direct",
  currencies: [EUR, HOUR],
};

const NAMES = ["Ada", "Bo", "Cyd", "Dee", "Eli", "Fen", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu", "Mo", "Nia", "Oz", "Pia"];
const MEMOS = [
  "groceries",
  "bread and vegetables from the market",
  "roof repair materials",
  "garden shift",
  "kitchen duty",
  "firewood",
  "bike repair for the shared bikes",
  "monthly contribution",
  "childcare afternoon",
  "seeds for the spring beds",
  "fixing the water pump",
  "",
];
const PAYEES = ["Hardware store", "Farmers co-op", "Electricity", "Bakery", "Village council"];

/** mulberry32: a small seeded PRNG, enough for reproducible data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hexFrom(random: () => number, bytes: number): string {
  let hex = "";
  for (let i = 0; i < bytes; i++)
    hex += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, "0");
  return hex;
}

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** Signs exactly as shared/identity/signed.ts `sign` does, with OpenSSL instead of noble (same bytes: Ed25519 is deterministic). */
class FastSigner {
  readonly keys: KeyPair;
  readonly #key: KeyObject;
  constructor(keys: KeyPair) {
    this.keys = keys;
    this.#key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, keys.secretKey]), format: "der", type: "pkcs8" });
  }
  sign<T extends object>(purpose: SignaturePurpose, fields: T): Signed<T> {
    const withAuthor = { ...fields, by: this.keys.publicKey };
    const message = Buffer.from(`commune/${purpose}/v1\n${canonicalJson(withAuthor)}`, "utf8");
    return { ...withAuthor, sig: cryptoSign(null, message, this.#key).toString("hex") } as Signed<T>;
  }
}

export function membersOf(spec: CommuneSpec): Member[] {
  const random = prng(spec.seed ^ 0x5eed);
  return Array.from({ length: spec.members }, (_, i) => {
    const secret = hexFrom(random, 32);
    const keys = keyPairFromSecret(Buffer.from(secret, "hex"));
    return { name: NAMES[i % NAMES.length]! + (i >= NAMES.length ? ` ${Math.floor(i / NAMES.length) + 1}` : ""), secret, publicKey: keys.publicKey };
  });
}

export const keysOf = (member: Member): KeyPair => keyPairFromSecret(new Uint8Array(Buffer.from(member.secret, "hex")));

interface History {
  genesis: Signed<Genesis>;
  communeId: string;
  events: SignedMembershipEvent[];
  /** Entries per shard key, in time order. */
  shards: Map<string, { owner: string; period: string; entries: SignedEntry[] }>;
  purse: Record<string, number>;
}

/** The signed history: genesis, one join per member, and N entries that all count. */
export function generateHistory(spec: CommuneSpec, members: Member[]): History {
  const random = prng(spec.seed);
  const signers = members.map((member) => new FastSigner(keysOf(member)));
  const founder = signers[0]!;
  const genesis = founder.sign("genesis", {
    name: `Synthetic ${spec.entries}`,
    founderName: members[0]!.name,
    at: FOUNDED,
    nonce: hexFrom(random, 16),
    rules: benchRules,
  });
  const communeId = communeIdOf(genesis);
  const events: SignedMembershipEvent[] = [];
  for (let i = 1; i < members.length; i++) {
    const at = FOUNDED + DAY + i * 3_600_000;
    const invite = founder.sign("invite", { commune: communeId, id: `invite-${i}`, at: at - 1, expiresAt: at + 7 * DAY });
    events.push(signers[i]!.sign("membership", { type: "join", commune: communeId, at, name: members[i]!.name, invite }) as SignedMembershipEvent);
  }

  const shards: History["shards"] = new Map();
  const purse = new Map<string, number>([
    ["EUR", 0],
    ["HOUR", 0],
  ]);
  /** What each member took out without a proposal, per currency and period: a disbursement that would pass the limit is written as a contribution. */
  const taken = new Map<string, number>();
  const step = (LAST_ENTRY - FIRST_ENTRY) / Math.max(1, spec.entries);
  for (let n = 0; n < spec.entries; n++) {
    const author = Math.floor(random() * members.length);
    const at = Math.floor(FIRST_ENTRY + n * step);
    const currency = random() < 0.6 ? "EUR" : "HOUR";
    const limit = benchRules.spendLimit[currency]!;
    const roll = random();
    let fields: Omit<Entry, "commune" | "id" | "at">;
    const memo = MEMOS[Math.floor(random() * MEMOS.length)]!;
    const other = (author + 1 + Math.floor(random() * (members.length - 1))) % members.length;
    if (roll < 0.12 && members.length > 1) {
      fields = { kind: "transfer", amount: 100 + Math.floor(random() * 2000), currency, memo, to: members[other]!.publicKey };
    } else if (roll < 0.22) {
      const amount = 100 + Math.floor(random() * (limit - 100));
      const allowance = `${author} ${currency} ${spendPeriodOf(at, benchRules.spendPeriod!).key}`;
      if ((purse.get(currency) ?? 0) >= amount && (taken.get(allowance) ?? 0) + amount <= limit) {
        taken.set(allowance, (taken.get(allowance) ?? 0) + amount);
        fields =
          random() < 0.5
            ? { kind: "disbursement", amount, currency, memo, payee: PAYEES[Math.floor(random() * PAYEES.length)]! }
            : { kind: "disbursement", amount, currency, memo, to: members[other]!.publicKey };
      } else {
        fields = { kind: "contribution", amount, currency, memo };
      }
    } else if (roll < 0.25) {
      fields = { kind: "exchange", amount: 100 + Math.floor(random() * 5000), currency, memo, partner: "Hillside", direction: "in" };
    } else {
      fields = { kind: "contribution", amount: 100 + Math.floor(random() * 20_000), currency, memo };
    }
    const effect = fields.kind === "disbursement" ? -fields.amount : fields.kind === "transfer" ? 0 : fields.amount;
    purse.set(currency, (purse.get(currency) ?? 0) + effect);
    const entry = signers[author]!.sign("entry", { ...fields, commune: communeId, id: hexFrom(random, 16), at } as Entry);
    const period = periodOf(at);
    const key = shardKey(members[author]!.publicKey, period);
    let shard = shards.get(key);
    if (!shard) shards.set(key, (shard = { owner: members[author]!.publicKey, period, entries: [] }));
    shard.entries.push(entry);
  }
  return { genesis, communeId, events, shards, purse: Object.fromEntries(purse) };
}

/** Writes the history as the founder's data directory. */
async function writeDataDir(dir: string, spec: CommuneSpec, members: Member[], history: History): Promise<Omit<FixtureInfo, "signMs" | "writeMs">> {
  const { genesis, communeId, events } = history;
  const repo = new Repo({ storage: new NodeFSStorageAdapter(join(dir, "communes", communeId, "repo")), network: [], sharePolicy: async () => false });
  const proposals = repo.create(toStored<ProposalsDoc>({ schema: 1, type: "proposals", commune: communeId, proposals: {}, votes: {} }));
  const inventory = repo.create(toStored<InventoryDoc>({ schema: 1, type: "inventory", commune: communeId, items: {} }));
  const index: Record<string, string> = {};
  for (const [key, shard] of history.shards) {
    const first = shard.entries.slice(0, ENTRIES_PER_CHANGE);
    const handle = repo.create(
      toStored<PurseShardDoc>({ schema: 1, type: "purse-shard", commune: communeId, owner: shard.owner, period: shard.period, entries: first }),
    );
    for (let from = ENTRIES_PER_CHANGE; from < shard.entries.length; from += ENTRIES_PER_CHANGE) {
      const chunk = toStored(shard.entries.slice(from, from + ENTRIES_PER_CHANGE));
      handle.change((doc) => {
        doc.entries.push(...(chunk as typeof doc.entries));
      });
    }
    index[key] = handle.url;
  }
  const commune = repo.create(
    toStored<CommuneDoc>({
      schema: 1,
      type: "commune",
      genesis,
      events,
      relays: [],
      docs: { proposals: proposals.url, inventory: inventory.url },
      shards: index,
      partners: {},
    }),
  );
  await repo.flush();
  await repo.shutdown();
  const secret = bytesToHex(new Uint8Array(Buffer.from(hexFrom(prng(spec.seed ^ 0xc0ffee), 32), "hex")));
  const founder = members[0]!;
  await saveIdentity(dir, { keys: keysOf(founder), name: founder.name });
  // Marked plaintext by choice, so a host that opens a copy measures the commune as it is and does not first move it to private
  // (host/commune/moving-over.ts); the private figures make their copies private themselves (makePrivate).
  const record: CommuneRecord = { id: communeId, name: genesis.name, doc: commune.url, secret, relays: [], plaintext: true };
  await saveCommuneIndex(dir, new Map([[communeId, record]]));
  return { spec, communeId, docUrl: commune.url, secret, members, shards: history.shards.size, purse: history.purse };
}

/**
 * "-p": built under the spend limit per member per period; a cache from
 * before it holds disbursements that no longer all count. "-q": the
 * founder's copy is marked plaintext by choice; one from before it would
 * be moved to private by the first host that opens it.
 */
export const fixtureName = (spec: CommuneSpec) => `n${spec.entries}-m${spec.members}-s${spec.seed}-q`;

/**
 * The commune for `spec`, from the cache under `cacheDir` when it was built
 * before (same N, members and seed), else built now and cached.
 */
export async function fixture(spec: CommuneSpec, cacheDir: string): Promise<Fixture> {
  const dir = join(cacheDir, fixtureName(spec));
  const template = join(dir, "founder");
  try {
    const info = JSON.parse(await readFile(join(dir, "fixture.json"), "utf8")) as FixtureInfo;
    return { ...info, template, built: false };
  } catch {
    // Not cached (or half written): build it.
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(template, { recursive: true });
  const members = membersOf(spec);
  const signStart = performance.now();
  const history = generateHistory(spec, members);
  const signMs = performance.now() - signStart;
  const writeStart = performance.now();
  const written = await writeDataDir(template, spec, members, history);
  const writeMs = performance.now() - writeStart;
  const info: FixtureInfo = { ...written, signMs, writeMs };
  await writeFile(join(dir, "fixture.json"), `${JSON.stringify(info, null, 2)}\n`);
  return { ...info, template, built: true };
}

/** A working copy of a data directory (the template is never opened in place). */
export async function copyDataDir(from: string, to: string): Promise<string> {
  await cp(from, to, { recursive: true });
  return to;
}

/**
 * Makes `dir` the data directory of member `index` (same documents, that
 * member's identity), with the given relays: plaintext by choice unless
 * `privately` (then makePrivate gives it its keyring).
 */
export async function becomeMember(dir: string, info: FixtureInfo, index: number, relays: string[], privately = false): Promise<void> {
  const member = info.members[index]!;
  await saveIdentity(dir, { keys: keysOf(member), name: member.name });
  const record: CommuneRecord = {
    id: info.communeId,
    name: `Synthetic ${info.spec.entries}`,
    doc: info.docUrl,
    secret: info.secret,
    relays,
    ...(privately ? {} : { plaintext: true as const }),
  };
  await saveCommuneIndex(dir, new Map([[info.communeId, record]]));
}

/** Plain-data entries of every shard, read with raw Automerge (for the JSON baselines). */
export function plainEntries(docs: A.Doc<unknown>[]): unknown[] {
  const all: unknown[] = [];
  for (const doc of docs) {
    const entries = (doc as { entries?: unknown[] }).entries;
    if (Array.isArray(entries)) for (const entry of entries) all.push(fromStored(entry));
  }
  return all;
}

/**
 * Turns member data directories of a synthetic commune private (issue 13):
 * epoch 1, begun by the founder now and sealed to every member, written to
 * each directory's keyring as a host keeps it (`communes/<id>/epochs.json`).
 * The genesis names no admission key, as a commune moved from plaintext's
 * does, so its relays anchor epoch 1 in the founder's signature.
 */
export async function makePrivate(dirs: readonly string[], info: FixtureInfo): Promise<void> {
  const privacy = await sodiumPrivacyCrypto();
  const epochKey = privacy.randomKey();
  const { item } = makeEpochRecord(privacy, nobleSigner, {
    commune: info.communeId,
    epoch: 1,
    parent: null,
    epochKey,
    readers: info.members.map((member) => member.publicKey),
    author: keysOf(info.members[0]!),
    at: Date.now(),
  });
  const keyring = { v: 1, records: [Buffer.from(encodeItem(item)).toString("base64")], keys: { [idOfItem(item)]: bytesToHex(epochKey) }, numbers: {} };
  for (const dir of dirs) await writeFile(epochKeyringPath(dir, info.communeId), `${JSON.stringify(keyring)}\n`, { mode: 0o600 });
}
