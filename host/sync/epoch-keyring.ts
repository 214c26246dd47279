import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { join } from "node:path";
import { z } from "zod";
import type { Crypto } from "../../shared/identity/crypto";
import type { KeyPair, PublicKey } from "../../shared/identity/keys";
import { batchAuthorProblemIn, currentEpochOf, standingIn, type CurrentEpoch, type MemberHistories } from "../../shared/privacy/current-epoch";
import type { KnownEpoch } from "../../shared/privacy/envelopes";
import type { PrivacyCrypto } from "../../shared/privacy/crypto";
import { epochKeysOf, openEpochRecord, openEpochRecordWithKey, type EpochKeys } from "../../shared/privacy/epochs";
import { decodeItem, encodeItem, idOfItem, itemId, type EpochHeader, type SealedItem } from "../../shared/privacy/headers";
import { readFileIfExists, writeFileAtomic } from "../store/atomic-file";

/**
 * The epoch keys of one private commune on this member's machine
 * (docs/relay.md, "Keys and epochs"), kept beside the commune's documents in
 * `communes/<id>/epochs.json`, mode 0600, with the same care as the member's
 * signing seed: whoever holds the file reads everything the commune's relays
 * store. It also keeps every epoch record seen (public: a relay holds them
 * too), so a relay that does not serve the commune yet can be registered
 * with the chain, and so a key learnt later opens the records before it.
 *
 * A commune with no such file is a plaintext commune: it syncs with its
 * relays as before this issue.
 */
export interface HeldEpoch {
  id: string;
  /** The epoch's number: from its record once seen, from the invite before. */
  epoch: number;
  /** Undefined until the record has been seen. */
  header?: EpochHeader;
  /** Who the epoch was sealed to; undefined until the record has been seen. */
  readers?: PublicKey[];
  keys: EpochKeys;
}

const fileSchema = z.strictObject({
  v: z.literal(1),
  /** Every epoch record seen, encoded (shared/privacy/headers.ts), in the order learnt. */
  records: z.array(z.base64().max(4 * 1024 * 1024)).max(10_000),
  /** The keys held, whether or not their record has been seen yet (an invite carries one): epoch record id -> 32-byte epoch key (hex). */
  keys: z.record(itemId, z.string().regex(/^[0-9a-f]{64}$/)),
  /** The number of each epoch held whose record has not been seen yet (what the invite said). */
  numbers: z.record(itemId, z.number().int().min(1).max(1_000_000)),
});

export interface KeyringOptions {
  commune: string;
  path?: string;
  privacy: PrivacyCrypto;
  crypto: Crypto;
  me: KeyPair;
  /** The commune's membership by its signed history (CommuneState.members), read each time an epoch is judged; absent: no judging, the newest epoch held is current. */
  membership?: () => MemberHistories | undefined;
  /** Whether the commune moved from plaintext (read each time, its genesis may load after the keyring): its first epochs are judged too, and one refused is never the newest (currentEpochOf's `judgeFirst`). */
  judgeFirstEpochs?: () => boolean;
}

/** A place in one relay's log: the relay's address and the item's sequence number there. */
export interface LogPlace {
  relay: string;
  seq: number;
}

/** How a link reaches the newest epoch held at one relay (EpochKeyring.routeTo). */
export interface RelayRoute {
  /** The epoch whose admission key answers the challenge. */
  prove: { id: string; admission: KeyPair };
  /** Epoch records to put after the welcome, in order, each with its own admission key and the sibling epochs to prove beside it. */
  puts: Array<{ record: SealedItem; admission: KeyPair; siblings: Array<{ epoch: string; admission: KeyPair }> }>;
}

export const epochKeyringPath = (dataDir: string, commune: string) => join(dataDir, "communes", commune, "epochs.json");

