import { describe, expect, it } from "vitest";
import { communeState } from "../commune/commune-state";
import { purse } from "../purse/balances";
import { DAY, T0 } from "../testing/commune-builder";
import { createSnapshot, parseSnapshotText, verifySnapshot } from "./json-snapshot";
import { scanJson } from "./json-text";
import { ada, ada2, bo, HEADS, purseStory, zed } from "../testing/snapshot-fixtures";
import type { Snapshot } from "./snapshot-schema";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const story = purseStory();
const now = story.end;
const snapshot = createSnapshot(crypto, story.input, ada, { now });
const text = JSON.stringify(snapshot);

/** The snapshot's JSON, changed by `edit` on a parsed copy. */
function edited(edit: (copy: Snapshot) => void): string {
  const copy = JSON.parse(text) as Snapshot;
  edit(copy);
  return JSON.stringify(copy);
}

function rejection(input: string): string {
  const result = parseSnapshotText(crypto, input, now);
  if (result.ok) throw new Error("the snapshot was accepted");
  return result.error.message;
}

describe("a snapshot with a key named twice", () => {
  it("is refused, though the signed value comes last and JSON.parse alone would verify it", () => {
    // The attacker puts a second amount in front of the signed one: a first-key-wins reader sees 999,999.99.
    const at = text.indexOf('"amount":');
    const forged = `${text.slice(0, at)}"amount":99999999,${text.slice(at)}`;
    expect(parseSnapshotText(crypto, forged, now)).toMatchObject({ ok: false, error: { code: "snapshot.duplicateKey", params: { key: "amount" } } });
    expect(rejection(forged)).toMatch(/^The snapshot was altered: it names "amount" twice in one record/);
  });
});

