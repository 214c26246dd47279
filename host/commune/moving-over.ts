import type { CommuneState } from "../../shared/commune/state";
import { readCommuneDoc } from "../../shared/docs/documents";
import type { PublicKey } from "../../shared/identity/keys";
import { decodeItem, type SealedItem } from "../../shared/privacy/headers";
import { epochRecordText, firstEpochProblem, firstEpochReadersFor, firstEpochsIn, isPlaintextGenesis } from "../../shared/privacy/moving-over";
import type { CommuneDocs } from "./commune-docs";
import type { PrivateLinkContext } from "./relay-link";
import { writeEpochRecord, type WriteTarget } from "./writer";

/**
 * Moving a plaintext commune made before issue 13 to private (docs/relay.md,
 * "Moving existing communes"), on one member's machine. The founder's host,
 * while the founder is active, makes epoch 1 sealed to the active members and
 * applicants and writes its record into the commune document before anything
 * else, so members still syncing in plaintext receive it; every member's host
 * (the founder's too) that finds that record and opens its lockbox in it
 * holds the epoch key from then on and turns its relay links private.
 *
 * A commune whose founder has left or been removed moves by the relay-key
 * route (docs/relay.md): any active member's host makes epoch 1, and every
 * host adopts only a first epoch the signed history makes current.
 */

/** What a move needs of the host's private communes (host/commune/private-communes.ts). */
export interface MoveOverKeys {
  makeFirstEpoch(commune: string, readers: readonly PublicKey[], at: number): Promise<SealedItem>;
  adopt(commune: string, records: readonly SealedItem[]): Promise<PrivateLinkContext | undefined>;
}

export interface MovingNode extends WriteTarget {
  readonly me: PublicKey;
  readonly docs: CommuneDocs;
  membershipState(): CommuneState | undefined;
  /** Resolves once every document's current version has had its history read off the main thread (CommuneNode.ready). */
  ready(): Promise<void>;
  now(): number;
  subscribe(listener: () => void): () => void;
  /** Starts the commune's private links and its rotation. */
  goPrivate(context: PrivateLinkContext): void;
}

export class MovingOver {
  readonly #node: MovingNode;
  readonly #keys: MoveOverKeys;
  #running = false;
  #again = false;
  #done = false;
  #stop: () => void;
  readonly #mayMake: boolean;

  /**
   * `loaded` settles when the node's documents have loaded: membership is judged only then. `mayMake`: false on the host of a member
   * who joined the commune with this version (CommuneRecord.joinedPlaintext), which adopts a first epoch and never makes one.
   */
  constructor(node: MovingNode, keys: MoveOverKeys, loaded: Promise<void>, options: { mayMake?: boolean } = {}) {
    this.#node = node;
    this.#keys = keys;
    this.#mayMake = options.mayMake ?? true;
    // The first epoch arrives as a change of the commune document; the founder's own status can change too.
    this.#stop = node.subscribe(() => void this.check());
    void loaded.then(() => this.check());
  }

  close(): void {
    this.#done = true;
    this.#stop();
  }

  /** Opens a first epoch found in the commune document, or, on the host of a member who may (firstEpochReadersFor), makes one; one check at a time. */
  async check(): Promise<void> {
    if (this.#done) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      await this.#step();
    } finally {
      this.#running = false;
      if (this.#again && !this.#done) {
        this.#again = false;
        void this.check();
      }
    }
  }

  async #step(): Promise<void> {
    const node = this.#node;
    const read = readCommuneDoc(node.docs.commune.doc());
    if (!read.ok) return;
    const { genesis, epochs = [] } = read.value.doc;
    if (!isPlaintextGenesis(genesis)) return this.close();
    // First epochs are judged by the signed history (a made-up one by a removed member is never adopted), and who makes one by it too.
    await node.ready();
    const found = firstEpochsIn(epochs, node.id, genesis);
    if (found.length > 0 && (await this.#adopt(found))) return;
    if (!this.#mayMake && genesis.by !== node.me) return;
    const state = node.membershipState();
    const at = node.now();
    const readers = state && firstEpochReadersFor(genesis, state, node.me, at);
    if (!readers || this.#done) return;
    const record = await this.#keys.makeFirstEpoch(node.id, readers, at);
    // A relay's chain adopted while the key was made (fromChain): the commune has moved here already, and a second first epoch of
    // this member's own would only make a fork for every relay and member to settle.
    if (this.#done) return;
    // Into the commune document before any relay hears of it: members syncing in plaintext learn it there.
    const written = await writeEpochRecord(node, epochRecordText(record));
    if (written.ok) await this.#adopt([...found, record]);
  }

  /**
   * The chain a relay handed out with "This commune is now private" (a
   * member offline across the move): its first epoch must be the founder's
   * (firstEpochProblem), then this member's lockbox opens in it, or in a
   * later epoch, as it would in the commune document.
   */
  async fromChain(texts: readonly string[]): Promise<void> {
    if (this.#done) return;
    const genesis = this.#node.docs.genesis();
    if (!genesis) return;
    const records = decodedRecords(texts).filter((record) => record.signed.header.kind === "epoch" && record.signed.header.commune === this.#node.id);
    // Two moves at once leave a relay with several first epochs: the keyring takes the one the rule picks.
    if (!records.some((record) => firstEpochProblem(record, this.#node.id, genesis) === undefined)) return;
    await this.#node.ready();
    // None valid for this member (a removed member's made-up epoch alone): the next check makes this member's own, if it may.
    if (!(await this.#adopt(records))) void this.check();
  }

  /** True once this member holds the epoch the history makes current among `records`, and its links have turned private. */
  async #adopt(records: SealedItem[]): Promise<boolean> {
    const context = await this.#keys.adopt(this.#node.id, records);
    // Left out of every valid first epoch (removed, or gone, before it began), or none is valid (made up by someone not active): this
    // member stays plaintext; an active member's host then makes its own (#step).
    if (!context || this.#done) return false;
    this.close();
    this.#node.goPrivate(context);
    return true;
  }
}

function decodedRecords(texts: readonly string[]): SealedItem[] {
  return texts.flatMap((text) => {
    const decoded = decodeItem(new Uint8Array(Buffer.from(text, "base64")));
    return decoded.ok ? [decoded.item] : [];
  });
}
