import type { CommandError } from "../../shared/commands/commands";

/**
 * The host's answer, when it concerns one of `fields` (the command input's
 * names, as in shared/commands/commands.ts: "name", "rules.quorumPercent"; a
 * part of one counts too: "relays.1" is about "relays"), so the form can show
 * it beside that box instead of at the bottom. Chosen by the problem's
 * `field`, never by its wording.
 */
export function fieldProblem(error: CommandError | undefined, ...fields: string[]): string | undefined {
  const field = error?.field;
  if (field === undefined) return undefined;
  return fields.some((wanted) => field === wanted || field.startsWith(`${wanted}.`)) ? error?.message : undefined;
}

/** The host's answer when no box of the form shows it: the form shows it as a whole. */
export function unplaced(error: CommandError | undefined, shown: readonly string[]): CommandError | undefined {
  return fieldProblem(error, ...shown) === undefined ? error : undefined;
}
