import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { communeRecords, communeState } from "../commune/commune-state";
import { communeIdOf, createGenesis } from "../commune/genesis";
import { nobleCrypto, nobleSigner } from "../identity/crypto";
import { sign } from "../identity/signed";
import { formatAmount, parseAmount } from "../money/amount";
import { EUR } from "../money/currency";
import { purse } from "../purse/balances";
import type { Entry } from "../purse/entry";
import { defaultRules, testKeys } from "../testing/commune-builder";
import { URLS } from "../testing/sample-docs";
import { toStored } from "./automerge-form";
import { readCommuneDoc, readPurseShardDoc, type CommuneDoc, type PurseShardDoc } from "./documents";

/**
 * No value the host accepts is lost on disk: every amount, spend limit and
 * date from the smallest to the largest the host takes is written as the
 * host writes it (toStored), saved and loaded again (A.save / A.load), read
 * by the same readers and judged by the same functions as before the round
 * trip, and everything reads back identical.
 */

const crypto = nobleCrypto();
const ada = testKeys(1);
const MAX = Number.MAX_SAFE_INTEGER;

/** What parseAmount accepts, as the host reads it from what a member types: every count of cents from `min` to the limit it names. */
const accepted = (min: number) =>
  fc
    .oneof(fc.constantFrom(min, min + 1, MAX - 1, MAX), fc.integer({ min, max: MAX }))
    .map((minor) => parseAmount(formatAmount(minor, EUR), EUR, { allowZero: min === 0 }))
    .map((parsed) => {
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.value;
    });

const dates = fc.oneof(fc.constantFrom(0, 1, MAX - 1, MAX), fc.integer({ min: 0, max: MAX }));

function roundTrip<T>(doc: T): unknown {
  return A.load(A.save(A.from(toStored(doc) as Record<string, unknown>)));
}

function judged(commune: CommuneDoc, shard: PurseShardDoc, now: number) {
  const state = communeState(crypto, communeRecords(commune, { proposals: {}, votes: {} }), now);
  if (!state.ok) return state;
  const view = purse(
    crypto,
    shard.entries.map((entry) => ({ entry, shardOwner: shard.owner })),
    state.value,
  );
  return { rules: state.value.rules, members: state.value.members, view };
}

describe("every amount, spend limit and date the host accepts survives Automerge and the schemas", () => {
  it("writes, saves, loads, reads and judges to the same records and the same verdicts", () => {
    fc.assert(
      fc.property(accepted(0), accepted(1), dates, dates, (limit, amount, founded, at) => {
        const genesis = createGenesis(
          nobleSigner,
          { name: "Riverside", founderName: "Ada", at: founded, rules: { ...defaultRules, spendLimit: { EUR: limit } } },
          ada,
        );
        const id = communeIdOf(genesis);
        const entry = sign(nobleSigner, "entry", { commune: id, id: "e1", kind: "contribution", at, amount, currency: "EUR", memo: "" } as Entry, ada);
        const docs = { proposals: URLS.proposals, inventory: URLS.inventory };
        const commune: CommuneDoc = { schema: 1, type: "commune", genesis, events: [], relays: [], docs, shards: {}, partners: {} };
        const shard: PurseShardDoc = { schema: 1, type: "purse-shard", commune: id, owner: ada.publicKey, period: "2026", entries: [entry] };

        const communeRead = readCommuneDoc(roundTrip(commune));
        const shardRead = readPurseShardDoc(roundTrip(shard));
        expect(communeRead.ok && communeRead.value.malformed).toEqual([]);
        expect(shardRead.ok && shardRead.value.malformed).toEqual([]);
        if (!communeRead.ok || !shardRead.ok) return;
        expect(communeRead.value.doc.genesis).toEqual(genesis);
        expect(shardRead.value.doc.entries).toEqual([entry]);
        expect(judged(communeRead.value.doc, shardRead.value.doc, MAX)).toEqual(judged(commune, shard, MAX));
      }),
      { numRuns: 150 },
    );
  });
});
