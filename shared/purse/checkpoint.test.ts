import { describe, expect, it } from "vitest";
import { sign } from "../identity/signed";
import { purse } from "./balances";
import { checkpointOf, trustedCheckpoint, type Checkpoint } from "./checkpoint";
import { ada, bo, communeState, COMMUNE, di, entry, inShards, on, OTHER_COMMUNE, zed } from "../testing/purse-fixtures";
import { nobleCrypto } from "../identity/crypto";

/** Pure-JS crypto for this file, its verdicts cached across its tests. */
const crypto = nobleCrypto();

const state = communeState();
const counted = purse(
  crypto,
  inShards(
    entry(ada, { kind: "contribution", at: on("2026-01-05"), amount: 10_00 }),
    entry(bo, { kind: "contribution", at: on("2026-01-06"), amount: 5_00 }),
    // Within the spend limit, but more than the purse holds: overdrawn, counts for nothing.
    entry(bo, { kind: "disbursement", at: on("2026-01-07"), amount: 40_00, payee: "Roofers" }),
  ),
  state,
);
const fields = (at: number, commune = COMMUNE): Checkpoint => checkpointOf(commune, at, { "shard/2026": ["abc"] }, counted, state);

describe("a purse checkpoint", () => {
  it("holds the balances, each member's standing and the entry counts of the count it was made from", () => {
    const checkpoint = fields(on("2026-06-01"));
    expect(checkpoint.purse).toEqual(counted.purse);
    expect(checkpoint.members).toEqual(counted.members);
    expect(checkpoint.entries).toEqual({ counted: 2, overdrawn: 1, untrusted: 0 });
    expect(checkpoint.shards).toEqual({ "shard/2026": ["abc"] });
    // A copy: the count it came from can change without changing a signed checkpoint.
    expect(checkpoint.members).not.toBe(counted.members);
  });

  it("is trusted when an active member signed it, for this commune, filed under their own key; the newest wins", () => {
    const older = sign(crypto, "checkpoint", fields(on("2026-06-01")), ada);
    const newer = sign(crypto, "checkpoint", fields(on("2026-07-01")), bo);
    expect(trustedCheckpoint(crypto, { [ada.publicKey]: older, [bo.publicKey]: newer }, COMMUNE, state)).toEqual(newer);
    expect(trustedCheckpoint(crypto, { [ada.publicKey]: older }, COMMUNE, state)).toEqual(older);
  });

  it("is skipped when altered after signing, filed under another key, for another commune, or signed by someone not active then", () => {
    const good = sign(crypto, "checkpoint", fields(on("2026-06-01")), ada);
    const altered = { ...sign(crypto, "checkpoint", fields(on("2026-08-01")), bo), purse: { EUR: 1_000_000_00, HOUR: 0 } };
    expect(trustedCheckpoint(crypto, { [ada.publicKey]: good, [bo.publicKey]: altered }, COMMUNE, state)).toEqual(good);

    const misfiled = sign(crypto, "checkpoint", fields(on("2026-08-01")), bo);
    expect(trustedCheckpoint(crypto, { [ada.publicKey]: misfiled }, COMMUNE, state)).toBeUndefined();

    const elsewhere = sign(crypto, "checkpoint", fields(on("2026-08-01"), OTHER_COMMUNE), ada);
    expect(trustedCheckpoint(crypto, { [ada.publicKey]: elsewhere }, COMMUNE, state)).toBeUndefined();

    // Di was removed on 2026-02-01; Zed was never a member.
    const removed = sign(crypto, "checkpoint", fields(on("2026-03-01")), di);
    const stranger = sign(crypto, "checkpoint", fields(on("2026-03-01")), zed);
    expect(trustedCheckpoint(crypto, { [di.publicKey]: removed, [zed.publicKey]: stranger }, COMMUNE, state)).toBeUndefined();
  });

  it("is skipped when malformed, and nothing at all is no checkpoint", () => {
    const good = sign(crypto, "checkpoint", fields(on("2026-06-01")), ada);
    for (const broken of [
      { ...good, purse: { EUR: 1.5 } },
      { ...good, purse: { EUR: Number.POSITIVE_INFINITY } },
      { ...good, at: -1 },
      { ...good, members: "everyone" },
      { ...good, sig: "00" },
    ]) {
      expect(trustedCheckpoint(crypto, { [ada.publicKey]: broken }, COMMUNE, state)).toBeUndefined();
    }
    for (const nothing of [undefined, null, "checkpoints", [good], 42]) expect(trustedCheckpoint(crypto, nothing, COMMUNE, state)).toBeUndefined();
  });
});
