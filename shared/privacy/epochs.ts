import { base64 } from "@scure/base";
import { z } from "zod";
import { canonicalJson } from "../identity/canonical";
import type { Signer, Verifier } from "../identity/crypto";
import { keyPairFromSecret, type KeyPair, type PublicKey } from "../identity/keys";
import { fail, ok, type Result } from "../result";
import type { PrivacyCrypto } from "./crypto";
import { checkItemSignature, idOfItem, signItem, type EpochHeader, type ItemHeader, type SealedItem } from "./headers";

/**
 * A commune's keys per epoch (docs/relay.md, "Keys and epochs"). An epoch
 * key is 32 random bytes; from it come the data key (batches and snapshots)
 * and the admission key pair, whose public half is all a relay holds. The
 * epoch record carries the key sealed to each reader (a lockbox each,
 * unlabelled), the readers' keys and the previous epoch's key, both
 * encrypted under the new data key, so whoever holds the newest key reads
 * the whole history and a removed member reads nothing after.
 */
export interface EpochKeys {
  epochKey: Uint8Array;
  dataKey: Uint8Array;
  admission: KeyPair;
}

const DATA = { id: 1, context: "commdata" } as const;
const ADMISSION = { id: 2, context: "commadmt" } as const;
/** Lockboxes one record may carry: a commune is small; a record claiming more is refused before any is tried. */
export const MAX_READERS = 1_000;

export function epochKeysOf(crypto: PrivacyCrypto, signer: Signer, epochKey: Uint8Array): EpochKeys {
  return {
    epochKey,
    dataKey: crypto.derive(epochKey, DATA.id, DATA.context),
    admission: keyPairFromSecret(crypto.derive(epochKey, ADMISSION.id, ADMISSION.context), signer.publicKeyOf),
  };
}

/** What a header authenticates when it is associated data: its canonical JSON. */
export const associatedData = (header: ItemHeader): Uint8Array => new TextEncoder().encode(canonicalJson(header));

const Payload = z.strictObject({
  lockboxes: z.array(z.base64().max(256)).min(1).max(MAX_READERS),
  readers: z.base64().max(200_000),
  previous: z.base64().max(256).optional(),
});

export interface NewEpoch {
  commune: string;
  /** 1 for the first epoch, the parent's number + 1 after. */
  epoch: number;
  parent: string | null;
  epochKey: Uint8Array;
  /** The parent epoch's key, carried so that the new key opens everything before it. */
  previousKey?: Uint8Array;
  /** The members who may read this epoch: the commune's active members when it starts. */
  readers: readonly PublicKey[];
  author: KeyPair;
  at: number;
}

/** The signed epoch record for `epoch`, and its keys. */
export function makeEpochRecord(crypto: PrivacyCrypto, signer: Signer, epoch: NewEpoch): { item: SealedItem; keys: EpochKeys } {
  const keys = epochKeysOf(crypto, signer, epoch.epochKey);
  const header: EpochHeader = {
    kind: "epoch",
    commune: epoch.commune,
    epoch: epoch.epoch,
    parent: epoch.parent,
    admission: keys.admission.publicKey,
    by: epoch.author.publicKey,
    at: epoch.at,
  };
  const associated = associatedData(header);
  const readers = [...new Set(epoch.readers)].sort();
  if (readers.length === 0 || readers.length > MAX_READERS) throw new RangeError(`an epoch has 1 to ${MAX_READERS} readers`);
  const lockboxes = readers
    .map((reader) => {
      const box = crypto.sealTo(epoch.epochKey, reader);
      if (!box) throw new Error(`makeEpochRecord: ${reader} is not a member's key`);
      return base64.encode(box);
    })
    // In a canonical order, so the order says nothing about who is who.
    .sort();
  const payload = {
    lockboxes,
    readers: base64.encode(crypto.encrypt(new TextEncoder().encode(JSON.stringify(readers)), associated, keys.dataKey)),
    ...(epoch.previousKey ? { previous: base64.encode(crypto.encrypt(epoch.previousKey, associated, keys.dataKey)) } : {}),
  };
  return { item: signItem(signer, header, new TextEncoder().encode(JSON.stringify(payload)), epoch.author), keys };
}

export interface OpenedEpoch {
  id: string;
  header: EpochHeader;
  keys: EpochKeys;
  readers: PublicKey[];
  previousKey?: Uint8Array;
}

export type EpochRefusal = "epoch.badSignature" | "epoch.notEpoch" | "epoch.otherCommune" | "epoch.malformed" | "epoch.noLockbox" | "epoch.tampered";

