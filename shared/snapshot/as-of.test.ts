import { describe, expect, it } from "vitest";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { exportAsOf, exporterWasMember } from "./as-of";
import { createSnapshot, verifySnapshot } from "./json-snapshot";
import { nobleCrypto } from "../identity/crypto";

const crypto = nobleCrypto();

describe("the moment an export shows", () => {
  const noon = T0 + 10 * DAY + DAY / 2;
  const endOf = (at: number) => at - (at % DAY) + DAY - 1;

  it("is now without --as-of, and the time asked for when it has passed", () => {
    expect(exportAsOf(undefined, noon)).toEqual({ ok: true, value: noon });
    expect(exportAsOf(endOf(noon - DAY), noon)).toEqual({ ok: true, value: endOf(noon - DAY) });
  });

  it("is now for the end of today, which has not come yet", () => {
    expect(exportAsOf(endOf(noon), noon)).toEqual({ ok: true, value: noon });
  });

  it("is refused for tomorrow", () => {
    expect(exportAsOf(endOf(noon + DAY), noon)).toMatchObject({ ok: false, error: { code: "snapshot.asOfInFuture", field: "asOf" } });
  });
});

describe("a signed snapshot from before its exporter joined", () => {
  const ada = testKeys(1);
  const bo = testKeys(2);
  const builder = new CommuneBuilder({ founder: ada });
  builder.join(bo, "Bo", T0 + 5 * DAY);
  const now = T0 + 20 * DAY;
  const input = { genesis: builder.genesis, events: builder.events, proposals: [], votes: [], shards: [], heads: {} };

  it("is refused up front, because verify would say the exporter was never a member", () => {
    const before = T0 + 4 * DAY;
    expect(exporterWasMember(builder.state(now), bo.publicKey, before)).toMatchObject({ ok: false, error: { code: "snapshot.asOfBeforeJoining" } });
    // What the refusal spares the member: the file verify would reject.
    const written = createSnapshot(crypto, input, bo, { now, asOf: before });
    expect(verifySnapshot(crypto, JSON.parse(JSON.stringify(written)), now)).toMatchObject({ ok: false, error: { code: "snapshot.signedByStranger" } });
  });

  it("is allowed from the moment of joining, and verifies", () => {
    const joined = T0 + 5 * DAY;
    expect(exporterWasMember(builder.state(now), bo.publicKey, joined)).toEqual({ ok: true, value: joined });
    const written = createSnapshot(crypto, input, bo, { now, asOf: joined });
    expect(verifySnapshot(crypto, JSON.parse(JSON.stringify(written)), now).ok).toBe(true);
  });
});
