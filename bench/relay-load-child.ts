/**
 * One process of the relay-under-load figure (bench/relay-load.ts):
 *
 *   relay-load-child relay <dataDir>   the commune relay (relay/relay.ts), alone
 *                                      in its process so its RSS is its own;
 *   relay-load-child broadcast         the baseline: a bare ws server that
 *                                      forwards each message to the other
 *                                      sockets of the same commune;
 *   relay-load-child members           a share of the communes' members, told
 *                                      which over IPC.
 *
 * In "relay" mode each member is an automerge-repo Repo of its own (in
 * memory) with a RelayClientAdapter, as a member's host connects: the relay
 * handshake, then automerge-repo sync. Each commune's founder writes signed
 * purse entries into a purse shard, one Automerge change per entry as a
 * host does; the other members time each entry from its `at` (the writer's
 * Date.now() when it signed) to the moment their Repo applied it. Members
 * do not verify or judge what they receive: this figure is about the
 * relay's forwarding, not a host's views. In "broadcast" mode the members
 * are bare ws clients and the writer sends the same signed entry as JSON. In
 * "private" mode the members speak the relay's private protocol (see
 * privateCommune below).
 *
 * Speaks only over IPC (bench/relay-load-protocol.ts); stdout stays quiet.
 */
import * as A from "@automerge/automerge";
import { Repo, type AutomergeUrl, type DocHandle, type PeerId } from "@automerge/automerge-repo";
import { createPrivateKey, randomBytes, sign as cryptoSign, type KeyObject } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import WebSocket, { WebSocketServer } from "ws";
import { RelayClientAdapter } from "../host/sync/relay-client";
import { startRelay } from "../relay/relay";
import { installSyncRate } from "../repo-adaptations/sync-rate";
import { admissionProof, decodeFrame, encodeFrame, toBase64 } from "../relay/private/protocol";
import { anchorOf, communeIdOf as communeIdFromGenesis } from "../shared/commune/genesis";
import { nobleSigner } from "../shared/identity/crypto";
import { sodiumPrivacyCrypto, type PrivacyCrypto } from "../shared/privacy/crypto";
import { sealBatch } from "../shared/privacy/envelopes";
import { associatedData, makeEpochRecord } from "../shared/privacy/epochs";
import { decodeItem, encodeItem, idOfItem, PRIVATE_PROTOCOL } from "../shared/privacy/headers";
import { toStored } from "../shared/docs/automerge-form";
import type { PurseShardDoc } from "../shared/docs/documents";
import { canonicalJson } from "../shared/identity/canonical";
import { keyPairFromSecret, type KeyPair } from "../shared/identity/keys";
import type { Signed } from "../shared/identity/signed";
import { relayKeyOf } from "../shared/sync/relay-handshake";
import type { Entry } from "../shared/purse/entry";
import { toChildSchema, type FromChild, type LoadCommune, type ToChild } from "./relay-load-protocol";

const LOAD_MEMO = "load: bread and vegetables from the market";
const WARMUP_MEMO = "warm-up: bread and vegetables from the market";
const SETUP_TIMEOUT_MS = 180_000;
/** How many members of different communes connect at once while setting up. */
const SETUP_BATCH = 25;

function send(message: FromChild): void {
  process.send?.(message);
}

const handlers: ((message: ToChild) => void)[] = [];
process.on("message", (raw) => {
  const parsed = toChildSchema.safeParse(raw);
  if (!parsed.success) return send({ type: "failed", message: `bad message from the bench: ${parsed.error.message}` });
  for (const handler of handlers) handler(parsed.data);
});
process.on("disconnect", () => process.exit(0));
const onMessage = (handler: (message: ToChild) => void) => handlers.push(handler);

const fail = (error: unknown) => {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  setTimeout(() => process.exit(1), 100);
};

// ---------------------------------------------------------------- servers