describe("a snapshot written and read back", () => {
  it("verifies, with the balances the app computes", () => {
    const result = parseSnapshotText(crypto, text, now);
    if (!result.ok) throw new Error(result.error.message);
    const state = story.builder.state(now);
    const expected = purse(
      crypto,
      story.input.shards.flatMap((shard) => shard.entries.map((entry) => ({ entry, shardOwner: shard.owner }))),
      state,
    );
    expect(result.value.view.purse).toEqual(expected.purse);
    expect(result.value.view.members).toEqual(expected.members);
    expect(result.value.snapshot.balances).toEqual({ purse: expected.purse, members: expected.members });
    expect(result.value.exporter).toBe("Ada");
    expect(result.value.snapshot.heads).toEqual(HEADS);
    expect(result.value.view.entries.map((view) => view.status)).toContain("overdrawn");
  });

  it("names the commune, the format and version, and is signed by the exporter", () => {
    expect(snapshot).toMatchObject({
      format: "commune-snapshot",
      version: 1,
      commune: { id: story.builder.id, name: "Riverside" },
      createdAt: now,
      asOf: now,
      by: ada.publicKey,
    });
  });

  it("holds every entry in the canonical order, each with its author's signature", () => {
    expect(snapshot.entries).toHaveLength(story.entries.length);
    const times = snapshot.entries.map(({ entry }) => entry.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(snapshot.entries.every(({ entry, shardOwner }) => entry.by === shardOwner && entry.sig.length === 128)).toBe(true);
  });

  it("leaves out general proposals, which decide nothing the purse depends on", () => {
    const builder = story.builder;
    const general = builder.propose(bo, { kind: "general", at: T0 + 14 * DAY, deadline: T0 + 15 * DAY, title: "Paint the barn?" });
    const withGeneral = createSnapshot(crypto, { ...story.input, proposals: builder.proposals }, ada, { now });
    builder.proposals.pop();
    expect(withGeneral.proposals.map((proposal) => proposal.id)).not.toContain(general.id);
    expect(parseSnapshotText(crypto, JSON.stringify(withGeneral), now).ok).toBe(true);
  });

  it("as of a date, holds only what was written by then and the balances at that time", () => {
    const asOf = T0 + 10 * DAY;
    const earlier = createSnapshot(crypto, story.input, bo, { now, asOf });
    expect(earlier.entries.every(({ entry }) => entry.at <= asOf)).toBe(true);
    expect(earlier.entries.length).toBeLessThan(story.entries.length);
    const state = communeState(crypto, story.input, asOf);
    if (!state.ok) throw new Error(state.error.message);
    const expected = purse(
      crypto,
      story.entries.filter((entry) => entry.at <= asOf).map((entry) => ({ entry, shardOwner: entry.by })),
      state.value,
    );
    expect(earlier.balances.purse).toEqual(expected.purse);
    expect(earlier.balances.purse.EUR).toBe(1000_00 - 300_00 - 20_00 + 10_00);
    const read = parseSnapshotText(crypto, JSON.stringify(earlier), now);
    expect(read.ok && read.value.exporter).toBe("Bo");
  });
});

describe("a snapshot changed after it was exported", () => {
  it("names the entry whose amount was changed: its number, author and date", () => {
    const index = snapshot.entries.findIndex(({ entry }) => entry.kind === "transfer" && entry.by === ada.publicKey);
    const changed = edited((copy) => {
      copy.entries[index]!.entry.amount += 1;
    });
    expect(rejection(changed)).toBe(`Entry #${index + 1} (by Ada, 2026-01-07) was altered after it was signed.`);
  });

  it("says the balances do not match when a balance was changed", () => {
    const changed = edited((copy) => {
      copy.balances.purse.EUR! += 500;
    });
    expect(rejection(changed)).toBe("The balances in the file do not match its entries: EUR purse says 740.00, entries give 735.00.");
  });

  it("says the balances do not match when an entry was removed", () => {
    const changed = edited((copy) => {
      copy.entries.splice(0, 1);
    });
    expect(rejection(changed)).toMatch(/^The balances in the file do not match its entries: (EUR|HOUR) purse says \d+\.00, entries give \d+\.00\.$/);
  });

  it("names a member's standing that was changed", () => {
    const changed = edited((copy) => {
      copy.balances.members[bo.publicKey]!.HOUR = 0;
    });
    expect(rejection(changed)).toBe("The balances in the file do not match its entries: Bo's HOUR standing says 0.00, entries give 27.50.");
  });

  it("says the snapshot was altered after the exporter signed it when the exporter's signature is changed", () => {
    const changed = edited((copy) => {
      copy.sig = `${copy.sig.slice(0, -1)}${copy.sig.endsWith("0") ? "1" : "0"}`;
    });
    expect(rejection(changed)).toBe("The snapshot was altered after Ada exported it.");
  });

  it("says the snapshot was altered when a field outside the entries changes", () => {
    const changed = edited((copy) => {
      copy.heads = {};
    });
    expect(rejection(changed)).toBe("The snapshot was altered after Ada exported it.");
  });

  it("refuses a snapshot signed by someone who was never a member", () => {
    const forged = createSnapshot(crypto, story.input, zed, { now });
    expect(rejection(JSON.stringify(forged))).toBe(`The snapshot was signed by ${zed.publicKey.slice(0, 8)}, who was never a member of Riverside.`);
  });

  it("refuses entries dated after the time the snapshot shows", () => {
    const earlier = createSnapshot(crypto, story.input, ada, { now, asOf: T0 + 10 * DAY });
    const late = snapshot.entries.at(-1)!;
    const changed = JSON.parse(JSON.stringify(earlier)) as Snapshot;
    changed.entries.push(late);
    expect(rejection(JSON.stringify(changed))).toMatch(/^The snapshot holds entry #\d+, dated after the time it shows \(2026-01-11\)\.$/);
  });

  it("refuses a founding record that is not the commune's", () => {
    const changed = edited((copy) => {
      copy.commune.id = "0".repeat(32);
    });
    expect(rejection(changed)).toBe("The snapshot's founding record does not belong to the commune it names.");
  });
});

describe("files that are not snapshots Commune can read", () => {
  it("asks for a newer Commune for a snapshot of a later version", () => {
    const newer = edited((copy) => {
      (copy as { version: number }).version = 2;
    });
    expect(rejection(newer)).toBe(
      "This snapshot was written by a newer version of Commune (snapshot version 2; this version reads up to 1). Update Commune to open it.",
    );
  });

  it("says a file that is not JSON is not a snapshot", () => {
    const neither =
      "Not a Commune snapshot or backup: it starts like neither (a snapshot is JSON; a backup starts with Commune's header, which a damaged backup may have lost).";
    expect(rejection("date,kind,from\r\n2026-01-01,contribution,Ada\r\n")).toBe(neither);
    expect(rejection("")).toBe(neither);
    expect(rejection('{"format": "commune-snapshot", ]')).toBe("The snapshot file is damaged: it starts as a snapshot but is not valid JSON further on.");
  });

  it("says other JSON is not a snapshot", () => {
    expect(rejection('{"type":"commune"}')).toBe("Not a Commune snapshot: the file does not say it is one.");
    expect(rejection("[1,2,3]")).toBe("Not a Commune snapshot: the file does not say it is one.");
    expect(rejection("null")).toBe("Not a Commune snapshot: the file does not say it is one.");
  });

  it("says a truncated file is incomplete", () => {
    for (const length of [1, 100, Math.floor(text.length / 2), text.length - 1]) {
      expect(rejection(text.slice(0, length))).toBe("The snapshot file is incomplete: it ends in the middle, perhaps cut off while saving or copying.");
    }
  });

  it("refuses nesting deeper than 64 before JSON.parse sees it", () => {
    const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
    expect(rejection(deep)).toBe("Not a Commune snapshot: it nests lists or objects more than 64 deep.");
    expect(scanJson(`["[[[[", "\\"[["]`, { maxLength: 100, maxDepth: 1 })).toBeUndefined();
  });

  it("refuses text over the size limit without reading it", () => {
    expect(scanJson("x".repeat(11), { maxLength: 10, maxDepth: 64 })).toBe("too large");
  });

  it("names the field that is malformed", () => {
    const changed = edited((copy) => {
      (copy.entries[0]!.entry as { amount: unknown }).amount = "1000.00";
    });
    expect(rejection(changed)).toBe("The snapshot is malformed: entries[0].entry.amount must be a positive whole number of minor units.");
  });

  it("refuses a key the format does not have", () => {
    const changed = edited((copy) => {
      (copy as unknown as Record<string, unknown>).extra = 1;
    });
    expect(rejection(changed)).toBe('The snapshot is malformed: has a field the format does not have ("extra").');
  });

  it("reads a file that starts with a byte-order mark", () => {
    expect(parseSnapshotText(crypto, `\uFEFF${text}`, now).ok).toBe(true);
  });

  it("never throws on values of the wrong type", () => {
    for (const raw of [
      undefined,
      0,
      "x",
      true,
      [],
      {},
      { format: "commune-snapshot" },
      { format: "commune-snapshot", version: 1 },
      { format: "commune-snapshot", version: "1" },
    ]) {
      const result = verifySnapshot(crypto, raw, now);
      expect(result.ok).toBe(false);
    }
  });

  it("reads its other members' names when a member shares a name", () => {
    const result = parseSnapshotText(crypto, text, now);
    expect(result.ok && result.value.state.members[ada2.publicKey]?.name).toBe("Ada");
  });
});
