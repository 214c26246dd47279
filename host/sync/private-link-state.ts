import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { readFileIfExists, writeFileAtomic } from "../store/atomic-file";
import { COMPACTION, type SinceSnapshot } from "./compaction";

/**
 * What a member's host knows about one relay of a private commune, kept in
 * `communes/<id>/private-relays/<hash of the relay's address>.json`: the
 * last sequence number of the relay's log it has read (it fetches what
 * follows), and per document the heads the relay is known to hold (what
 * this member sent it, or received from it), so only changes after them are
 * sent. Losing the file costs only a re-fetch and a re-send: the relay
 * answers a duplicate with the copy it has.
 */
const head = z.string().regex(/^[0-9a-f]{64}$/);
/** A document whose known heads would pass this is simply sent again from fewer: a re-send is harmless. */
const MAX_HEADS = 64;
const fileSchema = z.strictObject({
  v: z.literal(1),
  url: z.string().max(2048),
  since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  sent: z.record(z.string().max(64), z.array(head).max(MAX_HEADS)),
  /** Per document, what was stored after its latest snapshot (host/sync/compaction.ts); absent in files written before compaction. */
  compaction: z
    .record(
      z.string().max(64),
      z.strictObject({
        batchBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        snapshotBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        snapshotSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
        lastSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
        snapshotHeads: z.array(head).max(MAX_HEADS).optional(),
        // SinceSnapshot.held, under the name it had when it held this member's own batches only (files written then still load).
        own: z
          .array(z.strictObject({ seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), heads: z.array(head).max(MAX_HEADS) }))
          .max(COMPACTION.heldRemembered),
      }),
    )
    .optional(),
});

export class PrivateLinkState {
  readonly #dir: string;
  readonly #path: string;
  readonly #url: string;
  #since = 0;
  readonly #sent = new Map<string, string[]>();
  readonly #compaction = new Map<string, SinceSnapshot>();
  #loaded: Promise<void> | undefined;
  #saving: Promise<unknown> = Promise.resolve();
  #dirty = false;

  constructor(dir: string, url: string) {
    this.#dir = dir;
    this.#url = url;
    this.#path = join(dir, `${bytesToHex(sha256(new TextEncoder().encode(url))).slice(0, 32)}.json`);
  }

  /** Reads the file once; a missing or damaged one starts from nothing (everything is fetched and sent again). */
  load(): Promise<void> {
    this.#loaded ??= readFileIfExists(this.#path)
      .then((text) => {
        if (text === undefined) return;
        const parsed = fileSchema.safeParse(JSON.parse(text));
        if (!parsed.success || parsed.data.url !== this.#url) return;
        this.#since = parsed.data.since;
        for (const [document, heads] of Object.entries(parsed.data.sent)) this.#sent.set(document, heads);
        for (const [document, { own, ...since }] of Object.entries(parsed.data.compaction ?? {})) this.#compaction.set(document, { ...since, held: own });
      })
      .catch(() => undefined);
    return this.#loaded;
  }

  get since(): number {
    return this.#since;
  }

  /** The relay holds less than we read from it (its data folder was emptied): nothing is known of it any more, so everything is sent again. */
  restart(): void {
    this.#since = 0;
    this.#sent.clear();
    this.#compaction.clear();
    this.#dirty = true;
  }

  /** What was stored of a document after the latest snapshot of it this link saw. */
  sinceSnapshot(document: string): SinceSnapshot {
    return this.#compaction.get(document) ?? { batchBytes: 0, snapshotBytes: 0, held: [] };
  }

  /**
   * A batch of the document is on the relay as `seq`, `bytes` long; `heads`:
   * the changes of it this member holds (its own batch's, or those a batch
   * read from the relay added here), which a snapshot covering it must hold.
   */
  batchStored(document: string, seq: number, bytes: number, heads: readonly string[] = []): void {
    const since = this.sinceSnapshot(document);
    if (since.lastSeq !== undefined && seq <= since.lastSeq) return;
    const held = heads.length > 0 ? [...since.held, { seq, heads: [...heads].slice(0, MAX_HEADS) }].slice(-COMPACTION.heldRemembered) : since.held;
    this.#compaction.set(document, { ...since, batchBytes: since.batchBytes + bytes, lastSeq: seq, held });
    this.#dirty = true;
  }

  /**
   * A snapshot of the document is on the relay as `seq`: the relay dropped
   * the batches it covers, so what follows it starts from nothing; this
   * member's batches after `covers` stay to be checked against the next one.
   */
  snapshotStored(document: string, seq: number, bytes: number, covers: number, heads: readonly string[] | undefined): void {
    const since = this.sinceSnapshot(document);
    if (since.lastSeq !== undefined && seq <= since.lastSeq) return;
    this.#compaction.set(document, {
      batchBytes: 0,
      snapshotBytes: bytes,
      snapshotSeq: seq,
      lastSeq: seq,
      ...(heads ? { snapshotHeads: [...heads].slice(0, MAX_HEADS) } : {}),
      held: since.held.filter((batch) => batch.seq > covers),
    });
    this.#dirty = true;
  }

  /** The log has been read up to `seq`. */
  read(seq: number): void {
    if (seq <= this.#since) return;
    this.#since = seq;
    this.#dirty = true;
  }

  /** The heads the relay is known to hold of a document; undefined when it has never had it from us nor sent it. */
  sent(document: string): readonly string[] | undefined {
    return this.#sent.get(document);
  }

  /** The relay stored the document as it was at `heads`. */
  sentUpTo(document: string, heads: readonly string[]): void {
    this.#sent.set(document, [...heads].slice(0, MAX_HEADS));
    this.#dirty = true;
  }

  /**
   * The relay sent changes whose new heads are `heads`: they join what it is
   * known to hold; once nothing is left unsent (`unsent` of the union is
   * empty) the document's own heads say it in fewer words.
   */
  received(document: string, heads: readonly string[], unsent: (heads: readonly string[]) => Uint8Array, current?: readonly string[]): void {
    // Nothing new says nothing of what the relay holds: an unknown document stays unknown (sent whole, as a snapshot), never "holds nothing".
    if (heads.length === 0) return;
    const known = [...new Set([...(this.#sent.get(document) ?? []), ...heads])];
    this.#sent.set(document, known.length > MAX_HEADS ? [...heads].slice(0, MAX_HEADS) : known);
    if (current && unsent(known).length === 0) this.#sent.set(document, [...current].slice(0, MAX_HEADS));
    this.#dirty = true;
  }

  save(): Promise<void> {
    if (!this.#dirty) return this.#saving.then(() => undefined);
    this.#dirty = false;
    const compaction = Object.fromEntries([...this.#compaction].map(([document, { held, ...since }]) => [document, { ...since, own: held }]));
    const content = { v: 1, url: this.#url, since: this.#since, sent: Object.fromEntries(this.#sent), compaction };
    const run = this.#saving.then(async () => {
      await mkdir(this.#dir, { recursive: true });
      await writeFileAtomic(this.#path, `${JSON.stringify(content)}\n`, 0o600);
    });
    this.#saving = run.catch(() => undefined);
    return run;
  }
}
