import { parseAutomergeUrl, type AutomergeUrl, type DocHandle } from "@automerge/automerge-repo";
import { listIn } from "./containers";
import { fromStored, toStored } from "../../shared/docs/automerge-form";
import type { Signer, Verifier } from "../../shared/identity/crypto";
import type { KeyPair } from "../../shared/identity/keys";
import { sign, type Signed, type SignaturePurpose } from "../../shared/identity/signed";
import type { Refusal, Verdict } from "../../shared/judges/verdict";
import { fail, failWith, ok, type Result } from "../../shared/result";
import { keptProblem, saveRefusalOf } from "../store/disk-refusal";
import type { CommuneDocs } from "./commune-docs";

/**
 * The one way a command changes a commune's documents. Every write runs in
 * the commune's queue, so it is judged against the documents as the
 * previous write left it, and is on disk before the command answers (a
 * success survives a SIGKILL right after it). A record goes:
 * queue -> current model -> build -> sign -> judge -> change -> flush,
 * and a refused record changes nothing. Command handlers only turn a
 * person's input into record fields; host/commands/one-writer.test.ts fails on a
 * handler that changes a document any other way.
 */

/** What the writer needs of a commune: its documents and its write queue. */
export interface WriteTarget {
  readonly id: string;
  readonly docs: CommuneDocs;
  /** Runs the work after every earlier write has finished, whatever their outcome. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

/** Who writes: the member's keys, the host's crypto (signs the record, checks what the judge checks) and the clock the record is dated by. */
export interface Author {
  readonly keys: KeyPair;
  readonly crypto: Signer & Verifier;
  now(): number;
}

/** Every record carries its commune and its time; the writer fills both. */
type Dated = { commune: string; at: number };
/** A record's own fields, what a handler builds (distributed over unions, so a proposal keeps its kind). */
export type Fields<R> = R extends unknown ? Omit<R, keyof Dated> : never;

/** How one kind of record is read, judged and saved. */
export interface RecordKind<T extends WriteTarget, M, R extends Dated> {
  purpose: SignaturePurpose;
  /** The model the record is judged against, as the previous write left it. */
  read(target: T, now: number): Result<M>;
  /** The shared/ judge every member applies to this kind of record when they replay it. */
  judge(model: M, record: Signed<R>, target: T, verifier: Verifier): Verdict;
  /** Puts the judged record into its document: the one place a record becomes a change. */
  save(target: T, record: Signed<R>, model: M): Promise<void>;
  /** The refusal in words for the member who asked. */
  refusal(refusal: Refusal, record: Signed<R>): string;
}

/**
 * The frame of every write: in the commune's queue, saved to disk before it
 * answers. A change the disk refuses cannot be taken back: it is in the
 * documents already, shown, and may have left for the relays within
 * milliseconds. So the answer says it is made and held, saved once the disk
 * takes writes (CommuneDocs.save tries again), and must not be made again:
 * a member told only "it failed" would record it twice.
 */
export function inQueue<T>(target: WriteTarget, work: () => Promise<Result<T>>): Promise<Result<T>> {
  return target.exclusive(async () => {
    const result = await work();
    if (!result.ok) return result;
    const unsaved = await target.docs.save();
    if (!unsaved) return result;
    return failWith(keptProblem(await saveRefusalOf(unsaved.error, unsaved.dataDir)));
  });
}

/**
 * Builds, signs, judges and writes one record; answers with the signed
 * record, or why nothing was written. `ask` runs only for a record that
 * would count: what a member must confirm before it is written (an unusual
 * amount), said instead of writing it.
 */
export function writeRecord<T extends WriteTarget, M, R extends Dated>(
  target: T,
  author: Author,
  kind: RecordKind<T, M, R>,
  build: (model: M, at: number) => Result<Fields<R>>,
  ask?: (model: M, record: Signed<R>) => Result<void>,
): Promise<Result<Signed<R>>> {
  return inQueue(target, async () => {
    const model = kind.read(target, author.now());
    if (!model.ok) return model;
    const at = author.now();
    const fields = build(model.value, at);
    if (!fields.ok) return fields;
    // A record's own fields with the two the writer fills are the whole record.
    const record = sign(author.crypto, kind.purpose, { ...fields.value, commune: target.id, at } as unknown as R, author.keys);
    const verdict = kind.judge(model.value, record, target, author.crypto);
    if (verdict !== "counted") return fail(verdict.code, kind.refusal(verdict, record));
    const asked = ask?.(model.value, record);
    if (asked && !asked.ok) return asked;
    await kind.save(target, record, model.value);
    return ok(record);
  });
}

/** The commune's shared list of relays: not a signed record, but a change like the others, queued and flushed. */
export function writeRelayList(target: WriteTarget, relays: readonly string[]): Promise<Result<void>> {
  return inQueue(target, async () => {
    target.docs.commune.change((doc) => {
      const list = listIn(doc, "relays");
      list.splice(0, list.length, ...relays.map((url) => toStored(url)));
    });
    return ok(undefined);
  });
}

/**
 * A moved commune's first epoch record (issue 13), into the commune
 * document's `epochs` list, so members still syncing in plaintext open their
 * lockbox in it. Not a record the writer signs: the item is signed inside by
 * its author, and every member checks it before opening it
 * (shared/privacy/moving-over.ts). Written once: a record already listed is
 * not listed again.
 */
export function writeEpochRecord(target: WriteTarget, text: string): Promise<Result<void>> {
  return inQueue(target, async () => {
    target.docs.commune.change((doc) => {
      const list = listIn(doc, "epochs");
      if (!list.some((stored) => fromStored(stored) === text)) list.push(toStored(text));
    });
    return ok(undefined);
  });
}

/**
 * Loads whole documents (a verified backup) into the commune's handles,
 * which store them and sync them out like any change from a peer. Not a
 * record: the caller judges the merge as a whole (snapshot-import.ts) and
 * runs this inside `inQueue`.
 */
export async function importDocuments(
  target: WriteTarget,
  documents: ReadonlyArray<{ url: string; bytes: Uint8Array }>,
): Promise<{ updated: number; added: string[] }> {
  const local = new Map<string, DocHandle<unknown>>(target.docs.allHandles().map((handle) => [handle.url, handle]));
  let updated = 0;
  const added: string[] = [];
  for (const document of documents) {
    const handle = local.get(document.url);
    const headsBefore = handle?.heads().join(",");
    const imported = target.docs.repo.import<unknown>(document.bytes, { docId: parseAutomergeUrl(document.url as AutomergeUrl).documentId });
    if (!handle) added.push(document.url);
    else if (imported.heads().join(",") !== headsBefore) updated++;
  }
  await target.docs.discoverShards();
  await waitForShards(target, added);
  // Saved by inQueue, which the caller runs this in: a disk's refusal is said there.
  return { updated, added };
}

/** Shards new to this machine are ready at once; their discovery by the commune's documents finishes a few turns later. */
async function waitForShards(target: WriteTarget, urls: readonly string[]): Promise<void> {
  const open = () => new Set<string>([...target.docs.shards.values()].map((handle) => handle.url));
  for (let turn = 0; turn < 100 && !urls.every((url) => open().has(url)); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (turn % 10 === 9) await target.docs.discoverShards();
  }
}
