import { GLOBAL_FLAGS, type FlagSpec } from "./args";
import { GROUPS, helpVerb, hostVerb, type VerbUsage } from "./verbs";

/** The help texts, made from the same verb table the parser reads. */

const flagText = (flag: FlagSpec) => `--${flag.name}${flag.value ? ` ${flag.value}` : ""}`;

/** "commune contribute <AMOUNT> <CURRENCY> [--memo TEXT]". */
export function usageLine(verb: VerbUsage): string {
  const flags = verb.synopsis
    ? [verb.synopsis]
    : verb.flags.length > 5
      ? ["[options]"]
      : verb.flags.map((flag) => `[${flagText(flag)}]${flag.kind === "list" ? "..." : ""}`);
  return ["commune", verb.verb, ...verb.args, ...flags].join(" ");
}

export const hintFor = (verb: VerbUsage | undefined) =>
  verb ? `Usage: ${usageLine(verb)}  (more: commune ${verb.verb} --help)` : 'Run "commune help" to see every verb.';

function flagLines(flags: FlagSpec[]): string[] {
  const width = Math.max(...flags.map((flag) => flagText(flag).length));
  return flags.map(
    (flag) => `  ${flagText(flag).padEnd(width)}  ${flag.help}${flag.kind === "list" && !flag.help.includes("repeatable") ? " (repeatable)" : ""}`,
  );
}

const GLOBALS = GLOBAL_FLAGS.filter((flag) => flag.name !== "help");

export function verbHelp(verb: VerbUsage): string {
  const lines = [usageLine(verb), "", `${verb.summary[0]!.toUpperCase()}${verb.summary.slice(1)}.`];
  if (verb.flags.length) lines.push("", ...flagLines(verb.flags));
  if (verb.details?.length) lines.push("", ...verb.details);
  lines.push("", "Global flags:", ...flagLines(GLOBALS));
  return lines.join("\n");
}

export function generalHelp(): string {
  const all: VerbUsage[] = [...GROUPS.flatMap((group) => group.verbs), hostVerb, helpVerb];
  const width = Math.min(24, Math.max(...all.map((verb) => [verb.verb, ...verb.args].join(" ").length)));
  const line = (verb: VerbUsage) => {
    const words = [verb.verb, ...verb.args].join(" ");
    return words.length > width ? `  ${words}\n  ${"".padEnd(width)}  ${verb.summary}` : `  ${words.padEnd(width)}  ${verb.summary}`;
  };
  const lines = [
    "Commune: a common purse, membership, proposals and shared knowledge for a small commune.",
    "",
    "Usage: commune <verb> [arguments] [--data DIR] [--commune ID] [--json]",
  ];
  for (const group of GROUPS) lines.push("", `${group.title}:`, ...group.verbs.map(line));
  lines.push("", "Running:", line(hostVerb), line(helpVerb));
  lines.push("", "Global flags:", ...flagLines(GLOBALS));
  lines.push(
    "",
    "MEMBER is a name, a public key or a unique key prefix (8+ hex digits); PROPOSAL and ITEM are an id or a unique prefix (4+ characters).",
    "Exit codes: 0 done; 1 the commune or its rules refused; 2 wrong usage; 3 data directory unusable or host unreachable.",
    "More on one verb: commune help VERB, or commune VERB --help.",
  );
  return lines.join("\n");
}