export class EpochKeyring {
  readonly commune: string;
  readonly #path: string | undefined;
  readonly #privacy: PrivacyCrypto;
  readonly #crypto: Crypto;
  readonly #me: KeyPair;
  /** Every record seen, by id, and the order they came in. */
  readonly #records = new Map<string, SealedItem>();
  /** Keys held, by epoch id, whether or not the record has been seen yet. */
  readonly #keys = new Map<string, Uint8Array>();
  /** Epochs whose record has been seen and whose key opened it. */
  readonly #opened = new Map<string, HeldEpoch>();
  /** The numbers of epochs whose key is held but whose record has not been seen (an invite's). */
  readonly #numbers = new Map<string, number>();
  /**
   * Where on each relay's log an epoch got its first child, by relay and then
   * epoch: items logged after it under that epoch are refused (openItem's
   * afterRotation). Per relay, since each relay numbers its own log: a child
   * early in one relay's log says nothing of where another relay stored it.
   */
  readonly #endedAt = new Map<string, Map<string, number>>();
  /** The commune's membership by its signed history, as this machine holds it now; undefined while it cannot be read (a join under way). */
  readonly #membership: () => MemberHistories | undefined;
  readonly #judgeFirstEpochs: () => boolean;
  /** The last judgement, kept while neither the membership (the same object) nor the epochs opened have changed. */
  #judged: { members: MemberHistories; opened: number; judgeFirst: boolean; result: CurrentEpoch } | undefined;
  readonly #listeners = new Set<() => void>();
  #saving: Promise<unknown> = Promise.resolve();

  constructor(options: KeyringOptions) {
    this.commune = options.commune;
    this.#path = options.path;
    this.#privacy = options.privacy;
    this.#crypto = options.crypto;
    this.#me = options.me;
    this.#membership = options.membership ?? (() => undefined);
    this.#judgeFirstEpochs = options.judgeFirstEpochs ?? (() => false);
  }

  /** The keyring on disk, or undefined when the commune is not private on this machine. A damaged file throws: it is not silently made plaintext. */
  static async load(options: Omit<KeyringOptions, "path"> & { dataDir: string }): Promise<EpochKeyring | undefined> {
    const path = epochKeyringPath(options.dataDir, options.commune);
    const text = await readFileIfExists(path);
    if (text === undefined) return undefined;
    const parsed = (() => {
      try {
        return fileSchema.safeParse(JSON.parse(text));
      } catch {
        return undefined;
      }
    })();
    if (!parsed?.success) throw new Error(`${path} is damaged: it does not hold the commune's epoch keys. Restore it from a backup.`);
    const ring = new EpochKeyring({ ...options, path });
    for (const [id, key] of Object.entries(parsed.data.keys)) ring.#keys.set(id, hexToBytes(key));
    for (const [id, number] of Object.entries(parsed.data.numbers)) ring.#numbers.set(id, number);
    for (const encoded of parsed.data.records) {
      const decoded = decodeItem(new Uint8Array(Buffer.from(encoded, "base64")));
      if (decoded.ok) ring.#records.set(idOfItem(decoded.item), decoded.item);
    }
    ring.#resolve();
    return ring;
  }

  /**
   * Holds `key` as the key of epoch `id`, number `epoch` (from an invite, or
   * one this member made), then reads whatever it opens. Until its record is
   * seen, the key alone proves admission and opens batches: a key that is not
   * the record's is found out when the record arrives (it does not open it).
   */
  async hold(id: string, epoch: number, key: Uint8Array, record?: SealedItem): Promise<void> {
    this.#keys.set(id, key);
    this.#numbers.set(id, epoch);
    if (record) this.#records.set(idOfItem(record), record);
    this.#resolve();
    this.#changed();
    await this.save();
  }

  /** Calls `listener` whenever an epoch or key is added (a link then sends what waited for it). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /**
   * An epoch record found on a relay's log (`at`: which relay, and where in
   * its log): kept, and opened when this member holds its key or a lockbox
   * in it opens. Answers whether the newest epoch held changed.
   */
  learn(record: SealedItem, at?: LogPlace): boolean {
    const header = record.signed.header;
    if (header.kind !== "epoch" || header.commune !== this.commune) return false;
    const id = idOfItem(record);
    if (at !== undefined && header.parent !== null) {
      const ends = this.#endedAt.get(at.relay) ?? new Map<string, number>();
      const ended = ends.get(header.parent);
      if (ended === undefined || at.seq < ended) ends.set(header.parent, at.seq);
      this.#endedAt.set(at.relay, ends);
    }
    const before = this.newest()?.id;
    if (!this.#records.has(id)) {
      this.#records.set(id, record);
      this.#resolve();
      this.#changed();
      void this.save().catch(() => {});
    }
    return this.newest()?.id !== before;
  }

  /**
   * Opens what can be opened until nothing changes: a record by a key held or
   * its lockbox, then each opened record's parent by the previous key it carries.
   */
  #resolve(): void {
    for (let changed = true; changed;) {
      changed = false;
      for (const [id, record] of this.#records) {
        if (this.#opened.has(id)) continue;
        const key = this.#keys.get(id);
        const opened = key
          ? openEpochRecordWithKey(this.#privacy, this.#crypto, this.#crypto, record, { commune: this.commune }, key)
          : openEpochRecord(this.#privacy, this.#crypto, this.#crypto, record, { commune: this.commune }, this.#me);
        if (!opened.ok) continue;
        if (opened.value.id !== id) continue;
        this.#opened.set(id, { id, epoch: opened.value.header.epoch, header: opened.value.header, readers: opened.value.readers, keys: opened.value.keys });
        this.#numbers.delete(id);
        this.#keys.set(id, opened.value.keys.epochKey);
        const parent = opened.value.header.parent;
        if (parent !== null && opened.value.previousKey && !this.#keys.has(parent)) this.#keys.set(parent, opened.value.previousKey);
        changed = true;
      }
    }
  }

  /**
   * The epoch new batches are sealed under, and rotations start from: the
   * current epoch by the signed history (docs/relay.md, "Which epoch is
   * current"; shared/privacy/current-epoch.ts), among the epochs whose
   * record this member has opened. A child whose author was not an active
   * member, or whose readers are not exactly the active members and
   * applicants at its signed time, is passed over (refusedEpochs says why).
   * An epoch known by its key alone (the invite's, its record not seen yet)
   * cannot be judged: while it is newer than the judged one it is current,
   * as the member who signed the invite saw it. With no membership to judge
   * by, the newest epoch held.
   */
  current(): HeldEpoch | undefined {
    const newest = this.newest();
    const judged = this.#judge()?.current;
    const chosen = judged === undefined ? undefined : this.#opened.get(judged);
    if (!chosen || (newest && !newest.header && newest.epoch > chosen.epoch)) return newest;
    return chosen;
  }

  /**
   * The newest epoch held on the leading line: from the epoch current by the
   * history, down the smallest-id child held at each step. What a relay is
   * asked to admit: the relay admits only its tips, and a member whose copy
   * of the history does not hold what makes a child valid yet (the votes of
   * a removal) must still be let in to fetch them. It writes nothing until
   * the child is current by the history too. A losing sibling's line is not
   * followed, however far it went (docs/relay.md, "The lead rule across
   * relays"). With no history to judge by, or an epoch known by its key alone
   * that is newer (an invite's), the highest number, then the smallest id.
   */
  newest(): HeldEpoch | undefined {
    // A moved commune's made-up first epoch (a removed member's, by the relay-key route) is proven nowhere: the members' own is.
    const refusedFirsts = this.#refusedFirsts();
    let highest: HeldEpoch | undefined;
    for (const held of this.#held()) {
      if (refusedFirsts?.has(this.#firstOf(held))) continue;
      if (!highest || held.epoch > highest.epoch || (held.epoch === highest.epoch && held.id < highest.id)) highest = held;
    }
    const judged = this.#judge()?.current;
    let at = judged === undefined ? undefined : this.#opened.get(judged);
    if (!at || (highest && !highest.header && highest.epoch > at.epoch)) return highest;
    for (let next = this.#firstChildOf(at); next; next = this.#firstChildOf(at)) at = next;
    return at;
  }

  /** A moved commune's first epochs that the history refuses (a removed member's, made up); undefined when none is. */
  #refusedFirsts(): Set<string> | undefined {
    if (!this.#judgeFirstEpochs()) return undefined;
    const refused = this.refusedEpochs();
    return refused.length > 0 ? new Set(refused.map((one) => one.id)) : undefined;
  }

  /** The child of `parent` held with the smallest id. */
  #firstChildOf(parent: HeldEpoch): HeldEpoch | undefined {
    let first: HeldEpoch | undefined;
    for (const held of this.#opened.values()) {
      if (held.header?.parent !== parent.id || held.epoch !== parent.epoch + 1) continue;
      if (!first || held.id < first.id) first = held;
    }
    return first;
  }

  /** The first epoch above `held`, as far as the records opened here reach. */
  #firstOf(held: HeldEpoch): string {
    let at = held;
    for (let parent = at.header?.parent; parent; parent = at.header?.parent) {
      const above = this.#opened.get(parent);
      if (!above) break;
      at = above;
    }
    return at.id;
  }

  /** The children of the epochs held that do not count by the signed history, each with the reason, for the member to see. */
  refusedEpochs(): Array<{ id: string; reason: string }> {
    return this.#judge()?.refused ?? [];
  }

  /**
   * Why `author` may not have written a batch under `epoch`
   * (batchAuthorProblemIn: a member or applicant when it started, or joined
   * while it was current); undefined when they may, or when it cannot be
   * judged here yet (no membership, or the epoch known by its key alone).
   */
  authorProblem(author: PublicKey, epoch: string): string | undefined {
    const members = this.#membership();
    const header = this.#opened.get(epoch)?.header;
    if (!members || !header) return undefined;
    return batchAuthorProblemIn(members, author, { id: epoch, epoch: header.epoch, at: header.at });
  }

  #judge(): CurrentEpoch | undefined {
    const members = this.#membership();
    if (!members) return undefined;
    const judgeFirst = this.#judgeFirstEpochs();
    if (this.#judged?.members === members && this.#judged.opened === this.#opened.size && this.#judged.judgeFirst === judgeFirst) return this.#judged.result;
    const facts = [...this.#opened.values()].flatMap((held) =>
      held.header && held.readers
        ? [{ id: held.id, epoch: held.header.epoch, parent: held.header.parent, by: held.header.by, at: held.header.at, readers: held.readers }]
        : [],
    );
    const result = currentEpochOf(facts, Object.keys(members), standingIn(members), { judgeFirst });
    this.#judged = { members, opened: this.#opened.size, judgeFirst, result };
    return result;
  }

  /** Every epoch held: opened, or known by its key alone. */
  *#held(): Iterable<HeldEpoch> {
    yield* this.#opened.values();
    for (const [id, epoch] of this.#numbers) {
      const key = this.#keys.get(id);
      if (key && !this.#opened.has(id)) yield { id, epoch, keys: epochKeysOf(this.#privacy, this.#crypto, key) };
    }
  }

  /**
   * For openItem: the data key of an epoch held, and whether it is still
   * current on the relays, that is the newest held (an epoch with a child
   * there takes no batch logged after the child: openItem's afterRotation).
   */
  keyOf = (epoch: string): KnownEpoch | undefined => {
    const newest = this.newest();
    const held = this.#opened.get(epoch) ?? (newest?.id === epoch ? newest : undefined);
    return held ? { dataKey: held.keys.dataKey, current: held.id === newest?.id } : undefined;
  };

  /** An item of `epoch` logged at `at` came after that epoch had a child on that relay. */
  afterRotation(epoch: string, at: LogPlace): boolean {
    const ended = this.#endedAt.get(at.relay)?.get(epoch);
    return ended !== undefined && at.seq > ended;
  }

  /** The chain from the first epoch to the newest held, for registering the commune on a relay that does not serve it yet. */
  chain(): SealedItem[] {
    const chain: SealedItem[] = [];
    for (let at = this.newest(); at;) {
      const record = this.#records.get(at.id);
      if (!record || !at.header) return [];
      chain.unshift(record);
      const parent = at.header.parent;
      if (parent === null) break;
      at = this.#opened.get(parent);
      if (!at) return [];
    }
    return chain;
  }

  /**
   * What to prove to a relay whose challenge names `tips`, and which epoch
   * records to put there after the welcome, to bring it to the newest epoch
   * held (docs/relay.md, "The lead rule across relays"): the newest itself;
   * a tip on its line, then the records after it; a tip on a sibling line,
   * then the newest's line from the deepest epoch both lines share (from its
   * first epoch when they share none), its first record with proofs of the
   * other children of that epoch held, or of the other first epochs (the
   * relay's fork rule); with no tip held, the first epoch, which the relay answers with
   * every epoch below it (`superseded`). Undefined when no epoch is held.
   */
  routeTo(tips: readonly string[]): RelayRoute | undefined {
    const newest = this.newest();
    if (!newest) return undefined;
    const prove = (held: HeldEpoch) => ({ id: held.id, admission: held.keys.admission });
    if (tips.length === 0 || tips.includes(newest.id)) return { prove: prove(newest), puts: [] };
    const line = this.#lineOf(newest);
    const routes: RelayRoute[] = [];
    const refusedFirsts = this.#refusedFirsts();
    for (const tip of tips) {
      const held = this.#opened.get(tip);
      // A made-up first epoch's line is proven nowhere: a member does not use its admission to reach the relay.
      if (held && refusedFirsts?.has(this.#firstOf(held))) continue;
      const tipLine = held && this.#lineOf(held);
      if (!line || !tipLine) continue;
      // The deepest epoch on both lines; what follows it on the newest's line is what the relay lacks.
      let shared = 0;
      while (shared < line.length && shared < tipLine.length && line[shared]!.id === tipLine[shared]!.id) shared++;
      const first = line[shared];
      if (!first) continue;
      // The parent of what is put first; null when the lines share nothing (two first epochs, from two moves of the commune at once).
      const parent = shared === 0 ? null : line[shared - 1]!.id;
      // On the tip's own line nothing is proven beside it; on a sibling line, every other child of the parent held (the relay's fork rule).
      const siblings =
        shared === tipLine.length
          ? []
          : [...this.#opened.values()]
              .filter((other) => other.header?.parent === parent && other.id !== first.id)
              .map((other) => ({ epoch: other.id, admission: other.keys.admission }));
      const puts = line
        .slice(shared)
        .map((step, at) => ({ record: this.#records.get(step.id)!, admission: step.keys.admission, siblings: at === 0 ? siblings : [] }));
      routes.push({ prove: prove(held), puts });
    }
    // A tip on the newest's own line first: it needs no proof of siblings.
    const route = routes.find((candidate) => candidate.puts[0]!.siblings.length === 0) ?? routes[0];
    return route ?? { prove: prove(line?.[0] ?? newest), puts: [] };
  }

  /** The epochs from the first one down to `epoch`, each opened here with its record; undefined where the chain has a gap. */
  #lineOf(epoch: HeldEpoch): HeldEpoch[] | undefined {
    const line: HeldEpoch[] = [];
    for (let at: HeldEpoch | undefined = epoch; at;) {
      if (!at.header || !this.#records.has(at.id)) return undefined;
      line.unshift(at);
      const parent: string | null = at.header.parent;
      if (parent === null) return line;
      at = this.#opened.get(parent);
    }
    return undefined;
  }

  /** An epoch held here, by id. */
  held(id: string): HeldEpoch | undefined {
    return this.#opened.get(id);
  }

  /** The newest epoch's key, for an invite: the one the relays admit (the newcomer reads the older ones down the chain). */
  currentKey(): { id: string; epoch: number; key: Uint8Array } | undefined {
    const current = this.newest();
    return current && { id: current.id, epoch: current.epoch, key: current.keys.epochKey };
  }

  /** Writes the file (mode 0600), one write at a time; a keyring made without a path is kept in memory only. */
  save(): Promise<void> {
    const path = this.#path;
    if (!path) return Promise.resolve();
    const run = this.#saving.then(() => {
      const content = {
        v: 1 as const,
        records: [...this.#records.values()].map((record) => Buffer.from(encodeItem(record)).toString("base64")),
        keys: Object.fromEntries([...this.#keys].map(([id, key]) => [id, bytesToHex(key)])),
        numbers: Object.fromEntries(this.#numbers),
      };
      return writeFileAtomic(path, `${JSON.stringify(content)}\n`, 0o600);
    });
    this.#saving = run.catch(() => undefined);
    return run;
  }
}