/** Samples this process's RSS every 100 ms; answers "mark" and "report". */
function serveMeasurements(rssStart: number, counters: () => { closed: number; errors: number }, close: () => Promise<void>): void {
  let rssConnected = 0;
  let peak = 0;
  let cpuAtMark = process.cpuUsage();
  let markedAt = performance.now();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  onMessage((message) => {
    if (message.type === "mark") {
      rssConnected = process.memoryUsage.rss();
      peak = rssConnected;
      cpuAtMark = process.cpuUsage();
      markedAt = performance.now();
    } else if (message.type === "report") {
      const cpu = process.cpuUsage(cpuAtMark);
      send({
        type: "server-report",
        rssStart,
        rssConnected,
        rssLoadPeak: Math.max(peak, process.memoryUsage.rss()),
        cpuMs: (cpu.user + cpu.system) / 1000,
        windowMs: performance.now() - markedAt,
        ...counters(),
      });
    } else if (message.type === "stop") {
      clearInterval(sampler);
      void close().then(() => process.exit(0), fail);
    }
  });
}

async function relayServer(dataDir: string): Promise<void> {
  let closed = 0;
  let errors = 0;
  const relay = await startRelay({
    port: 0,
    dataDir,
    // Every simulated member connects, and every commune registers, from 127.0.0.1; the defaults per address are for the open internet.
    limits: { maxConnectionsPerAddress: 2_000, maxConnections: 2_000, registrationsPerAddressPerHour: 1_000, registrationsPerHour: 1_000 },
    log: (event) => {
      if (event.event === "closed") closed++;
      else if (event.event === "error") errors++;
    },
  });
  serveMeasurements(
    process.memoryUsage.rss(),
    () => ({ closed, errors }),
    () => relay.close(),
  );
  send({ type: "listening", url: relay.url });
}

/** The floor: what forwarding the same messages to the same members costs with nothing but ws. */
async function broadcastServer(): Promise<void> {
  const rooms = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  wss.on("connection", (socket) => {
    let room: Set<WebSocket> | undefined;
    socket.on("error", () => {});
    socket.on("close", () => room?.delete(socket));
    socket.on("message", (data, isBinary) => {
      if (!room) {
        const commune = data.toString();
        room = rooms.get(commune) ?? new Set();
        rooms.set(commune, room);
        room.add(socket);
        socket.send("joined");
        return;
      }
      for (const other of room) if (other !== socket && other.readyState === WebSocket.OPEN) other.send(data, { binary: isBinary });
    });
  });
  const port = (wss.address() as { port: number }).port;
  serveMeasurements(
    process.memoryUsage.rss(),
    () => ({ closed: 0, errors: 0 }),
    () => new Promise((resolve) => wss.close(() => resolve())),
  );
  send({ type: "listening", url: `ws://127.0.0.1:${port}` });
}

// ---------------------------------------------------------------- members

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** Signs as shared/identity/signed.ts does (same bytes: Ed25519 is deterministic), with OpenSSL: noble at 500 entries a second would load the member processes, not the relay. */
function entrySigner(founderSecret: string): { publicKey: string; sign(fields: Omit<Entry, "id" | "at">): Signed<Entry> } {
  const keys = keyPairFromSecret(new Uint8Array(Buffer.from(founderSecret, "hex")));
  const key: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, keys.secretKey]), format: "der", type: "pkcs8" });
  return {
    publicKey: keys.publicKey,
    sign(fields) {
      const entry = { ...fields, id: randomBytes(16).toString("hex"), at: Date.now(), by: keys.publicKey };
      const message = Buffer.from(`commune/entry/v1\n${canonicalJson(entry)}`, "utf8");
      return { ...entry, sig: cryptoSign(null, message, key).toString("hex") };
    },
  };
}

/** One commune's members in this process, in either mode. */
interface CommuneLoad {
  /** The writer appends one entry. */
  write(memo: string): void;
  stop(): Promise<void>;
}

interface Tally {
  latencies: number[];
  delivered: number;
}

function record(tally: Tally, memo: string, at: number): void {
  if (memo !== LOAD_MEMO) return;
  tally.latencies.push(Date.now() - at);
  tally.delivered++;
}

function until(what: string, check: () => boolean, timeoutMs = SETUP_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = () => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`Timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

interface ReadShard {
  entries: { at: number; memo: unknown }[];
}

const communeIdOf = (commune: LoadCommune): string => communeIdFromGenesis(commune.genesis);

function repoMember(url: string, commune: LoadCommune, label: string, register: boolean): { repo: Repo; adapter: RelayClientAdapter } {
  const adapter = new RelayClientAdapter({
    url,
    commune: communeIdOf(commune),
    relayKey: relayKeyOf(commune.secret),
    reconnect: { initialDelayMs: 50, maxDelayMs: 1_000 },
    handshakeTimeoutMs: 60_000,
    ...(register ? { register: { genesis: commune.genesis } } : {}),
  });
  const repo = new Repo({ network: [adapter], peerId: `${label}-${randomBytes(4).toString("hex")}` as PeerId, sharePolicy: async () => true });
  return { repo, adapter };
}

async function relayCommune(url: string, commune: LoadCommune, members: number, tally: Tally): Promise<CommuneLoad> {
  const id = communeIdOf(commune);
  const label = `c${commune.index}`;
  const signer = entrySigner(commune.founderSecret);
  const writer = repoMember(url, commune, `${label}-writer`, true);
  await until(`${label}'s writer to connect`, () => writer.adapter.status.state === "connected");
  const shard = writer.repo.create<ReadShard>(
    toStored<PurseShardDoc>({ schema: 1, type: "purse-shard", commune: id, owner: signer.publicKey, period: "2026", entries: [] }) as unknown as ReadShard,
  );
  await until(`the relay to hold ${label}'s shard`, () => {
    const relayPeer = Object.entries(writer.repo.peerMetadataByPeerId).find(([peer]) => peer.startsWith("relay-"));
    const storageId = relayPeer?.[1].storageId;
    const synced = storageId ? shard.getSyncInfo(storageId)?.lastHeads : undefined;
    return synced !== undefined && JSON.stringify(synced) === JSON.stringify(shard.heads());
  });
  const receivers = await Promise.all(
    Array.from({ length: members - 1 }, async (_, i) => {
      const member = repoMember(url, commune, `${label}-m${i + 1}`, false);
      await until(`${label}-m${i + 1} to connect`, () => member.adapter.status.state === "connected");
      const handle: DocHandle<ReadShard> = await member.repo.find<ReadShard>(shard.url as AutomergeUrl);
      let seen = handle.doc().entries.length;
      handle.on("change", ({ doc }) => {
        for (; seen < doc.entries.length; seen++) {
          const entry = doc.entries[seen]!;
          record(tally, String(entry.memo), entry.at);
        }
      });
      return member;
    }),
  );
  return {
    write(memo) {
      const entry = signer.sign({ commune: id, kind: "contribution", amount: 250, currency: "EUR", memo });
      shard.change((doc) => {
        doc.entries.push(toStored(entry) as unknown as ReadShard["entries"][number]);
      });
    },
    async stop() {
      await Promise.all([writer, ...receivers].map((member) => member.repo.shutdown().catch(() => {})));
    },
  };
}

function wsMember(url: string, commune: string, onMessage: (text: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on("error", reject);
    socket.once("open", () => socket.send(commune));
    socket.on("message", (data) => {
      const text = data.toString();
      if (text === "joined") return resolve(socket);
      onMessage(text);
    });
  });
}

async function broadcastCommune(url: string, commune: LoadCommune, members: number, tally: Tally): Promise<CommuneLoad> {
  const id = communeIdOf(commune);
  const signer = entrySigner(commune.founderSecret);
  const writer = await wsMember(url, id, () => {});
  const receivers = await Promise.all(
    Array.from({ length: members - 1 }, () =>
      wsMember(url, id, (text) => {
        const entry = JSON.parse(text) as { at: number; memo: string };
        record(tally, entry.memo, entry.at);
      }),
    ),
  );
  return {
    write(memo) {
      writer.send(JSON.stringify(signer.sign({ commune: id, kind: "contribution", amount: 250, currency: "EUR", memo })));
    },
    async stop() {
      for (const socket of [writer, ...receivers]) socket.terminate();
    },
  };
}

/**
 * A member speaking the private protocol as a host's link does
 * (host/sync/private-link.ts): hello (registering the commune, for its
 * founder), the relay's challenge, a proof by the epoch's admission key, then
 * live items. Resolves once welcomed.
 */
