/**
 * Errors a person can cause are values, not exceptions: every validator and
 * command in shared/ answers with a Result whose failure is a Problem. Bugs
 * still throw.
 *
 * A Problem's `code` is for programs (a front end picks a field or a wording
 * by it, never by the text), `field` names the command input it concerns
 * (the names of shared/commands/commands.ts: "amount", "rules.quorumPercent"),
 * and `message` is written for the member who will read it.
 */
export interface Problem {
  /** Stable and dotted, area first: "amount.tooLarge", "invite.expired". */
  code: ProblemCode;
  field?: string;
  message: string;
  /** Values the message names, for a front end that words it itself. */
  params?: Record<string, string | number | boolean>;
}

/** The dot keeps a problem's code apart from a transport's kind ("rejected"), so one is never compared with the other by mistake. */
export type ProblemCode = `${string}.${string}`;

export type Result<T> = { ok: true; value: T } | { ok: false; error: Problem };

type Details = Pick<Problem, "field" | "params">;

export const problem = (code: ProblemCode, message: string, details: Details = {}): Problem => ({ code, message, ...details });

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ProblemCode, message: string, details: Details = {}): Result<T> => ({
  ok: false,
  error: problem(code, message, details),
});

/** Passes on a problem found further down, unchanged, as a failure of another type. */
export const failWith = <T = never>(error: Problem): Result<T> => ({ ok: false, error });

/** The same problem told within a larger one: the code and field stay, the message gains context. */
export const reworded = <T = never>(error: Problem, message: (inner: string) => string, details: Details = {}): Result<T> => ({
  ok: false,
  error: { ...error, ...details, message: message(error.message) },
});
