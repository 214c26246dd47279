import { anchorIdOf, type GenesisAnchor } from "../../shared/commune/genesis";
import { boundedVerdictCache, cryptoOf, type Crypto } from "../../shared/identity/crypto";
import { z } from "zod";
import { publicKey, signature } from "../../shared/docs/fields";
import { checkSignature } from "../../shared/identity/signed";
import { checkItemSignature, decodeItem, idOfItem, type EpochHeader, type SealedItem } from "../../shared/privacy/headers";
import { problem, type Problem } from "../../shared/result";
import { registrationProblem } from "../../shared/sync/relay-registration";
import { opensslVerifier } from "../openssl-ed25519";
import { fromBase64, type AdmissionTranscript, type PartnerTranscript } from "./protocol";

/**
 * What the relay checks before it admits a socket or registers a commune:
 * Ed25519 signatures with Node's OpenSSL (an admission must not cost ~1 ms of
 * pure JS under load), as strictly as the host (relay/openssl-ed25519.ts).
 */
/** The relay's crypto: OpenSSL verification, a small verdict cache (admissions never repeat; items rarely do). */
export const relayCrypto = (): Crypto => cryptoOf({ verify: opensslVerifier(), verdicts: boundedVerdictCache(4_096) });

/** Whether `sig` is `admission`'s signature over this transcript. */
export function admissionHolds(crypto: Crypto, transcript: AdmissionTranscript | PartnerTranscript, admission: string, sig: string): boolean {
  return checkSignature(crypto, "admission", { ...transcript, by: admission, sig }) === undefined;
}

/** An epoch record as the relay reads it: signed, an epoch, of this commune. */
export type EpochRecord = SealedItem & { signed: { header: EpochHeader } };

export function readEpochRecord(
  crypto: Crypto,
  commune: string,
  bytes: Uint8Array,
): { ok: true; record: EpochRecord; id: string } | { ok: false; problem: Problem } {
  const decoded = decodeItem(bytes);
  if (!decoded.ok) return { ok: false, problem: problem("private.malformed", decoded.problem.message) };
  const { item } = decoded;
  if (item.signed.header.kind !== "epoch") return { ok: false, problem: problem("private.notEpoch", "An epoch record was expected") };
  if (item.signed.header.commune !== commune) return { ok: false, problem: problem("private.wrongCommune", "The epoch record belongs to another commune") };
  const signatureProblem = checkItemSignature(crypto, item);
  if (signatureProblem) return { ok: false, problem: problem("private.badSignature", `The epoch record's signature does not hold (${signatureProblem})`) };
  return { ok: true, record: item as EpochRecord, id: idOfItem(item) };
}

/**
 * The founding record a registration carries. A commune founded private sends
 * its anchor: the admission key and a hash of the readable fields, signed by
 * the founder, hashing to the commune id. A commune moved from plaintext
 * (founded before anchors) can only send its readable genesis, and its first
 * epoch must be signed by that genesis's founder. A private commune's full
 * genesis is refused, so a host that sends it by mistake learns at once
 * instead of leaking its name to every relay.
 */
export function founding(
  crypto: Crypto,
  commune: string,
  genesis: { by: string; sig: string },
): { ok: true; admission?: string; founder: string } | { ok: false; problem: Problem } {
  const shape = genesis as { admission?: unknown; contents?: unknown };
  if (shape.contents !== undefined) {
    const anchor = genesisAnchor.safeParse(genesis);
    if (!anchor.success) return { ok: false, problem: problem("private.registration", "The commune's founding anchor cannot be read") };
    if (anchorIdOf(anchor.data) !== commune) return { ok: false, problem: problem("private.registration", "The founding anchor belongs to another commune") };
    if (checkSignature(crypto, "genesis-anchor", anchor.data) !== undefined) {
      return { ok: false, problem: problem("private.registration", "The commune's founding anchor is not validly signed") };
    }
    return { ok: true, admission: anchor.data.admission, founder: anchor.data.by };
  }
  if (shape.admission !== undefined) {
    return {
      ok: false,
      problem: problem("private.readableGenesis", "A private commune registers with its founding anchor, never its readable founding record"),
    };
  }
  const genesisProblem = registrationProblem(crypto, commune, genesis);
  if (genesisProblem) return { ok: false, problem: problem("private.registration", genesisProblem) };
  return { ok: true, founder: genesis.by };
}

const genesisAnchor = z.strictObject({
  admission: publicKey,
  contents: z.string().regex(/^[0-9a-f]{64}$/),
  by: publicKey,
  sig: signature,
}) satisfies z.ZodType<GenesisAnchor>;

/**
 * A registration: the founding record (see `founding`) names the commune id
 * and is signed; the epochs form one signed chain from a first epoch (number
 * 1, no parent) that it anchors: by the admission key the anchor names, or
 * (for a commune moved from plaintext) by the founder's signature. A moved
 * commune's first epoch signed by someone else is the relay-key route
 * (docs/relay.md): `needsRelayKey`, and the caller takes it only from a
 * socket that also proves the commune's old relay key. The socket must then
 * prove the chain tip's admission key, which the caller checks. Cheap checks
 * first: anyone may send a hello.
 */
export function checkRegistration(
  crypto: Crypto,
  commune: string,
  genesis: { by: string; sig: string },
  epochs: string[],
): { ok: true; chain: EpochRecord[]; ids: string[]; needsRelayKey: boolean } | { ok: false; problem: Problem } {
  const founded = founding(crypto, commune, genesis);
  if (!founded.ok) return founded;
  const chain: EpochRecord[] = [];
  const ids: string[] = [];
  for (const [index, encoded] of epochs.entries()) {
    const read = readEpochRecord(crypto, commune, fromBase64(encoded));
    if (!read.ok) return { ok: false, problem: { ...read.problem, message: `Epoch ${index + 1} of the registration: ${read.problem.message}` } };
    const header = read.record.signed.header;
    const parent = index === 0 ? null : ids[index - 1]!;
    if (header.parent !== parent || header.epoch !== index + 1) {
      return { ok: false, problem: problem("private.registration", `Epoch ${index + 1} of the registration does not follow the one before it`) };
    }
    chain.push(read.record);
    ids.push(read.id);
  }
  const first = chain[0]!.signed;
  if (founded.admission === undefined) return { ok: true, chain, ids, needsRelayKey: first.by !== founded.founder };
  if (founded.admission !== first.header.admission) {
    return { ok: false, problem: problem("private.registration", "The first epoch's admission key is not the one the commune's founding anchor names") };
  }
  return { ok: true, chain, ids, needsRelayKey: false };
}
