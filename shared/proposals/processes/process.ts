import type { ProposalKind } from "../proposal";

/**
 * How a proposal's outcome is decided, signed on the proposal (issue 17).
 * Absent means the yes/no/abstain/block vote with quorum, threshold and
 * block (shared/proposals/tally.ts), which every proposal signed before
 * processes existed keeps.
 */
export type Process =
  /** Passes at the deadline unless a member objects, with a reason. */
  | { kind: "consent" }
  /** Members advise; after the deadline the proposer decides and says why. */
  | { kind: "advice" }
  /** One option per member, or with `dots` a number of dots to spread across the options. */
  | { kind: "poll"; options: string[]; dots?: number }
  /** Each member marks the times (ms since epoch) they can make. */
  | { kind: "meeting"; times: number[] };

export type ProcessKind = Process["kind"];

export const PROCESS_KINDS = ["consent", "advice", "poll", "meeting"] as const satisfies readonly ProcessKind[];

/** How many options a poll or times a meeting offers, and how many dots a dot vote hands each member. */
export const PROCESS_LIMITS = { minOptions: 2, maxOptions: 20, minDots: 1, maxDots: 100 } as const;

/**
 * Which kinds of proposal each process may decide. Consent only changes how
 * the outcome is read, so it suits every kind; advice lets one member
 * decide, which a commune may allow for its spending and its general
 * business but not for who belongs or what the rules are; a poll or a
 * meeting picks among options, which only a general proposal has.
 */
const ALLOWED_ON: Record<ProcessKind, readonly ProposalKind[]> = {
  consent: ["spend", "admit", "remove", "rule", "general", "reverse", "partner", "partner-end"],
  advice: ["general", "spend"],
  poll: ["general"],
  meeting: ["general"],
};

/** Whether a process of this kind may decide a proposal of that kind: what the new-proposal form offers. */
export const processAllowedOn = (process: ProcessKind, kind: ProposalKind): boolean => ALLOWED_ON[process].includes(kind);

const PROCESS_NAMES: Record<ProcessKind, string> = { consent: "consent", advice: "advice", poll: "poll", meeting: "meeting time poll" };

const article = (word: string) => (/^[aeiou]/.test(word) ? "an" : "a");

/** The process in a few words, for messages: "a consent process", "a poll". */
export const processWords = (kind: ProcessKind): string => {
  const name = kind === "consent" || kind === "advice" ? `${PROCESS_NAMES[kind]} process` : PROCESS_NAMES[kind];
  return `${article(name)} ${name}`;
};

/** Why `process` cannot decide a proposal of `kind`, as a sentence, or undefined when it can. Checked by the host before signing and by the proposal judge on every replay. */
export function processProblem(kind: ProposalKind, process: Process): string | undefined {
  const allowed = ALLOWED_ON[process.kind];
  if (!allowed.includes(kind)) {
    const words = processWords(process.kind);
    return `${words.charAt(0).toUpperCase()}${words.slice(1)} can decide only ${allowed.map((k) => `${article(k)} ${k}`).join(" or ")} proposal, not ${article(kind)} ${kind} proposal`;
  }
  switch (process.kind) {
    case "consent":
    case "advice":
      return undefined;
    case "poll": {
      const many = countProblem(process.options.length, "option");
      if (many) return many;
      const seen = new Set<string>();
      for (const option of process.options) {
        const key = option.trim().toLowerCase();
        if (key === "") return "A poll's options must not be blank";
        if (seen.has(key)) return `A poll cannot offer "${option.trim()}" twice`;
        seen.add(key);
      }
      if (
        process.dots !== undefined &&
        !(Number.isSafeInteger(process.dots) && process.dots >= PROCESS_LIMITS.minDots && process.dots <= PROCESS_LIMITS.maxDots)
      )
        return `A dot vote gives each member from ${PROCESS_LIMITS.minDots} to ${PROCESS_LIMITS.maxDots} dots`;
      return undefined;
    }
    case "meeting": {
      const many = countProblem(process.times.length, "time");
      if (many) return many;
      if (!process.times.every((time) => Number.isSafeInteger(time) && time >= 0)) return "A meeting's times must be times (milliseconds since 1970)";
      if (new Set(process.times).size !== process.times.length) return "A meeting cannot offer the same time twice";
      return undefined;
    }
  }
}

function countProblem(count: number, what: string): string | undefined {
  const { minOptions, maxOptions } = PROCESS_LIMITS;
  if (count < minOptions) return `A ${what === "option" ? "poll" : "meeting"} needs at least ${minOptions} ${what}s to choose from`;
  if (count > maxOptions) return `A ${what === "option" ? "poll" : "meeting"} offers at most ${maxOptions} ${what}s`;
  return undefined;
}
