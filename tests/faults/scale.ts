/**
 * How hard the fault scenarios push. `npm test` runs the short form, a few
 * of each fault in seconds; `npm run test:faults` the full one the issue
 * names (20 relay kills during 1,000 entries, 200 host kills, ...).
 */
export const FULL = process.env.COMMUNE_FAULTS === "full";

export const scaled = (short: number, full: number): number => (FULL ? full : short);

/** A test's time limit: the full form runs for minutes. */
export const timeLimit = (shortMs: number, fullMs: number): number => (FULL ? fullMs : shortMs);
