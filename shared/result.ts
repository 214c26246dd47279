/**
 * Errors a person can cause are values, not exceptions: every validator and
 * command in shared/ answers with a Result whose message is written for the
 * member who will read it. Bugs still throw.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: string): Result<T> => ({ ok: false, error });