/**
 * Reads an epoch record with a member's own key: every refusal says why.
 * A member none of whose lockboxes opens was not a reader: removed, or
 * gone, before this epoch began.
 */
export function openEpochRecord(
  crypto: PrivacyCrypto,
  signer: Signer,
  verifier: Verifier,
  item: SealedItem,
  expected: { commune: string },
  me: KeyPair,
): Result<OpenedEpoch> {
  const refuse = (code: EpochRefusal, message: string) => fail(code, message);
  if (checkItemSignature(verifier, item) !== undefined) return refuse("epoch.badSignature", "The epoch record is not what its author signed");
  const { header } = item.signed;
  if (header.kind !== "epoch") return refuse("epoch.notEpoch", "This is not an epoch record");
  if (header.commune !== expected.commune) return refuse("epoch.otherCommune", "This epoch record belongs to another commune");
  const payload = payloadOf(item.payload);
  if (!payload) return refuse("epoch.malformed", "The epoch record's lockboxes cannot be read");
  let epochKey: Uint8Array | undefined;
  for (const box of payload.lockboxes) {
    epochKey = crypto.openSealed(base64.decode(box), me.secretKey);
    if (epochKey) break;
  }
  if (!epochKey || epochKey.length !== 32)
    return refuse("epoch.noLockbox", "You hold no key to this epoch of the commune: you were removed, or left, before it began");
  const keys = epochKeysOf(crypto, signer, epochKey);
  // The key in the lockbox must be the one the signed header's admission key comes from: a lockbox cannot be swapped in.
  if (keys.admission.publicKey !== header.admission) return refuse("epoch.tampered", "The epoch record's key does not match its signed admission key");
  return openedWith(crypto, item, header, payload, keys);
}

/**
 * Reads an epoch record with its key already in hand (from an invite, or the
 * `previous` of its child) rather than a lockbox: a newcomer is no reader of
 * the epoch it joins under, and reads older epochs down the chain of keys.
 * The key must give the record's signed admission key, so a wrong key or a
 * record swapped in is refused, as openEpochRecord refuses them.
 */
export function openEpochRecordWithKey(
  crypto: PrivacyCrypto,
  signer: Signer,
  verifier: Verifier,
  item: SealedItem,
  expected: { commune: string },
  epochKey: Uint8Array,
): Result<OpenedEpoch> {
  const refuse = (code: EpochRefusal, message: string) => fail(code, message);
  if (checkItemSignature(verifier, item) !== undefined) return refuse("epoch.badSignature", "The epoch record is not what its author signed");
  const { header } = item.signed;
  if (header.kind !== "epoch") return refuse("epoch.notEpoch", "This is not an epoch record");
  if (header.commune !== expected.commune) return refuse("epoch.otherCommune", "This epoch record belongs to another commune");
  const payload = payloadOf(item.payload);
  if (!payload) return refuse("epoch.malformed", "The epoch record's lockboxes cannot be read");
  const keys = epochKeysOf(crypto, signer, epochKey);
  if (keys.admission.publicKey !== header.admission) return refuse("epoch.tampered", "This key is not the key of that epoch record");
  return openedWith(crypto, item, header, payload, keys);
}

function payloadOf(bytes: Uint8Array): z.infer<typeof Payload> | undefined {
  try {
    const parsed = Payload.safeParse(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The readers and the previous key, decrypted under the record's own data key (its header is their associated data). */
function openedWith(crypto: PrivacyCrypto, item: SealedItem, header: EpochHeader, payload: z.infer<typeof Payload>, keys: EpochKeys): Result<OpenedEpoch> {
  const associated = associatedData(header);
  const readersBytes = crypto.decrypt(base64.decode(payload.readers), associated, keys.dataKey);
  const readers = readersBytes ? readerList(readersBytes) : undefined;
  if (!readers) return fail("epoch.tampered", "The epoch record's list of readers was altered");
  let previousKey: Uint8Array | undefined;
  if (payload.previous !== undefined) {
    previousKey = crypto.decrypt(base64.decode(payload.previous), associated, keys.dataKey);
    if (!previousKey) return fail("epoch.tampered", "The epoch record's previous key was altered");
  }
  return ok({ id: idOfItem(item), header, keys, readers, ...(previousKey ? { previousKey } : {}) });
}

function readerList(bytes: Uint8Array): PublicKey[] | undefined {
  try {
    const list = z
      .array(z.string().regex(/^[0-9a-f]{64}$/))
      .max(MAX_READERS)
      .safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return list.success ? list.data : undefined;
  } catch {
    return undefined;
  }
}
