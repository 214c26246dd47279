import type { CommuneState } from "../commune/state";
import type { PublicKey } from "../identity/keys";
import { isoDay } from "../purse/wording";
import { fail, ok, type Result } from "../result";

/**
 * The moment an export shows. The CLI reads `--as-of 2026-03-31` as the end
 * of that day (UTC), so every entry dated on it is in; on the day itself
 * that end lies ahead, and "as of today" means everything so far: a time
 * later on the day that has begun is taken as now. A later day is refused:
 * a file cannot show what has not happened yet.
 */
export function exportAsOf(requested: number | undefined, now: number): Result<number> {
  if (requested === undefined || requested <= now) return ok(requested ?? now);
  if (requested - (requested % DAY) <= now) return ok(now);
  return fail("snapshot.asOfInFuture", `A snapshot cannot be dated in the future: today is ${isoDay(now)} (UTC).`, { field: "asOf" });
}

/**
 * A signed snapshot names its exporter, and whoever checks it replays the
 * commune up to its as-of time and asks whether the exporter was a member
 * by then. As of a time before the exporter joined, no one could verify the
 * file (it would be "signed by someone who was never a member"), so it is
 * refused before it is written.
 */
export function exporterWasMember(state: CommuneState, exporter: PublicKey, asOf: number): Result<number> {
  const joined = state.members[exporter]?.history[0]?.at;
  if (joined === undefined) return fail("snapshot.notAMember", `You are not a member of ${state.name}, so a snapshot you sign could not be verified.`);
  if (asOf >= joined) return ok(asOf);
  return fail(
    "snapshot.asOfBeforeJoining",
    `You became a member of ${state.name} on ${isoDay(joined)}: a signed snapshot as of ${isoDay(asOf)}, before that, could not be verified by anyone. Choose ${isoDay(joined)} or later.`,
    { field: "asOf", params: { joined } },
  );
}

const DAY = 86_400_000;
