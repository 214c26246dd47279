import { describe, expect, it } from "vitest";
import { decodeItem, encodeItem, ITEM_LIMITS, type SealedItem } from "./headers";

const key = "a".repeat(64);
const batch: SealedItem = {
  signed: {
    header: { kind: "batch", commune: "0".repeat(32), document: "4NMNnkMhL8jXrdJ9jamS58PAVdXu", epoch: "b".repeat(64), by: key, at: 1 },
    payloadHash: "c".repeat(64),
    by: key,
    sig: "d".repeat(128),
  },
  payload: new Uint8Array([1, 2, 3]),
};

describe("an item's binary form", () => {
  it("reads back what was written", () => {
    const read = decodeItem(encodeItem(batch));
    expect(read).toEqual({ ok: true, item: batch });
  });

  it("refuses a header length larger than the limit before reading it", () => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, ITEM_LIMITS.headerBytes + 1);
    expect(decodeItem(bytes)).toMatchObject({ ok: false, problem: { code: "item.tooLarge" } });
  });

  it("refuses truncation, junk and headers with unknown fields, each with a reason", () => {
    const bytes = encodeItem(batch);
    expect(decodeItem(bytes.subarray(0, 3))).toMatchObject({ ok: false, problem: { code: "item.malformed" } });
    expect(decodeItem(bytes.subarray(0, 20))).toMatchObject({ ok: false, problem: { code: "item.malformed" } });
    const extra = encodeItem({ ...batch, signed: { ...batch.signed, header: { ...batch.signed.header, name: "Riverside" } as never } });
    expect(decodeItem(extra)).toMatchObject({ ok: false, problem: { code: "item.malformed" } });
    const junk = new Uint8Array([0, 0, 0, 2, 0xff, 0xfe]);
    expect(decodeItem(junk)).toMatchObject({ ok: false, problem: { code: "item.malformed" } });
  });
});

describe("an item's signature", () => {
  it("holds for its author and breaks when the header or the payload changes", async () => {
    const { nobleCrypto } = await import("../identity/crypto");
    const { testKeys } = await import("../testing/commune-builder");
    const { signItem, checkItemSignature } = await import("./headers");
    const crypto = nobleCrypto();
    const ada = testKeys(1);
    const item = signItem(crypto, { ...batch.signed.header, by: ada.publicKey }, new Uint8Array([9, 9]), ada);
    expect(checkItemSignature(crypto, item)).toBeUndefined();
    expect(checkItemSignature(crypto, { ...item, payload: new Uint8Array([9, 8]) })).toBe("payload changed");
    const moved = { ...item, signed: { ...item.signed, header: { ...item.signed.header, document: "5NMNnkMhL8jXrdJ9jamS58PAVdXu" } } };
    expect(checkItemSignature(crypto, moved)).toBe("bad signature");
    expect(decodeItem(encodeItem(item))).toEqual({ ok: true, item });
  });
});
