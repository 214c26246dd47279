import type { PublicKey } from "../identity/keys";

/**
 * How long each active member waits behind the one before it to start a due
 * rotation. Every active member's host sees a leave at about the same time,
 * and two children made at once land first on different relays when a
 * commune uses more than one: each relay then admits only its own child.
 * Taking turns makes one child the usual case; the turn is long enough for
 * the first child to reach every relay and come back as `superseded`.
 */
export const ROTATION_TURN_MS = 5_000;

/**
 * When `me` may start a rotation that became due, after it became due: the
 * active members take turns in the order of their keys, so the first starts
 * at once, and the next only if the first has not been heard from by then
 * (offline, or gone quiet). A child made in turn or not is judged the same
 * (shared/privacy/current-epoch.ts): the turn only makes forks rarer.
 */
export function rotationTurnDelay(me: PublicKey, active: readonly PublicKey[]): number {
  const order = [...new Set(active)].sort();
  const rank = order.indexOf(me);
  // Not among the active members: it may not start one at all (childEpochProblem); the caller never asks then.
  return Math.max(rank, 0) * ROTATION_TURN_MS;
}
