import type { CommandInput } from "../../../shared/commands/commands";
import { characters, LIMITS } from "../../../shared/docs/fields";
import { PROCESS_LIMITS, processAllowedOn, processProblem, type Process } from "../../../shared/proposals/processes/process";
import type { DraftKind } from "./proposal-draft";

/**
 * How the new-proposal form holds "How we decide" (issue 17): the process
 * chosen and its options or times as typed, the problems to show while the
 * member types (the host's own rule, `processProblem`, once the shape is
 * there), and the `process` the command carries.
 */
export type HowWeDecide = "vote" | Process["kind"];

export interface ProcessDraft {
  how: HowWeDecide;
  /** A poll's options, one box each. */
  options: string[];
  /** A dot vote rather than one option each. */
  dotVote: boolean;
  dots: string;
  /** A meeting's times as a datetime-local box holds them ("2026-12-10T18:00", the member's own time zone). */
  times: string[];
}

export type ProcessField = "how" | "options" | "dots" | "times";

export const HOW_WE_DECIDE: readonly { value: HowWeDecide; label: string; hint: string }[] = [
  { value: "vote", label: "Vote", hint: "Yes, no, abstain or block, with the commune's quorum and threshold." },
  { value: "consent", label: "Consent", hint: "Passes at the deadline unless a member objects, with a reason." },
  { value: "advice", label: "Advice", hint: "Members advise; after the deadline you record the decision." },
  { value: "poll", label: "Poll", hint: "Members choose among options, or spread dots across them." },
  { value: "meeting", label: "Meeting time", hint: "Members mark the times they can make." },
];

export const emptyProcessDraft = (): ProcessDraft => ({ how: "vote", options: ["", ""], dotVote: false, dots: "5", times: ["", ""] });

/** The ways this kind of proposal may be decided. */
export const howChoices = (kind: DraftKind) => HOW_WE_DECIDE.filter(({ value }) => value === "vote" || processAllowedOn(value, kind));

/** A datetime-local box's text as a time, in the member's own time zone; undefined while it is not one. */
export function timeOf(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text)) return undefined;
  const at = new Date(text).getTime();
  return Number.isNaN(at) ? undefined : at;
}

/** The draft as this kind of proposal may have it: a process the kind cannot have falls back to the vote, as the form shows it. */
export const fitHow = (draft: ProcessDraft, kind: DraftKind): ProcessDraft =>
  howChoices(kind).some(({ value }) => value === draft.how) ? draft : { ...draft, how: "vote" };

const filled = (list: readonly string[]) => list.map((text) => text.trim()).filter((text) => text !== "");

/** The process the draft describes, as the command takes it; undefined for a vote. */
export function processInputOf(draft: ProcessDraft): CommandInput<"proposal.create">["process"] {
  switch (draft.how) {
    case "vote":
      return undefined;
    case "consent":
    case "advice":
      return { kind: draft.how };
    case "poll":
      return { kind: "poll", options: filled(draft.options), ...(draft.dotVote ? { dots: Number(draft.dots.trim()) } : {}) };
    case "meeting":
      return { kind: "meeting", times: filled(draft.times).map((text) => timeOf(text) ?? Number.NaN) };
  }
}

/** Every problem of the process part of the draft, in the host's words; empty when it can be sent. */
export function processDraftProblems(draft: ProcessDraft, kind: DraftKind): Partial<Record<ProcessField, string>> {
  if (draft.how === "vote") return {};
  if (!processAllowedOn(draft.how, kind)) return { how: `This kind of proposal cannot be decided by ${draft.how}` };
  if (draft.how === "poll") {
    const long = filled(draft.options).find((option) => characters(option) > LIMITS.option);
    if (long) return { options: `An option must be at most ${LIMITS.option} characters` };
    const { minDots, maxDots } = PROCESS_LIMITS;
    const dots = Number(draft.dots.trim());
    if (draft.dotVote && !(/^\d+$/.test(draft.dots.trim()) && dots >= minDots && dots <= maxDots))
      return { dots: `Dots must be a whole number from ${minDots} to ${maxDots}` };
  }
  if (draft.how === "meeting" && filled(draft.times).some((text) => timeOf(text) === undefined)) return { times: "Give each time as a date and a time" };
  const process = processInputOf(draft);
  const problem = process && processProblem(kind, process);
  return problem ? { [draft.how === "meeting" ? "times" : "options"]: problem } : {};
}