function privateSocket(
  url: string,
  commune: string,
  epoch: string,
  admission: KeyPair,
  onItem: (bytes: Uint8Array) => void,
  register?: { genesis: object; epochs: string[] },
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const memberNonce = randomBytes(16).toString("hex");
    socket.on("error", reject);
    socket.once("open", () =>
      socket.send(JSON.stringify({ type: "hello", protocol: PRIVATE_PROTOCOL, commune, nonce: memberNonce, ...(register ? { register } : {}) })),
    );
    socket.on("message", (data: Buffer, isBinary) => {
      if (isBinary) {
        const frame = decodeFrame(new Uint8Array(data), 4096);
        if (frame && (frame.head as { type?: string }).type === "item") onItem(frame.body);
        return;
      }
      const message = JSON.parse(data.toString("utf8")) as { type: string; nonce?: string; reason?: string };
      if (message.type === "challenge")
        socket.send(
          JSON.stringify({
            type: "proof",
            epoch,
            sig: admissionProof(nobleSigner, { commune, memberNonce, relayNonce: message.nonce!, epoch }, admission),
          }),
        );
      else if (message.type === "welcome") resolve(socket);
      else if (message.type === "refused" || message.type === "rejected") reject(new Error(`${message.type}: ${message.reason ?? ""}`));
    });
  });
}

/**
 * One commune's members on the private protocol. The writer appends an entry
 * to its purse shard (one Automerge change, as in "relay" mode), seals the
 * change under the epoch's data key with its signed header and puts it; the
 * relay checks the header's signature, appends it to the commune's log and
 * forwards it; each other member opens it (the AEAD; the header's signature
 * is a host's check, as verifying entries is, and not timed here either) and
 * applies the change to its copy, and times the entry as in "relay" mode.
 */
async function privateCommune(url: string, commune: LoadCommune, members: number, tally: Tally, privacy: PrivacyCrypto): Promise<CommuneLoad> {
  const { genesis, epochKey } = commune.privately;
  const id = communeIdFromGenesis(genesis);
  const label = `c${commune.index}`;
  const signer = entrySigner(commune.founderSecret);
  const founder = keyPairFromSecret(new Uint8Array(Buffer.from(commune.founderSecret, "hex")));
  const first = makeEpochRecord(privacy, nobleSigner, {
    commune: id,
    epoch: 1,
    parent: null,
    epochKey: new Uint8Array(Buffer.from(epochKey, "hex")),
    readers: [founder.publicKey],
    author: founder,
    at: Date.now(),
  });
  const epoch = idOfItem(first.item);
  const { admission, dataKey } = first.keys;
  const register = { genesis: anchorOf(genesis) ?? genesis, epochs: [toBase64(encodeItem(first.item))] };
  const writer = await privateSocket(url, id, epoch, admission, () => {}, register);
  let shard = A.from(
    toStored<PurseShardDoc>({ schema: 1, type: "purse-shard", commune: id, owner: signer.publicKey, period: "2026", entries: [] }) as never,
  ) as A.Doc<ReadShard>;
  const document = `${label}shard${"x".repeat(10)}`.replace(/[^1-9A-HJ-NP-Za-km-z]/g, "z");
  const start = A.save(shard);
  const receivers = await Promise.all(
    Array.from({ length: members - 1 }, () => {
      let copy = A.load<ReadShard>(start);
      let seen = 0;
      return privateSocket(url, id, epoch, admission, (bytes) => {
        const read = decodeItem(bytes);
        if (!read.ok || read.item.signed.header.kind !== "batch") return;
        const changes = privacy.decrypt(read.item.payload, associatedData(read.item.signed.header), dataKey);
        if (!changes) return;
        copy = A.loadIncremental(copy, changes);
        for (; seen < copy.entries.length; seen++) {
          const entry = copy.entries[seen]!;
          record(tally, String(entry.memo), entry.at);
        }
      });
    }),
  );
  return {
    write(memo) {
      const entry = signer.sign({ commune: id, kind: "contribution", amount: 250, currency: "EUR", memo });
      shard = A.change(shard, (doc) => {
        doc.entries.push(toStored(entry) as unknown as ReadShard["entries"][number]);
      });
      const change = A.getLastLocalChange(shard)!;
      const item = sealBatch(privacy, nobleSigner, { commune: id, document, epoch, dataKey, author: founder, at: Date.now() }, change);
      writer.send(encodeFrame({ type: "put" }, encodeItem(item)));
    },
    async stop() {
      for (const socket of [writer, ...receivers]) socket.terminate();
    },
  };
}

