import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { sign } from "../identity/signed";
import { purse } from "../purse/balances";
import { CONTAINER_MAGIC, openContainer, writeContainer } from "./automerge-container";
import { storyDocuments } from "../testing/automerge-fixtures";
import { createAutomergeBackup, verifyAutomergeBackup, type BackupDocument } from "./automerge-snapshot";
import { ada, purseStory, zed } from "../testing/snapshot-fixtures";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const story = purseStory();
const now = story.end;

async function backup(documents: BackupDocument[] = storyDocuments(story)): Promise<Uint8Array> {
  const created = await createAutomergeBackup(crypto, documents, ada, now);
  if (!created.ok) throw new Error(created.error.message);
  return created.value.bytes;
}

/** The file with its manifest rewritten (and re-signed by `signer` when given). */
function withManifest(bytes: Uint8Array, edit: (manifest: Record<string, unknown>) => void, signer = ada): Uint8Array {
  const opened = openContainer(bytes);
  if (!opened.ok) throw new Error("not a container");
  const { sig: _sig, ...body } = JSON.parse(opened.value.manifestText) as Record<string, unknown>;
  edit(body);
  const { by: _by, ...fields } = body;
  const manifest = sign(crypto, "snapshot", fields, signer);
  const documents: Uint8Array[] = [];
  let at = 0;
  for (const { bytes: length } of body.documents as { bytes: number }[]) {
    documents.push(opened.value.body.subarray(at, at + length));
    at += length;
  }
  return writeContainer(JSON.stringify(manifest), documents);
}

async function refusal(bytes: Uint8Array): Promise<string> {
  const result = await verifyAutomergeBackup(crypto, bytes, now);
  if (result.ok) throw new Error("the backup was accepted");
  return result.error.message;
}

describe("Automerge backups", () => {
  it("verifies a fresh backup and recomputes the same balances as the app", async () => {
    const result = await verifyAutomergeBackup(crypto, await backup(), now);
    if (!result.ok) throw new Error(result.error.message);
    const expected = purse(
      crypto,
      story.input.shards.flatMap((shard) => shard.entries.map((entry) => ({ entry, shardOwner: shard.owner }))),
      result.value.replayed.state,
    );
    expect(result.value.exporter).toBe("Ada");
    expect(result.value.manifest.entries).toBe(story.entries.length);
    expect(result.value.replayed.view.purse).toEqual(expected.purse);
    expect(result.value.documents.map((document) => document.role)).toEqual([
      "commune",
      "proposals",
      "inventory",
      ...story.input.shards.map(() => "purse-shard"),
    ]);
  });

  it("keeps each document loadable by plain Automerge, with its full history", async () => {
    const bytes = await backup();
    const opened = openContainer(bytes);
    if (!opened.ok) throw new Error("not a container");
    const manifest = JSON.parse(opened.value.manifestText) as { documents: { bytes: number; heads: string[] }[] };
    let at = 0;
    for (const document of manifest.documents) {
      const doc = A.load(opened.value.body.subarray(at, at + document.bytes));
      at += document.bytes;
      expect(A.getHeads(doc)).toEqual(document.heads);
    }
    expect(bytes.subarray(0, 8)).toEqual(CONTAINER_MAGIC);
  });

  it("names the entry whose amount was changed in the documents", async () => {
    const documents = storyDocuments(story);
    const shard = documents.find((document) => document.role === "purse-shard" && (document.doc as { owner: { val: string } }).owner.val === ada.publicKey)!;
    shard.doc = A.change(shard.doc as A.Doc<{ entries: { amount: number }[] }>, (doc) => {
      doc.entries[0]!.amount = 2000_00;
    });
    expect(await refusal(await backup(documents))).toBe("Entry #2 (by Ada, 2026-01-06) was altered after it was signed.");
  });

  it("says when the balances it states do not follow from its entries", async () => {
    const bytes = withManifest(await backup(), (manifest) => {
      (manifest.balances as { purse: Record<string, number> }).purse.EUR! += 1;
    });
    expect(await refusal(bytes)).toBe("The balances in the file do not match its entries: EUR purse says 735.01, entries give 735.00.");
  });

  it("says when its table of contents was altered after export", async () => {
    const opened = openContainer(await backup());
    if (!opened.ok) throw new Error("not a container");
    const text = opened.value.manifestText.replace('"name":"Riverside"', '"name":"Hillside"');
    const documents = [opened.value.body];
    expect(await refusal(writeContainer(text, documents))).toBe("The backup was altered after Ada exported it.");
  });

  it("refuses a backup signed by someone who was never a member", async () => {
    expect(await refusal(withManifest(await backup(), () => {}, zed))).toMatch(/^The backup was signed by \w+, who was never a member of Riverside\.$/);
  });

  it("refuses a file that is not a backup, one from a newer Commune, and a cut-off one", async () => {
    expect(await refusal(new TextEncoder().encode('{"format":"commune-snapshot"}'))).toBe(
      "Not a Commune Automerge backup: it does not start the way one does.",
    );
    const bytes = await backup();
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(8, 2);
    expect(await refusal(newer)).toMatch(/^This backup was written by a newer version of Commune \(backup version 2/);
    expect(await refusal(bytes.subarray(0, bytes.length - 10))).toMatch(/^The backup file is incomplete/);
    expect(await refusal(bytes.subarray(0, 12))).toMatch(/^The backup file is incomplete/);
  });

  it("refuses a shard that the commune document does not list", async () => {
    const documents = storyDocuments(story);
    documents[3] = { ...documents[3]!, url: "automerge:4VoPqbqHjdLZ8cTGqNcMs7hW1rNs" };
    const created = await createAutomergeBackup(crypto, documents, ada, now);
    expect(created).toEqual({ ok: false, error: expect.objectContaining({ message: "Purse shard #1 is not one the commune document lists." }) });
  });
});
