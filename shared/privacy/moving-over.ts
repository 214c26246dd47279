import { base64 } from "@scure/base";
import type { CommuneState } from "../commune/state";
import { statusAt } from "../commune/state";
import type { Genesis } from "../commune/genesis";
import type { PublicKey } from "../identity/keys";
import type { Signed } from "../identity/signed";
import { decodeItem, encodeItem, type SealedItem } from "./headers";

/**
 * Moving a commune made before issue 13 to private (docs/relay.md, "Moving
 * existing communes"): who makes its first epoch, who it is sealed to, and
 * which first epoch a member accepts. Pure rules; the host's
 * host/commune/moving-over.ts acts on them.
 *
 * A commune made before the issue has a genesis without `admission`. Its
 * founder's host makes epoch 1 while the founder is active; once the founder
 * has left or been removed, any active member's host does (the relay-key
 * route: docs/relay.md). Which first epoch counts is judged by the signed
 * history, as a child is (shared/privacy/current-epoch.ts, `judgeFirst`).
 */

/** A commune whose genesis names no admission key was made in plaintext (founded private ones name their first epoch's). */
export const isPlaintextGenesis = (genesis: Signed<Genesis>): boolean => genesis.admission === undefined;

/**
 * The readers of a moved commune's first epoch, when `me` should make it now:
 * `me` is active at `at`, and is its founder or its founder is not active
 * (while the founder is, only the founder's host moves it, so members do not
 * all race to). Sealed, as a rotation's child is, to the active members and
 * the applicants (an applicant holds an invite, and is refused by the relays
 * once admitted otherwise). Undefined when `me` should not make it.
 */
export function firstEpochReadersFor(genesis: Signed<Genesis>, state: CommuneState, me: PublicKey, at: number): PublicKey[] | undefined {
  if (!isPlaintextGenesis(genesis)) return undefined;
  if (statusAt(state, me, at) !== "active") return undefined;
  const founder = state.founder;
  if (founder !== me && statusAt(state, founder, at) === "active") return undefined;
  return Object.keys(state.members).filter((key) => {
    const status = statusAt(state, key, at);
    return status === "active" || status === "applicant";
  });
}

/**
 * Why `record` is not a first epoch of the moved commune `genesis` founded,
 * by its clear header: it must be an epoch record of this commune, numbered
 * 1, with no parent. Its signature and lockboxes are checked when it is
 * opened (shared/privacy/epochs.ts), and whether its author was active and
 * its readers the active members and applicants at its signed time by the
 * keyring's judgement (currentEpochOf with `judgeFirst`).
 */
export function firstEpochProblem(record: SealedItem, commune: string, genesis: Signed<Genesis>): string | undefined {
  const header = record.signed.header;
  if (header.kind !== "epoch") return "it is not an epoch record";
  if (header.commune !== commune) return "it is an epoch of another commune";
  if (!isPlaintextGenesis(genesis)) return "the commune was founded private: its first epoch is named by its genesis";
  if (header.epoch !== 1 || header.parent !== null) return "it is not a first epoch";
  return undefined;
}

/** The commune document's form of an epoch record (its `epochs` list): the encoded item in base64. */
export const epochRecordText = (record: SealedItem): string => base64.encode(encodeItem(record));

/** The first epochs the commune document carries, decoded; any that is not one (firstEpochProblem) is left out. */
export function firstEpochsIn(texts: readonly string[], commune: string, genesis: Signed<Genesis>): SealedItem[] {
  return texts.flatMap((text) => {
    let bytes: Uint8Array;
    try {
      bytes = base64.decode(text);
    } catch {
      return [];
    }
    const decoded = decodeItem(bytes);
    return decoded.ok && firstEpochProblem(decoded.item, commune, genesis) === undefined ? [decoded.item] : [];
  });
}
