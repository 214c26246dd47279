/**
 * What a relay's operator can and cannot learn of a commune, in the words
 * Settings and `commune privacy` show (issue 13: "Settings says plainly what
 * a relay operator can and cannot see"). One list per kind of commune, kept
 * true to docs/relay.md, "What the relay sees", and docs/security.md.
 */
export interface RelayVisibility {
  sees: readonly string[];
  cannotSee: readonly string[];
}

export const PRIVATE_COMMUNE: RelayVisibility = {
  sees: [
    "that this commune exists (its id), how many documents it has, and their random ids",
    "the size and time of every change a member sends, and which connection fetches which document",
    "the epoch numbers, and how many members each epoch's key was sealed to",
    "the public keys of the members who send changes and start epochs",
  ],
  cannotSee: [
    "any name, memo, amount, vote, proposal or knowledge item: everything members write is encrypted before it leaves this computer, and the commune is registered on a relay by a founding record that holds only hashes and keys",
    "the key to read it: each epoch's key is sealed to each member, and a relay holds only the public half of the key it admits members by, which lets no one into this commune on another relay",
    "anything written after a member left or was removed, if that member runs a relay: a new epoch starts and its key is not sealed to them",
  ],
};

export const PLAINTEXT_COMMUNE: RelayVisibility = {
  sees: [
    "everything: every name, memo, amount, vote, proposal and knowledge item of this commune, as every member sees it",
    "the commune's relay key, which lets the operator connect to this commune's other relays as a member would",
  ],
  cannotSee: ["members' private keys: the operator cannot sign a record in a member's name"],
};

/**
 * What no relay setting changes: files a member makes leave the commune's
 * encryption behind (docs/security.md, "Moving a commune made before this
 * issue": a backup made before the move keeps the plaintext).
 */
export const FILES_STAY_READABLE =
  "Backups and purse snapshots you export are files on this computer, not encrypted: anyone holding one reads it. A backup made before this commune became private holds everything up to then in the clear.";

/**
 * Why a commune is plaintext, and what becomes of it (docs/relay.md,
 * "Moving existing communes"): founded plaintext by choice; made before
 * private communes and moving once its founder's host opens it; or made
 * before them with its founder gone, moving once any active member's host
 * opens it (the relay-key route).
 */
export type PlaintextReason = "chosen" | "awaitingFounder" | "founderGone";

export const PLAINTEXT_REASONS: Record<PlaintextReason, string> = {
  chosen: "It was founded plaintext, for a relay still on an older version of Commune: its relays read everything members write.",
  awaitingFounder:
    "It was made before private communes: it becomes private when its founder opens it with this version of Commune. Until then its relays read everything members write.",
  founderGone:
    "It was made before private communes and its founder has left or been removed: it becomes private when an active member opens it with this version of Commune. Until then its relays read everything members write.",
};
