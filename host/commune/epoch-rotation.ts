import type { CommuneState } from "../../shared/commune/state";
import { isActiveAt, statusAt } from "../../shared/commune/state";
import type { PublicKey } from "../../shared/identity/keys";
import { makeEpochRecord } from "../../shared/privacy/epochs";
import { idOfItem } from "../../shared/privacy/headers";
import { rotationTurnDelay } from "../../shared/privacy/rotation-turn";
import type { PrivateRelayLink } from "../sync/private-link";
import type { PrivateLinkContext, RelayLink } from "./relay-link";

/**
 * Rotation on removal (docs/relay.md, "When an epoch starts"): when someone
 * who may hold the current epoch's key (a reader of it, or anyone whose
 * membership changed while it was current: invites carry the key) has left
 * or been removed by the signed history, an active member's host starts a
 * child epoch sealed to the active members and applicants, and puts it on the
 * commune's relays. The relay then admits only the child: the member left
 * out is refused there, and reads nothing sealed afterwards.
 *
 * Two members may rotate at once: the relay stores the first child and
 * refuses the second (only a socket proving the first may add a sibling);
 * the member whose child was refused learns the stored one as `superseded`
 * and reads its lockbox there. So that this stays rare, the active members
 * take turns (shared/privacy/rotation-turn.ts): a host starts the child
 * only once its turn has come and the child is still due, that is no
 * earlier member's child has reached it. Joining does not rotate: the next
 * rotation seals to the newcomer.
 */
export interface RotationNode {
  readonly id: string;
  readonly me: PublicKey;
  readonly links: readonly RelayLink[];
  membershipState(): CommuneState | undefined;
  /** Resolves once every document's current version has had its history read off the main thread (CommuneNode.ready). */
  ready(): Promise<void>;
  now(): number;
  subscribe(listener: () => void): () => void;
}

/** How often the membership is judged again with nothing changed (a vote that closes by time); a check is a replay of the small documents. */
const CHECK_EVERY_MS = 5_000;

export class EpochRotation {
  readonly #node: RotationNode;
  readonly #context: PrivateLinkContext;
  #running = false;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #turnTimer: NodeJS.Timeout | undefined;
  /** The epoch whose child became due, and when (this machine's clock): turns count from then. */
  #due: { parent: string; since: number } | undefined;
  #tick: NodeJS.Timeout;
  #stop: () => void;

  constructor(node: RotationNode, context: PrivateLinkContext) {
    this.#node = node;
    this.#context = context;
    // Any change may be the one that passed a removal; a link that connects may be the first place a rotation can go.
    this.#stop = node.subscribe(() => this.#schedule());
    this.#schedule();
    // A removal passes when its vote closes, with no change to announce it: time alone must be looked at too.
    this.#tick = setInterval(() => this.#schedule(), CHECK_EVERY_MS);
    this.#tick.unref();
  }

  close(): void {
    this.#stop();
    clearTimeout(this.#timer);
    clearTimeout(this.#turnTimer);
    clearInterval(this.#tick);
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.check();
    }, 0);
    this.#timer.unref();
  }

  /**
   * The members the current epoch's child should be sealed to, when its
   * readers include someone who is gone, and the active members who may start
   * it; undefined when none is due.
   */
  due(): { readers: PublicKey[]; active: PublicKey[] } | undefined {
    const current = this.#context.keyring.current();
    const state = this.#node.membershipState();
    // An epoch known by its key alone (a newcomer's, before its record arrived) has no readers to judge yet.
    if (!current?.readers || !state) return undefined;
    const at = this.#node.now();
    if (!current.header || !isActiveAt(state, this.#node.me, at)) return undefined;
    const started = current.header.at;
    const members = Object.values(state.members);
    // Who may hold this epoch's key: its readers, and anyone whose membership changed while it was current (an invite carries the key).
    const gone = members.filter((member) => {
      const status = statusAt(state, member.key, at);
      if (status !== "left" && status !== "removed") return false;
      return current.readers!.includes(member.key) || member.history.some((change) => change.at >= started);
    });
    if (gone.length === 0) return undefined;
    // Applicants are sealed to as well: they came in with an invite that carried the key, and are refused at the relay otherwise once admitted.
    const readers = members.filter((member) => ["active", "applicant"].includes(statusAt(state, member.key, at) ?? "")).map((member) => member.key);
    return { readers, active: members.filter((member) => statusAt(state, member.key, at) === "active").map((member) => member.key) };
  }

  /** How long this host still waits for its turn to start the child of `parent` (0: now), counting from when it was first seen due. */
  #turnIn(parent: string, active: readonly PublicKey[]): number {
    const now = Date.now();
    if (this.#due?.parent !== parent) this.#due = { parent, since: now };
    return Math.max(0, this.#due.since + rotationTurnDelay(this.#node.me, active) - now);
  }

  /** Starts a child epoch when one is due, and puts it on every relay connected now; one check at a time. */
  async check(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      // The membership is read from documents whose history is settled: a change read before would be scanned on this thread.
      await this.#node.ready();
      const due = this.due();
      const current = this.#context.keyring.current();
      if (!due || !current) return;
      const wait = this.#turnIn(current.id, due.active);
      if (wait > 0) {
        clearTimeout(this.#turnTimer);
        this.#turnTimer = setTimeout(() => this.#schedule(), wait);
        this.#turnTimer.unref();
        return;
      }
      const readers = due.readers;
      const { keyring, privacy, crypto, me } = this.#context;
      const child = makeEpochRecord(privacy, crypto, {
        commune: this.#node.id,
        epoch: current.epoch + 1,
        parent: current.id,
        epochKey: privacy.randomKey(),
        previousKey: current.keys.epochKey,
        readers,
        author: me,
        at: this.#node.now(),
      });
      const links = this.#node.links.filter((link): link is PrivateRelayLink => typeof (link as Partial<PrivateRelayLink>).putEpoch === "function");
      const stored = await Promise.all(links.map((link) => link.putEpoch(child.item, child.keys.admission)));
      // Held only once a relay has it: a child no relay took is dropped, and made again on the next check.
      if (stored.some(Boolean)) await keyring.hold(idOfItem(child.item), current.epoch + 1, child.keys.epochKey, child.item);
    } finally {
      this.#running = false;
      if (this.#again) {
        this.#again = false;
        this.#schedule();
      }
    }
  }
}
