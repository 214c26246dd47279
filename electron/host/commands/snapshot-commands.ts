import * as A from "@automerge/automerge";
import { stat, readFile } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { writeFileAtomic } from "../atomic-file";
import { rulesAt } from "../../../shared/commune/state";
import { purse, type ShardEntry } from "../../../shared/purse/balances";
import { fail, ok } from "../../../shared/result";
import { purseCsv } from "../../../shared/snapshot/csv";
import { purseJournal } from "../../../shared/snapshot/journal";
import { createSnapshot, parseSnapshotText } from "../../../shared/snapshot/json-snapshot";
import { communeModel, type Handlers } from "./context";
import { periodOf, shardKey } from "../../../shared/docs/documents";

type SnapshotCommand = "snapshot.export" | "snapshot.verify";

/** Larger files are refused before they are read: the JSON reader's own limit, with room for the envelope. */
const MAX_SNAPSHOT_BYTES = 200 * 1024 * 1024;

/** Returns the content, or writes it (whole or not at all) to `out` and says where. */
async function deliver(format: "json" | "csv" | "journal", content: string, entries: number, asOf: number, out: string | undefined) {
  if (out === undefined) return ok({ format, content, entries, asOf });
  if (!isAbsolute(out)) return fail("Give the file to write as an absolute path.");
  try {
    await writeFileAtomic(out, content, 0o600);
  } catch (error) {
    return fail(`Could not write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  return ok({ format, content: "", entries, asOf, out });
}

export const snapshotCommands: Handlers<SnapshotCommand> = {
  async "snapshot.export"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    const now = host.now();
    const asOf = input.asOf ?? now;
    if (asOf > now) return fail("A snapshot cannot be dated in the future.");
    const upTo = (entries: readonly ShardEntry[]) => entries.filter(({ entry }) => entry.at <= asOf);
    if (input.format === "json") {
      const shards = new Map<string, { owner: string; period: string; entries: ShardEntry["entry"][] }>();
      for (const { entry, shardOwner } of model.entries) {
        const key = shardKey(shardOwner, periodOf(entry.at));
        const shard = shards.get(key) ?? { owner: shardOwner, period: periodOf(entry.at), entries: [] };
        shard.entries.push(entry);
        shards.set(key, shard);
      }
      // Automerge's own hex change hashes, which any Automerge program can check, not the repo's URL form.
      const heads = Object.fromEntries(node.docs.allHandles().map((handle) => [handle.url, A.getHeads(handle.doc() as A.Doc<unknown>)]));
      const snapshot = createSnapshot(
        {
          genesis: model.doc.genesis,
          events: model.doc.events,
          proposals: Object.values(model.proposals.proposals),
          votes: Object.values(model.proposals.votes).flat(),
          shards: [...shards.values()],
          heads,
        },
        host.keys,
        { asOf, now },
      );
      return deliver(input.format, `${JSON.stringify(snapshot, null, 1)}\n`, snapshot.entries.length, asOf, input.out);
    }
    const view = { entries: purse(upTo(model.entries), model.state).entries, state: model.state };
    return deliver(input.format, input.format === "csv" ? purseCsv(view) : purseJournal(view), view.entries.length, asOf, input.out);
  },

  async "snapshot.verify"(input, host) {
    if (!isAbsolute(input.path)) return fail("Give the snapshot file as an absolute path.");
    let size: number;
    try {
      size = (await stat(input.path)).size;
    } catch {
      return fail(`Cannot read ${input.path}: there is no such file.`);
    }
    if (size > MAX_SNAPSHOT_BYTES) return fail(`${input.path} is ${Math.round(size / 1048576)} MB; a snapshot can be at most 200 MB.`);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(await readFile(input.path));
    } catch {
      return fail(`${input.path} is not a text file: this is not a Commune snapshot.`);
    }
    const verified = parseSnapshotText(text, host.now());
    if (!verified.ok) return verified;
    const { snapshot, state, view, exporter } = verified.value;
    return ok({
      commune: snapshot.commune.id,
      name: snapshot.commune.name,
      exporter,
      createdAt: snapshot.createdAt,
      asOf: snapshot.asOf,
      entries: view.entries.length,
      purse: view.purse,
      currencies: rulesAt(state, snapshot.asOf).currencies,
    });
  },
};
