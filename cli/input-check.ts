import type { z } from "zod";
import { commandInputs } from "../shared/commands/commands";
import type { Planned, Verb } from "./verb";

/**
 * The command's own schema, applied by the CLI before it opens anything, so
 * input the command cannot read is a usage error (exit 2) in words about
 * what the person typed: "--quorum must be at most 100", not zod's
 * "rules.quorumPercent: Too big: expected number to be <=100". The host
 * applies the same schema again; what passes here, passes there.
 */

/** Stand-ins for what is looked up later (the commune, members, proposals, items): the schema sees the input as it will be sent. */
const STAND_IN = { commune: "0".repeat(32), member: "0".repeat(64), proposal: "x", item: "x", entry: "x", payment: "x", comment: "x" } as const;

export function inputProblem(verb: Verb, plan: Planned): string | undefined {
  const input = structuredClone(plan.input) as Record<string, unknown>;
  if (verb.scoped) input.commune = STAND_IN.commune;
  for (const ref of plan.refs) setAt(input, ref.path, STAND_IN[ref.kind]);
  const parsed = (commandInputs[plan.name] as z.ZodType).safeParse(input);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return issue ? describeIssue(issue, verb) : "this input cannot be read";
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1)!] = value;
}

/** Input fields whose flag has another name. Keys are a field, or a path joined with "." where the field alone would mislead. */
const FLAG_OF_FIELD: Record<string, string> = {
  "payee.member": "to",
  "payee.outside": "payee",
  quorumPercent: "quorum",
  thresholdPercent: "threshold",
  allowBlock: "block",
  spendLimit: "spend-limit",
  spendPeriod: "spend-period",
  addCurrencies: "add-currency",
  currencies: "currency",
  relays: "relay",
  tags: "tag",
  asOf: "as-of",
  replyTo: "reply-to",
  newestFirst: "oldest-first",
};

/** Fields typed as a verb's positional argument (<AMOUNT>), in words. */
const ARGUMENT_WORDS: Record<string, string> = {
  amount: "the amount",
  currency: "the currency",
  name: "the name",
  invite: "the invite",
  member: "the member",
  proposal: "the proposal",
  choice: "the vote",
  text: "the text",
  query: "the search text",
  path: "the file",
  kind: "the kind of proposal",
  id: "the item",
};

const kebab = (field: string) => field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** How the person typed the value at `path`: "--quorum", "the amount", "--currency (decimals)". */
export function labelFor(path: readonly PropertyKey[], verb: Verb): string {
  // Field names start in lower case; record keys (currency codes) and list positions are not fields.
  const fields = path.filter((key): key is string => typeof key === "string" && /^[a-z]/.test(key));
  const flags = new Set(verb.flags.map((flag) => flag.name));
  for (let i = 0; i < fields.length; i++) {
    const pair = FLAG_OF_FIELD[fields.slice(i, i + 2).join(".")];
    const flag = pair ?? FLAG_OF_FIELD[fields[i]!] ?? kebab(fields[i]!);
    const rest = fields.slice(i + (pair ? 2 : 1));
    if (flags.has(flag)) return `--${flag}${rest.length ? ` (${rest.map(kebab).join(" ")})` : ""}`;
  }
  // Not a flag: a positional argument, or a field the CLI filled in itself.
  const last = fields.at(-1);
  return last ? (ARGUMENT_WORDS[last] ?? `the ${kebab(last).replace(/-/g, " ")}`) : "the input";
}

type Issue = z.core.$ZodIssue;

/** One schema issue as a sentence about what was typed; every kind zod reports has its wording here. */
export function describeIssue(issue: Issue, verb: Verb): string {
  const label = labelFor(issue.path, verb);
  // Our schemas' own messages ("must be a currency code such as EUR") are written for people already.
  const own = /^must /.test(issue.message) ? issue.message : undefined;
  switch (issue.code) {
    case "too_small":
      return `${label} ${smallness(issue)}`;
    case "too_big":
      return `${label} ${bigness(issue)}`;
    case "invalid_type":
      return issue.input === undefined ? `${label} is required` : `${label} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case "invalid_format":
      return `${label} ${own ?? `is not ${issue.format === "regex" ? "in the form it takes" : `a valid ${issue.format}`}`}`;
    case "invalid_value":
      return `${label} must be ${issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.map(String).join(", ")}`}`;
    case "not_multiple_of":
      return `${label} must be a multiple of ${String(issue.divisor)}`;
    case "unrecognized_keys":
      return `${issue.keys.map((key) => labelFor([...issue.path, key], verb)).join(" and ")} ${issue.keys.length === 1 ? "does" : "do"} not apply here`;
    case "invalid_key":
    case "invalid_element": {
      const inner = issue.issues[0];
      return inner ? describeIssue({ ...inner, path: issue.path } as Issue, verb) : `${label} is not valid`;
    }
    case "invalid_union":
      return `${label} is not in a form this command reads`;
    case "custom":
      // The field rules of shared/docs/fields.ts word their refusals as "must …", which reads on from the label.
      return own ? `${label} ${own}` : `${label}: ${issue.message}`;
    default:
      return `${label} is not valid`;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "yes or no",
  array: "a list",
  object: "a set of fields",
};

function smallness(issue: Extract<Issue, { code: "too_small" }>): string {
  const min = Number(issue.minimum);
  switch (issue.origin) {
    case "string":
      return min <= 1 ? "must not be empty" : `must be at least ${min} characters`;
    case "array":
    case "set":
      return min <= 1 ? "must be given at least once" : `must be given at least ${min} times`;
    default:
      return issue.inclusive === false ? `must be more than ${min}` : `must be at least ${min}`;
  }
}

function bigness(issue: Extract<Issue, { code: "too_big" }>): string {
  const max = Number(issue.maximum);
  switch (issue.origin) {
    case "string":
      return `must be at most ${max} characters`;
    case "array":
    case "set":
      return `can be given at most ${max} times`;
    default:
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
  }
}
