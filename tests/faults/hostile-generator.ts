/**
 * The one seeded source of generated hostile input in tests/faults/.
 * Every choice comes from the generator, so
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
