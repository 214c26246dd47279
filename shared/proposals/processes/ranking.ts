/** One option of a poll or a meeting with its total, as the result lists them. */
export interface Ranked {
  /** The option's index in the proposal. */
  option: number;
  total: number;
}

/**
 * Options by total, highest first; ties keep the order `before` gives
 * (the proposal's order, or the earlier time), so every member reads the
 * same ranking.
 */
export function rank<R extends Ranked>(options: readonly R[], before: (a: R, b: R) => number): R[] {
  return [...options].sort((a, b) => b.total - a.total || before(a, b));
}
