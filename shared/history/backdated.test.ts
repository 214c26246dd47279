import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { toStored } from "../docs/automerge-form";
import { nobleCrypto } from "../identity/crypto";
import { purse, type ShardEntry } from "../purse/balances";
import type { SignedEntry } from "../purse/entry";
import { ada, bo, communeState, di, entry, inShards, on, spendProposal } from "../testing/purse-fixtures";
import { mayBeBackdated, opCounters, writtenAfter } from "./backdated";
import { ChangeGraph, recordHistory } from "./change-graph";
import { CLOCK_SKEW_MS } from "./claimed-time";

/**
 * An entry's date is its author's word; the shard's change graph is not.
 * Bo writes his entries into his own shard; each one he writes on a copy
 * that holds his earlier ones. An entry he dates well before one it was
 * written after is backdated, and the purse places it after that one.
 */

const NOW = on("2026-12-04", 18);
type Shard = { entries: unknown[] };

const append = (doc: A.Doc<Shard>, signed: SignedEntry) => A.change(doc, (d) => void d.entries.push(toStored(signed)));
const shardOf = (...entries: SignedEntry[]) => entries.reduce(append, A.from<Shard>({ entries: [] }));

function judge(doc: A.Doc<Shard>, entries: readonly SignedEntry[]) {
  const history = recordHistory(doc, new ChangeGraph(), new Map(), ["entries"]);
  const dated = entries.map(({ sig, at }) => ({ sig, at }));
  return {
    maybe: mayBeBackdated(dated, opCounters(doc.entries), NOW),
    found: writtenAfter(dated, entries, (records) => history.latestSeen(records), NOW),
  };
}

const morning = entry(bo, { kind: "contribution", at: on("2026-12-04", 9), amount: 1_00 });
const noon = entry(bo, { kind: "contribution", at: on("2026-12-04", 12), amount: 2_00 });

describe("a backdated purse entry", () => {
  it("is none in a shard whose dates follow the order it was written in, and the graph is not read to say so", () => {
    const doc = shardOf(morning, noon);
    expect(judge(doc, [morning, noon])).toEqual({ maybe: false, found: new Map() });
  });

  it("is an entry written on a copy holding one dated hours later: it was written after that one", () => {
    const backdated = entry(bo, { kind: "disbursement", at: on("2026-12-01", 9), amount: 3_00, to: bo.publicKey });
    const doc = shardOf(morning, noon, backdated);
    const { maybe, found } = judge(doc, [morning, noon, backdated]);
    expect(maybe).toBe(true);
    expect([...found]).toEqual([[backdated.sig, noon]]);
  });

  it("is not an entry written offline on a copy that did not hold the later one, whatever its date", () => {
    const offline = entry(bo, { kind: "disbursement", at: on("2026-12-04", 10), amount: 3_00, to: bo.publicKey });
    const base = shardOf(morning);
    const laptop = append(A.clone(base), noon);
    const phone = append(A.clone(base), offline);
    const merged = A.merge(laptop, phone);
    expect(judge(merged, [morning, noon, offline]).found).toEqual(new Map());
  });

  it("is within two honest clocks' difference no backdating at all", () => {
    const slightlyEarlier = entry(bo, { kind: "contribution", at: noon.at - CLOCK_SKEW_MS, amount: 1_00 });
    const doc = shardOf(morning, noon, slightlyEarlier);
    expect(judge(doc, [morning, noon, slightlyEarlier]).found).toEqual(new Map());
  });

  it("is not made by an entry dated ahead of the clock: a record that counts only from 2099 proves nothing about today's", () => {
    const in2099 = entry(bo, { kind: "contribution", at: on("2099-01-01"), amount: 1_00 });
    const doc = shardOf(morning, in2099, noon);
    expect(judge(doc, [morning, in2099, noon])).toEqual({ maybe: false, found: new Map() });
  });

  it("is suspected, and the graph read, when a record is no longer in the current document (no counter to go by)", () => {
    const backdated = entry(bo, { kind: "disbursement", at: on("2026-12-01", 9), amount: 3_00, to: bo.publicKey });
    const doc = shardOf(morning, noon, backdated);
    const counters = opCounters(A.change(doc, (d) => void d.entries.splice(2, 1)).entries);
    expect(mayBeBackdated([morning, noon, backdated], counters, NOW)).toBe(true);
  });
});

describe("the purse, with a backdated entry", () => {
  const crypto = nobleCrypto();
  const state = communeState({
    now: NOW,
    proposals: [
      spendProposal({ id: "roof", title: "Roof", amount: 100_00, payee: { outside: "Roofer" } }, { outcome: "passed", decidesAt: on("2026-11-01") }),
      spendProposal({ id: "car", title: "Car", amount: 100_00, payee: { outside: "Garage" } }, { outcome: "passed", decidesAt: on("2026-11-01") }),
    ],
  });
  const seed = entry(ada, { kind: "contribution", at: on("2026-11-20"), amount: 100_00 });
  const adasRoof = entry(ada, { kind: "disbursement", at: on("2026-12-03"), amount: 100_00, payee: "Roofer", proposal: "roof" });
  const bosNoon = entry(bo, { kind: "contribution", at: on("2026-12-04", 12), amount: 1 });
  const bosCar = entry(bo, { kind: "disbursement", at: on("2026-12-02"), amount: 100_00, payee: "Garage", proposal: "car" });
  const statusOf = (entries: ShardEntry[], signed: SignedEntry) => purse(crypto, entries, state).entries.find((view) => view.entry === signed)?.status;

  it("would win the race for the last 100 EUR by its false date alone", () => {
    const claimed = [seed, adasRoof, bosNoon, bosCar].map((signed) => ({ entry: signed, shardOwner: signed.by }));
    expect(statusOf(claimed, bosCar)).toBe("counted");
    expect(statusOf(claimed, adasRoof)).toBe("overdrawn");
  });

  it("loses it when placed where its history puts it: after Bo's contribution of noon today", () => {
    const placed = [seed, adasRoof, bosNoon].map((signed): ShardEntry => ({ entry: signed, shardOwner: signed.by }));
    placed.push({ entry: bosCar, shardOwner: bo.publicKey, writtenAfter: bosNoon });
    expect(statusOf(placed, adasRoof)).toBe("counted");
    expect(statusOf(placed, bosCar)).toBe("overdrawn");
  });

  it("counts for nothing when its author was no longer a member when it was written, whatever its date", () => {
    // Di was removed on 1 February; in March she writes a payment to herself dated January, on the copy that holds her March entry.
    const march = entry(di, { kind: "contribution", at: on("2026-03-01"), amount: 1_00 });
    const january = entry(di, { kind: "disbursement", at: on("2026-01-15"), amount: 50_00, to: di.publicKey });
    const view = purse(crypto, [...inShards(seed), { entry: january, shardOwner: di.publicKey, writtenAfter: march }], state);
    expect(view.entries.find((candidate) => candidate.entry === january)).toMatchObject({
      status: "untrusted",
      reason: expect.stringMatching(/^Di was not an active member at 1 March 2026/),
    });
  });
});
