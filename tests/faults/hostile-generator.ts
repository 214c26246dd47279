/**
 * The one seeded source of generated hostile input in tests/faults/: what
 * an attacker does to genuine bytes (flip, cut, splice, lie about a
 * length) and the odd values a CBOR frame can carry. Every choice comes from the generator, so
 * `COMMUNE_FAULTS_SEED=<the printed seed>` replays a run's inputs exactly;
 * each scenario draws from its own stream, so its inputs do not depend on
 * which scenario ran before it.
 *
 * mulberry32, in 32-bit integer arithmetic. The linear congruential step
 * `(state * 1103515245 + 12345) % 2 ** 31` it replaces, computed in
 * doubles, loses its low bits past 2^53 and came back to a state it had
 * already visited within 11,154 to 19,155 draws for the seeds tried: a
 * cycle shorter than the full form's inputs.
 */

export const SEED = Number(process.env.COMMUNE_FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));

export interface Random {
  /** A whole number from 0 to `below` - 1. */
  int(below: number): number;
  pick<T>(list: readonly T[]): T;
  bytes(length: number): Uint8Array;
  chance(probability: number): boolean;
}

/** The generator for one scenario: `stream` tells scenarios apart under one seed. */
export function seeded(stream: number): Random {
  let state = (SEED ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    int,
    pick: (list) => list[int(list.length)]!,
    bytes: (length) => Uint8Array.from({ length }, () => int(256)),
    chance: (probability) => next() < probability,
  };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Broken bytes of every kind a damaged disk or an attacker makes: flipped, cut, spliced, repeated, overwritten, lengths made enormous. */
export function mutateBytes(random: Random, original: Uint8Array): { bytes: Uint8Array; how: string } {
  const bytes = Uint8Array.from(original);
  const at = () => random.int(Math.max(1, bytes.length));
  switch (random.int(9)) {
    case 0: {
      const flips = 1 + random.int(8);
      for (let i = 0; i < flips; i++) {
        const where = at();
        bytes[where] = (bytes[where] ?? 0) ^ (1 << random.int(8));
      }
      return { bytes, how: `flip ${flips}` };
    }
    case 1: {
      const cut = random.int(bytes.length);
      return { bytes: bytes.slice(0, cut), how: `truncate at ${cut}` };
    }
    case 2: {
      const where = at();
      return { bytes: concat(bytes.slice(0, where), random.bytes(1 + random.int(64)), bytes.slice(where)), how: `insert at ${where}` };
    }
    case 3: {
      const from = at();
      const to = Math.min(bytes.length, from + 1 + random.int(200));
      return { bytes: concat(bytes.slice(0, to), bytes.slice(from, to), bytes.slice(to)), how: `duplicate ${from}..${to}` };
    }
    case 4: {
      // LEB128 and CBOR both read 0xff runs as enormous lengths or counts.
      const where = at();
      const run = random.pick([1, 4, 5, 9]);
      for (let i = 0; i < run && where + i < bytes.length; i++) bytes[where + i] = i === run - 1 ? 0x0f : 0xff;
      return { bytes, how: `0xff run at ${where}` };
    }
    case 5: {
      const where = at();
      bytes.fill(0, where, where + 1 + random.int(32));
      return { bytes, how: `zeros at ${where}` };
    }
    case 6: {
      const where = at();
      const end = Math.min(bytes.length, where + 1 + random.int(32));
      bytes.set(random.bytes(end - where), where);
      return { bytes, how: `overwrite ${where}..${end}` };
    }
    case 7: {
      const half = random.int(bytes.length);
      return { bytes: concat(bytes.slice(half), bytes.slice(0, half)), how: `rotate ${half}` };
    }
    default:
      return { bytes: concat(bytes, random.bytes(1 + random.int(100))), how: "append garbage" };
  }
}

/** A value of any CBOR-encodable shape, `depth` deep at most: what a field of a sync message may hold instead of what it should. */
export function randomValue(random: Random, depth: number): unknown {
  switch (random.int(depth > 0 ? 9 : 7)) {
    case 0:
      return random.pick([0, -0, 1, -1, 2 ** 31, 2 ** 53 + 2, Number.MAX_VALUE, Infinity, NaN, 0.5, -(2 ** 63)]);
    case 1:
      return random.pick(["", "sync", "request", "join", "ephemeral", "peer", "x".repeat(random.int(5000)), "\u0000\ud800"]);
    case 2:
      return random.bytes(random.int(300));
    case 3:
      return random.pick([true, false, null, undefined]);
    case 4:
      return BigInt(random.int(2 ** 31)) * 2n ** 40n;
    case 5:
      return new Uint8Array(0);
    case 6:
      return random.pick(["automerge:" + "z".repeat(random.int(80)), "4NMNnkMhL8jXrdJ9jamS58PAVdXu"]);
    case 7:
      return Array.from({ length: random.int(6) }, () => randomValue(random, depth - 1));
    default:
      return Object.fromEntries(
        Array.from({ length: random.int(6) }, () => [
          random.pick(["type", "senderId", "targetId", "documentId", "data", "count", "sessionId", "x"]),
          randomValue(random, depth - 1),
        ]),
      );
  }
}

/** `frame` with the CBOR header of its byte string `data` rewritten to claim `claimed` bytes, the bytes themselves left as they are. */
export function inflateCborLength(frame: Uint8Array, data: Uint8Array, claimed: number): Uint8Array | undefined {
  const buffer = Buffer.from(frame);
  const at = buffer.indexOf(Buffer.from(data));
  if (at <= 0 || data.length === 0) return undefined;
  const headerBytes = data.length < 24 ? 1 : data.length < 256 ? 2 : data.length < 65536 ? 3 : 5;
  const header = Buffer.alloc(5);
  header[0] = 0x5a;
  header.writeUInt32BE(claimed >>> 0, 1);
  return concat(buffer.subarray(0, at - headerBytes), header, buffer.subarray(at));
}
