import { access, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Genesis } from "../../shared/commune/genesis";
import type { Crypto } from "../../shared/identity/crypto";
import type { KeyPair } from "../../shared/identity/keys";
import { sodiumPrivacyCrypto, type PrivacyCrypto } from "../../shared/privacy/crypto";
import { epochKeysOf, makeEpochRecord } from "../../shared/privacy/epochs";
import type { MemberHistories } from "../../shared/privacy/current-epoch";
import { idOfItem, type SealedItem } from "../../shared/privacy/headers";
import { EpochKeyring, epochKeyringPath } from "../sync/epoch-keyring";
import { RefusedItems } from "../sync/refused-items";
import type { PrivateLinkContext } from "./relay-link";

/**
 * The host's private communes (issue 13): which communes hold epoch keys on
 * this machine, their keyrings, and libsodium, loaded the first time a
 * private commune needs it (a host with only plaintext communes never loads
 * it). A commune with no keyring syncs as before.
 */
export class PrivateCommunes {
  readonly #dataDir: string;
  readonly #crypto: Crypto;
  readonly #me: () => KeyPair;
  readonly #keyrings = new Map<string, EpochKeyring>();
  readonly #refused = new Map<string, RefusedItems>();
  /** Each commune's membership by its signed history, as this machine holds it now: the keyrings judge epochs and authors by it. */
  readonly #membership: (commune: string) => MemberHistories | undefined;
  #privacy: Promise<PrivacyCrypto> | undefined;

  /** Whether a commune moved from plaintext (its genesis names no admission key): its first epochs are judged by the history too. */
  readonly #moved: (commune: string) => boolean;

  constructor(
    dataDir: string,
    crypto: Crypto,
    me: () => KeyPair,
    membership: (commune: string) => MemberHistories | undefined = () => undefined,
    moved: (commune: string) => boolean = () => false,
  ) {
    this.#dataDir = dataDir;
    this.#crypto = crypto;
    this.#me = me;
    this.#membership = membership;
    this.#moved = moved;
  }

