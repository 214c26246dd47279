/**
 * Test-only: builds a commune's signed history the way members' hosts would,
 * so tests read as a story ("Ada founds, Bo joins, Bo proposes...").
 */
import { communeState } from "../commune/commune-state";
import type { MembershipEvent, SignedMembershipEvent } from "../commune/events";
import { communeIdOf, createGenesis } from "../commune/genesis";
import type { Rules } from "../commune/rules";
import type { CommuneState } from "../commune/state";
import { keyPairFromSecret, type KeyPair } from "../identity/keys";
import { nobleCrypto, nobleSigner, type Verifier } from "../identity/crypto";
import { sign } from "../identity/signed";
import { EUR, HOUR } from "../money/currency";
import type { Choice, Proposal, SignedProposal, SignedVote, Vote } from "../proposals/proposal";

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 1);

/** A deterministic key pair per small number, so failures are reproducible. */
export const testKeys = (n: number): KeyPair => keyPairFromSecret(new Uint8Array(32).fill(n));

export const defaultRules: Rules = {
  quorumPercent: 50,
  thresholdPercent: 50,
  allowBlock: true,
  spendLimit: { EUR: 5000 },
  admission: "direct",
  currencies: [EUR, HOUR],
};

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

export class CommuneBuilder {
  readonly founder: KeyPair;
  readonly genesis;
  readonly id: string;
  events: SignedMembershipEvent[] = [];
  proposals: SignedProposal[] = [];
  votes: SignedVote[] = [];
  #inviteCount = 0;
  readonly #verifier: Verifier;

  /** `verifier` checks the history in state(); a fresh pure-JS one unless given (a test that counts verifications passes its own). */
  constructor(options: { rules?: Partial<Rules>; founder?: KeyPair; name?: string; at?: number; verifier?: Verifier } = {}) {
    this.#verifier = options.verifier ?? nobleCrypto();
    this.founder = options.founder ?? testKeys(1);
    this.genesis = createGenesis(
      nobleSigner,
      { name: options.name ?? "Riverside", founderName: "Ada", at: options.at ?? T0, rules: { ...defaultRules, ...options.rules } },
      this.founder,
    );
    this.id = communeIdOf(this.genesis);
  }

  event(keys: KeyPair, event: DistributiveOmit<MembershipEvent, "commune">): SignedMembershipEvent {
    const signed = sign(nobleSigner, "membership", { ...event, commune: this.id } as MembershipEvent, keys);
    this.events.push(signed);
    return signed;
  }

  invite(inviter: KeyPair, at: number, expiresAt = at + 7 * DAY) {
    return sign(nobleSigner, "invite", { commune: this.id, id: `invite-${++this.#inviteCount}`, at, expiresAt }, inviter);
  }

  /** The member joins with a fresh invite from `inviter` (the founder unless told). */
  join(keys: KeyPair, name: string, at: number, inviter: KeyPair = this.founder) {
    return this.event(keys, { type: "join", at, name, invite: this.invite(inviter, at - 1) });
  }

  propose(keys: KeyPair, fields: DistributiveOmit<Proposal, "commune" | "title" | "body" | "id"> & { id?: string; title?: string }): SignedProposal {
    const proposal = sign(
      nobleSigner,
      "proposal",
      { title: "A proposal", body: "", id: `p${this.proposals.length + 1}`, ...fields, commune: this.id } as Proposal,
      keys,
    );
    this.proposals.push(proposal);
    return proposal;
  }

  /** Without `version`, a vote as written before votes named the proposal version they approve. */
  vote(keys: KeyPair, proposal: string, choice: Choice, at: number, version?: string): SignedVote {
    const vote = sign(nobleSigner, "vote", { commune: this.id, proposal, choice, at, ...(version === undefined ? {} : { version }) }, keys);
    this.votes.push(vote);
    return vote;
  }

  /** A vote with whatever a process vote marks besides its choice (a reason, a pick, dots, times, a decision). */
  mark(keys: KeyPair, proposal: string, fields: Omit<Vote, "commune" | "proposal">): SignedVote {
    const vote = sign(nobleSigner, "vote", { commune: this.id, proposal, ...fields }, keys);
    this.votes.push(vote);
    return vote;
  }

  state(now: number): CommuneState {
    const result = communeState(this.#verifier, { genesis: this.genesis, events: this.events, proposals: this.proposals, votes: this.votes }, now);
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  }
}
