import type { Signer, Verifier } from "../identity/crypto";
import type { KeyPair } from "../identity/keys";
import { fail, ok, type Result } from "../result";
import type { PrivacyCrypto } from "./crypto";
import { associatedData } from "./epochs";
import { checkItemSignature, signItem, type BatchHeader, type SealedItem, type SnapshotHeader } from "./headers";

/**
 * A batch (Automerge changes of one document) or a snapshot (a whole
 * document), as a member sends it through a relay: encrypted under its
 * epoch's data key with the signed header as associated data, so moving it
 * to another commune, document or epoch breaks both the signature and the
 * AEAD. The relay stores what it cannot read.
 */
export interface Sealing {
  commune: string;
  document: string;
  /** The epoch record's id, and the data key it gives. */
  epoch: string;
  dataKey: Uint8Array;
  author: KeyPair;
  at: number;
}

export function sealBatch(crypto: PrivacyCrypto, signer: Signer, sealing: Sealing, changes: Uint8Array): SealedItem {
  const header: BatchHeader = {
    kind: "batch",
    commune: sealing.commune,
    document: sealing.document,
    epoch: sealing.epoch,
    by: sealing.author.publicKey,
    at: sealing.at,
  };
  return signItem(signer, header, crypto.encrypt(changes, associatedData(header), sealing.dataKey), sealing.author);
}

export function sealSnapshot(crypto: PrivacyCrypto, signer: Signer, sealing: Sealing & { covers: number }, document: Uint8Array): SealedItem {
  const header: SnapshotHeader = {
    kind: "snapshot",
    commune: sealing.commune,
    document: sealing.document,
    epoch: sealing.epoch,
    by: sealing.author.publicKey,
    at: sealing.at,
    covers: sealing.covers,
  };
  return signItem(signer, header, crypto.encrypt(document, associatedData(header), sealing.dataKey), sealing.author);
}

/** An epoch this member holds the key of, and whether it is still the current one. */
export interface KnownEpoch {
  dataKey: Uint8Array;
  current: boolean;
}

export type OpenRefusal =
  "item.badSignature" | "item.notBatch" | "item.otherCommune" | "item.otherDocument" | "epoch.unknown" | "epoch.superseded" | "item.tampered";

export interface Where {
  commune: string;
  document: string;
  /**
   * True for an item that reached the log after its epoch ended (the relay's
   * sequence number is past the rotation): only someone holding an old key
   * writes under an ended epoch then, so it is refused. Items written before
   * the rotation stay readable under their own epoch.
   */
  afterRotation?: boolean;
}

/**
 * The plaintext of a batch or snapshot found at `where`, checked in this
 * order, each refusal with its reason: the author's signature over header
 * and payload; that it names the commune and document it was found in (a
 * replay names another); that its epoch is known, and current if it came
 * after the rotation; that the AEAD opens. Who the author is, and whether
 * they could write then, is judged afterwards by the records inside.
 */
export function openItem(
  crypto: PrivacyCrypto,
  verifier: Verifier,
  item: SealedItem,
  where: Where,
  keyOf: (epoch: string) => KnownEpoch | undefined,
): Result<{ kind: "batch" | "snapshot"; bytes: Uint8Array }> {
  const refuse = (code: OpenRefusal, message: string) => fail(code, message);
  if (checkItemSignature(verifier, item) !== undefined)
    return refuse("item.badSignature", "This batch is not what its author signed: it was altered on the way");
  const { header } = item.signed;
  if (header.kind === "epoch") return refuse("item.notBatch", "An epoch record was found where a batch or snapshot belongs");
  if (header.commune !== where.commune) return refuse("item.otherCommune", "This batch belongs to another commune: it was replayed here");
  if (header.document !== where.document) return refuse("item.otherDocument", "This batch belongs to another document: it was replayed here");
  const epoch = keyOf(header.epoch);
  if (!epoch) return refuse("epoch.unknown", "This batch is sealed under an epoch this member holds no key to");
  if (where.afterRotation && !epoch.current)
    return refuse("epoch.superseded", "This batch is sealed under an epoch that had ended: whoever sent it holds only an old key");
  const bytes = crypto.decrypt(item.payload, associatedData(header), epoch.dataKey);
  if (!bytes) return refuse("item.tampered", "This batch's ciphertext was altered: it does not open under its epoch's key");
  return ok({ kind: header.kind, bytes });
}