  /** Reads a commune's keyring from disk, if it has one (a damaged one throws: the commune is not quietly made plaintext). */
  async open(commune: string): Promise<PrivateLinkContext | undefined> {
    if (!this.#keyrings.has(commune)) {
      if (!(await exists(epochKeyringPath(this.#dataDir, commune)))) return undefined;
      const keyring = await EpochKeyring.load({
        dataDir: this.#dataDir,
        commune,
        privacy: await this.#ready(),
        crypto: this.#crypto,
        me: this.#me(),
        ...this.#judging(commune),
      });
      if (keyring) this.#keyrings.set(commune, keyring);
    }
    return this.linkContext(commune);
  }

  /** What a commune's private links are made with; undefined for a plaintext commune. */
  linkContext(commune: string): PrivateLinkContext | undefined {
    const keyring = this.#keyrings.get(commune);
    const privacy = this.#loaded;
    if (!keyring || !privacy) return undefined;
    let refused = this.#refused.get(commune);
    if (!refused) this.#refused.set(commune, (refused = new RefusedItems()));
    return { keyring, privacy, crypto: this.#crypto, me: this.#me(), stateDir: join(this.#dataDir, "communes", commune, "private-relays"), refused };
  }

  #judging(commune: string): { membership: () => MemberHistories | undefined; judgeFirstEpochs: () => boolean } {
    return { membership: () => this.#membership(commune), judgeFirstEpochs: () => this.#moved(commune) };
  }

  #loaded: PrivacyCrypto | undefined;

  /**
   * The first epoch of a commune being founded: a fresh key, and the
   * admission key its genesis names (binding it into the commune id).
   */
  async firstEpoch(): Promise<{ epochKey: Uint8Array; admission: string }> {
    const privacy = await this.#ready();
    const epochKey = privacy.randomKey();
    return { epochKey, admission: epochKeysOf(privacy, this.#crypto, epochKey).admission.publicKey };
  }

  /** Founds a commune's keyring: epoch 1, sealed to the founder alone, its record kept to register the commune on its relays. */
  async found(commune: string, genesis: Genesis, epochKey: Uint8Array, at: number): Promise<PrivateLinkContext> {
    const privacy = await this.#ready();
    const me = this.#me();
    const first = makeEpochRecord(privacy, this.#crypto, { commune, epoch: 1, parent: null, epochKey, readers: [me.publicKey], author: me, at });
    if (first.keys.admission.publicKey !== genesis.admission) throw new Error("found: the genesis names another admission key");
    const keyring = new EpochKeyring({ commune, path: epochKeyringPath(this.#dataDir, commune), privacy, crypto: this.#crypto, me, ...this.#judging(commune) });
    await keyring.hold(idOfItem(first.item), 1, epochKey, first.item);
    this.#keyrings.set(commune, keyring);
    return this.linkContext(commune)!;
  }

  /** A newcomer's keyring: the epoch key the invite carried. */
  async joined(commune: string, epoch: { id: string; number: number; key: Uint8Array }): Promise<PrivateLinkContext> {
    const privacy = await this.#ready();
    const keyring = new EpochKeyring({
      commune,
      path: epochKeyringPath(this.#dataDir, commune),
      privacy,
      crypto: this.#crypto,
      me: this.#me(),
      ...this.#judging(commune),
    });
    await keyring.hold(epoch.id, epoch.number, epoch.key);
    this.#keyrings.set(commune, keyring);
    return this.linkContext(commune)!;
  }

  /**
   * The first epoch of a commune moved from plaintext (host/commune/moving-over.ts):
   * a fresh key sealed to `readers`, signed by this member (its founder). Not
   * held yet: the record goes into the commune document first, then this
   * member opens its own lockbox in it like everyone else (`adopt`).
   */
  async makeFirstEpoch(commune: string, readers: readonly string[], at: number): Promise<SealedItem> {
    const privacy = await this.#ready();
    const me = this.#me();
    return makeEpochRecord(privacy, this.#crypto, { commune, epoch: 1, parent: null, epochKey: privacy.randomKey(), readers: [...readers], author: me, at })
      .item;
  }

  /**
   * Turns a plaintext commune private on this machine from epoch records
   * (the first epoch from the commune document, or the chain a relay hands
   * out with "This commune is now private"): when a lockbox in them opens for
   * this member, its keyring is written and the link context returned;
   * otherwise nothing is kept (this member was left out) and undefined.
   */
  adopt(commune: string, records: readonly SealedItem[]): Promise<PrivateLinkContext | undefined> {
    // One at a time per commune: a relay's chain and the commune document can arrive together, and two keyrings must never be made.
    const run = (this.#adopting.get(commune) ?? Promise.resolve()).then(() => this.#adopt(commune, records));
    this.#adopting.set(
      commune,
      run.then(
        () => undefined,
        () => undefined,
      ),
    );
    return run;
  }

  readonly #adopting = new Map<string, Promise<void>>();

  async #adopt(commune: string, records: readonly SealedItem[]): Promise<PrivateLinkContext | undefined> {
    const existing = this.#keyrings.get(commune);
    if (existing) {
      // Records that came another way (the other first epoch of two moves at once) are kept: the keyring judges which is current.
      for (const record of records) existing.learn(record);
      return this.linkContext(commune);
    }
    const privacy = await this.#ready();
    const options = { commune, privacy, crypto: this.#crypto, me: this.#me(), ...this.#judging(commune) };
    // Tried in memory first: a keyring file makes the commune private here, so it is written only once a lockbox has opened.
    const trial = new EpochKeyring(options);
    for (const record of records) trial.learn(record);
    // The epoch the history makes current: a made-up first epoch (a removed member's, by the relay-key route) is not adopted.
    const newest = trial.current();
    const record = newest && records.find((one) => idOfItem(one) === newest.id);
    if (!newest || !record) return undefined;
    const keyring = new EpochKeyring({ ...options, path: epochKeyringPath(this.#dataDir, commune) });
    for (const other of records) keyring.learn(other);
    await keyring.hold(newest.id, newest.epoch, newest.keys.epochKey, record);
    this.#keyrings.set(commune, keyring);
    return this.linkContext(commune);
  }

  /** A join that did not go on keeps nothing: its keyring is forgotten and removed. */
  async forget(commune: string): Promise<void> {
    this.#keyrings.delete(commune);
    this.#refused.delete(commune);
    await rm(epochKeyringPath(this.#dataDir, commune), { force: true });
  }

  async #ready(): Promise<PrivacyCrypto> {
    this.#privacy ??= sodiumPrivacyCrypto();
    this.#loaded ??= await this.#privacy;
    return this.#loaded;
  }
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );
