import type { Genesis } from "../../shared/commune/genesis";
import { boundedVerdictCache, cryptoOf, type Crypto } from "../../shared/identity/crypto";
import { checkSignature, type Signed } from "../../shared/identity/signed";
import { checkItemSignature, decodeItem, idOfItem, type EpochHeader, type SealedItem } from "../../shared/privacy/headers";
import { problem, type Problem } from "../../shared/result";
import { registrationProblem } from "../../shared/sync/relay-registration";
import { opensslVerifier } from "../openssl-ed25519";
import { fromBase64, type AdmissionTranscript } from "./protocol";

/**
 * What the relay checks before it admits a socket or registers a commune:
 * Ed25519 signatures with Node's OpenSSL (an admission must not cost ~1 ms of
 * pure JS under load), as strictly as the host (relay/openssl-ed25519.ts).
 */
/** The relay's crypto: OpenSSL verification, a small verdict cache (admissions never repeat; items rarely do). */
export const relayCrypto = (): Crypto => cryptoOf({ verify: opensslVerifier(), verdicts: boundedVerdictCache(4_096) });

/** Whether `sig` is `admission`'s signature over this transcript. */
export function admissionHolds(crypto: Crypto, transcript: AdmissionTranscript, admission: string, sig: string): boolean {
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
 * A registration: the genesis hashes to the commune id and is signed; the
 * epochs form one signed chain from a first epoch (number 1, no parent) that
 * the genesis anchors: the genesis names its admission key, or (for a
 * commune founded before it could) the genesis's founder signed it. The
 * socket must then prove the chain tip's admission key, which the caller
 * checks. Cheap checks first: anyone may send a hello.
 */
export function checkRegistration(
  crypto: Crypto,
  commune: string,
  genesis: { by: string; sig: string },
  epochs: string[],
): { ok: true; chain: EpochRecord[]; ids: string[] } | { ok: false; problem: Problem } {
  const genesisProblem = registrationProblem(crypto, commune, genesis);
  if (genesisProblem) return { ok: false, problem: problem("private.registration", genesisProblem) };
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
  const anchor = (genesis as Partial<Signed<Genesis>>).admission;
  const anchored = anchor !== undefined ? anchor === first.header.admission : first.by === genesis.by;
  if (!anchored) {
    return {
      ok: false,
      problem: problem(
        "private.registration",
        anchor !== undefined
          ? "The first epoch's admission key is not the one the commune's founding record names"
          : "The first epoch is not signed by the commune's founder",
      ),
    };
  }
  return { ok: true, chain, ids };
}