async function members(): Promise<void> {
  const setup = await new Promise<Extract<ToChild, { type: "members" }>>((resolve) => onMessage((message) => message.type === "members" && resolve(message)));
  const started = performance.now();
  installSyncRate();
  const tally: Tally = { latencies: [], delivered: 0 };
  const loads: CommuneLoad[] = [];
  const privacy = setup.mode === "private" ? await sodiumPrivacyCrypto() : undefined;
  const commune = (one: LoadCommune) =>
    privacy
      ? privateCommune(setup.url, one, setup.members, tally, privacy)
      : (setup.mode === "relay" ? relayCommune : broadcastCommune)(setup.url, one, setup.members, tally);
  for (let from = 0; from < setup.communes.length; from += SETUP_BATCH) {
    loads.push(...(await Promise.all(setup.communes.slice(from, from + SETUP_BATCH).map(commune))));
  }
  const go = await new Promise<Extract<ToChild, { type: "go" }>>((resolve) => {
    onMessage((message) => message.type === "go" && resolve(message));
    send({ type: "ready", setupMs: performance.now() - started });
  });
  await runLoad(setup, go, loads, tally);
}

async function runLoad(setup: Extract<ToChild, { type: "members" }>, go: Extract<ToChild, { type: "go" }>, loads: CommuneLoad[], tally: Tally): Promise<void> {
  const interval = 1000 / go.rate;
  const loadFrom = go.startAt + go.warmupMs;
  const end = loadFrom + go.loadMs;
  let writtenLoad = 0;
  let writtenAll = 0;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let cpuAtLoad = process.cpuUsage();
  let loadStartedAt = performance.now();
  setTimeout(
    () => {
      cpuAtLoad = process.cpuUsage();
      loadStartedAt = performance.now();
      delay.enable();
    },
    Math.max(0, loadFrom - Date.now()),
  );

  // An open-loop schedule per writer (tick k at startAt + offset + k * interval), spread over the interval so 50 writers do not fire together.
  await Promise.all(
    loads.map(
      (load, i) =>
        new Promise<void>((resolve) => {
          const offset = (setup.communes[i]!.index / setup.totalCommunes) * interval;
          let tick = 0;
          const next = () => {
            const due = go.startAt + offset + tick * interval;
            if (due >= end) return resolve();
            setTimeout(
              () => {
                // A saturated process runs its ticks late; it never writes past the window, so the run ends on time and the backlog shows as lateness.
                if (Date.now() >= end) return resolve();
                const inLoad = due >= loadFrom;
                load.write(inLoad ? LOAD_MEMO : WARMUP_MEMO);
                writtenAll++;
                if (inLoad) writtenLoad++;
                tick++;
                next();
              },
              Math.max(0, due - Date.now()),
            );
          };
          next();
        }),
    ),
  );
  const cpu = process.cpuUsage(cpuAtLoad);
  const windowMs = performance.now() - loadStartedAt;
  delay.disable();
  const expected = writtenLoad * (setup.members - 1);
  await until("the last deliveries", () => tally.delivered >= expected, Math.max(0, end + go.graceMs - Date.now())).catch(() => {});
  send({
    type: "result",
    latencies: tally.latencies,
    scheduledLoad: loads.length * Math.ceil((go.loadMs / 1000) * go.rate),
    writtenLoad,
    writtenAll,
    expected,
    delivered: tally.delivered,
    cpuMs: (cpu.user + cpu.system) / 1000,
    windowMs,
    loopDelayP99: delay.count > 0 ? delay.percentile(99) / 1e6 : 0,
  });
  await new Promise<void>((resolve) => onMessage((message) => message.type === "stop" && resolve()));
  await Promise.all(loads.map((load) => load.stop()));
  process.exit(0);
}

const role = process.argv[2];
const run =
  role === "relay" && process.argv[3]
    ? relayServer(process.argv[3])
    : role === "broadcast"
      ? broadcastServer()
      : role === "members"
        ? members()
        : Promise.reject(new Error(`unknown role ${String(role)}`));
run.catch(fail);
