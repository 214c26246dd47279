import { communeRecords } from "../../shared/commune/commune-state";
import * as A from "@automerge/automerge";
import { isAbsolute } from "node:path";
import { writeFileAtomic } from "../store/atomic-file";
import type { SnapshotSummary } from "../../shared/commands/commands";
import { rulesAt } from "../../shared/commune/state";
import type { Verifier } from "../../shared/identity/crypto";
import { purse, type ShardEntry } from "../../shared/purse/balances";
import { fail, ok, reworded, type Result } from "../../shared/result";
import { boundedInflate } from "../../repo-adaptations/bounded-inflate";
import {
  backupInflationProblem,
  createAutomergeBackup,
  verifyAutomergeBackup,
  type BackupDocument,
  type Progress,
} from "../../shared/snapshot/automerge-snapshot";
import { purseCsv } from "../../shared/snapshot/csv";
import { purseJournal } from "../../shared/snapshot/journal";
import { createSnapshot, parseSnapshotText } from "../../shared/snapshot/json-snapshot";
import { periodOf, shardKey } from "../../shared/docs/documents";
import type { CommuneNode } from "../commune/commune-node";
import { exportAsOf, exporterWasMember } from "../../shared/snapshot/as-of";
import { communeModel, type Handlers, type ProgressReporter } from "./context";
import { readSnapshotSource, type SnapshotFile } from "./snapshot-file";
import { mergeBackup } from "./snapshot-import";

type SnapshotCommand = "snapshot.export" | "snapshot.verify" | "snapshot.import";
type Format = "json" | "csv" | "journal" | "automerge";

