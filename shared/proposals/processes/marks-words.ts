import type { Process } from "./process";

/** What a poll's or a meeting's vote marked. */
export interface Marks {
  pick?: number;
  dots?: readonly number[];
  times?: readonly number[];
}

/**
 * What one member's poll or meeting vote gave, in words, for "who voted
 * what": the option picked, the dots on each option, or the times they can
 * make. Undefined for other processes, which their choice says. Times are
 * written by `timeText`: the app in the member's zone, the CLI in UTC.
 */
export function marksWords(process: Process | undefined, marks: Marks, timeText: (at: number) => string): string | undefined {
  if (process?.kind === "poll") {
    const label = (index: number) => JSON.stringify(process.options[index] ?? `option ${index + 1}`);
    if (marks.pick !== undefined) return `picked ${label(marks.pick)}`;
    if (marks.dots !== undefined) {
      const given = marks.dots.flatMap((dots, index) => (dots > 0 ? [`${dots} ${dots === 1 ? "dot" : "dots"} on ${label(index)}`] : []));
      return given.length > 0 ? given.join(", ") : "no dots";
    }
    return undefined;
  }
  if (process?.kind === "meeting" && marks.times !== undefined) {
    const times = marks.times.flatMap((index) => (process.times[index] !== undefined ? [timeText(process.times[index])] : []));
    return times.length > 0 ? `can make ${times.join(", ")}` : "none of the times fits";
  }
  return undefined;
}