/** Returns the content (base64 for the binary backup), or writes it (whole or not at all) to `out` and says where. */
async function deliver(format: Format, content: string | Uint8Array, entries: number, asOf: number, out: string | undefined) {
  const encoding = typeof content === "string" ? ("utf8" as const) : ("base64" as const);
  if (out === undefined)
    return ok({ format, content: typeof content === "string" ? content : Buffer.from(content).toString("base64"), encoding, entries, asOf });
  if (!isAbsolute(out)) return fail("file.notAbsolute", "Give the file to write as an absolute path.", { field: "out" });
  try {
    await writeFileAtomic(out, content, 0o600);
  } catch (error) {
    return fail("file.unwritable", `Could not write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, { field: "out" });
  }
  return ok({ format, content: "", encoding, entries, asOf, out });
}

/** Lets the event loop run between long steps, so progress messages leave while the work goes on. */
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
const steps = (progress: ProgressReporter): Progress => ({ onProgress: progress, pause });

/** Every document of the commune as it is now, the way the backup holds them. */
function backupDocuments(node: CommuneNode): BackupDocument[] {
  const { commune, proposals, inventory, shards } = node.docs;
  const doc = (handle: { doc(): unknown }) => handle.doc() as A.Doc<unknown>;
  return [
    { role: "commune", url: commune.url, doc: doc(commune) },
    { role: "proposals", url: proposals.url, doc: doc(proposals) },
    { role: "inventory", url: inventory.url, doc: doc(inventory) },
    ...[...shards.values()].map((handle) => ({ role: "purse-shard" as const, url: handle.url, doc: doc(handle) })),
  ];
}

async function verifiedSummary(verifier: Verifier, file: SnapshotFile, now: number, progress: ProgressReporter): Promise<Result<SnapshotSummary>> {
  if (file.kind === "automerge") {
    const bomb = backupInflationProblem(file.bytes, boundedInflate);
    if (!bomb.ok) return { ok: false, error: bomb.error };
    const verified = await verifyAutomergeBackup(verifier, file.bytes, now, steps(progress));
    if (!verified.ok) return verified;
    const { manifest, replayed, exporter } = verified.value;
    return ok({
      commune: manifest.commune.id,
      name: manifest.commune.name,
      exporter,
      createdAt: manifest.createdAt,
      asOf: manifest.createdAt,
      entries: replayed.entries.length,
      purse: replayed.view.purse,
      currencies: rulesAt(replayed.state, manifest.createdAt).currencies,
      format: "automerge",
    });
  }
  progress({ done: 0, label: "Checking signatures and balances" });
  await pause();
  const verified = parseSnapshotText(verifier, file.text, now);
  if (!verified.ok) return verified;
  const { snapshot, state, view, exporter } = verified.value;
  progress({ done: 1, total: 1, label: "Checking signatures and balances" });
  return ok({
    commune: snapshot.commune.id,
    name: snapshot.commune.name,
    exporter,
    createdAt: snapshot.createdAt,
    asOf: snapshot.asOf,
    entries: view.entries.length,
    purse: view.purse,
    currencies: rulesAt(state, snapshot.asOf).currencies,
    format: "json",
  });
}

/** What a file that is not an Automerge backup seems to be. */
function whatItIs(text: string): string {
  if (text.trim() === "") return "empty";
  if (/^\uFEFF?\s*\{[\s\S]*"format"\s*:\s*"commune-snapshot"/.test(text.slice(0, 4096)))
    return "a JSON snapshot: it can be verified (commune verify) but not imported";
  if (/^\uFEFF?\s*[{[]/.test(text)) return "JSON, not an Automerge backup";
  return "text (CSV or a journal, perhaps), not an Automerge backup";
}

const notABackup = (file: Extract<SnapshotFile, { kind: "text" }>) =>
  `${file.name} is ${whatItIs(file.text)}. Import takes a backup made with "commune export --format automerge". Nothing was imported.`;

export const snapshotCommands: Handlers<SnapshotCommand> = {
  async "snapshot.export"(input, host, progress) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    const now = host.now();
    const resolved = exportAsOf(input.asOf, now);
    if (!resolved.ok) return resolved;
    const asOf = resolved.value;
    if (input.format === "automerge") {
      if (input.asOf !== undefined)
        return fail("snapshot.asOfOnBackup", "An Automerge backup holds the whole history: --as-of applies to json, csv and journal only.", { field: "asOf" });
      const created = await createAutomergeBackup(host.crypto, backupDocuments(node), host.keys, now, steps(progress));
      if (!created.ok) return created;
      return deliver(input.format, created.value.bytes, created.value.entries, now, input.out);
    }
    const upTo = (entries: readonly ShardEntry[]) => entries.filter(({ entry }) => entry.at <= asOf);
    // Three steps a person can follow on a large purse: gathering, building (signing the whole for JSON), writing.
    const step = async (done: number, label: string) => {
      progress({ done, total: 3, label });
      await pause();
    };
    await step(0, "Gathering entries");
    if (input.format === "json") {
      const member = exporterWasMember(model.state, host.keys.publicKey, asOf);
      if (!member.ok) return member;
      const shards = new Map<string, { owner: string; period: string; entries: ShardEntry["entry"][] }>();
      for (const { entry, shardOwner } of model.entries) {
        const key = shardKey(shardOwner, periodOf(entry.at));
        const shard = shards.get(key) ?? { owner: shardOwner, period: periodOf(entry.at), entries: [] };
        shard.entries.push(entry);
        shards.set(key, shard);
      }
      // Automerge's own hex change hashes, which any Automerge program can check, not the repo's URL form.
      await step(1, "Signing the snapshot");
      const heads = Object.fromEntries(node.docs.allHandles().map((handle) => [handle.url, A.getHeads(handle.doc() as A.Doc<unknown>)]));
      const snapshot = createSnapshot(
        host.crypto,
        {
          ...communeRecords(model.doc, model.proposals),
          shards: [...shards.values()],
          heads,
        },
        host.keys,
        { asOf, now },
      );
      await step(2, "Writing the file");
      return deliver(input.format, `${JSON.stringify(snapshot, null, 1)}\n`, snapshot.entries.length, asOf, input.out);
    }
    const counted = purse(host.crypto, upTo(model.entries), model.state);
    const partnerNames = Object.fromEntries(Object.entries(model.doc.partners).map(([id, partner]) => [id, partner.name]));
    const view = { entries: counted.entries, state: model.state, partnerNames, declined: counted.declined };
    await step(1, input.format === "csv" ? "Writing the rows" : "Writing the journal");
    const content = input.format === "csv" ? purseCsv(view) : purseJournal(view);
    await step(2, "Writing the file");
    return deliver(input.format, content, view.entries.length, asOf, input.out);
  },

  async "snapshot.verify"(input, host, progress) {
    const file = await readSnapshotSource(input);
    if (!file.ok) return file;
    return verifiedSummary(host.crypto, file.value, host.now(), progress);
  },

  async "snapshot.import"(input, host, progress) {
    const file = await readSnapshotSource(input);
    if (!file.ok) return reworded(file.error, (message) => `${message} Nothing was imported.`);
    if (file.value.kind !== "automerge") return fail("import.notABackup", notABackup(file.value), { field: "file" });
    const bomb = backupInflationProblem(file.value.bytes, boundedInflate);
    if (!bomb.ok) return reworded(bomb.error, (message) => `${message} Nothing was imported.`);
    const verified = await verifyAutomergeBackup(host.crypto, file.value.bytes, host.now(), steps(progress));
    if (!verified.ok) return reworded(verified.error, (message) => `${message} Nothing was imported.`);
    progress({ done: 0, label: "Merging into your copy" });
    return mergeBackup(host, verified.value);
  },
};
