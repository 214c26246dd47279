import type { z } from "zod";
import { fail, ok, type Result } from "../result";

/**
 * Turns a schema's verdict on untrusted data into a reason a member can
 * read: "amount must be a positive whole number of minor units",
 * "invite.sig is missing". Field messages come from ./fields; this adds the
 * field's path and says "is missing" for absent fields.
 */

const MAX_REASONS = 3;

/**
 * Checks a record. The reason names fields by their path inside the record,
 * or inside `at` when given ("genesis.rules.quorumPercent ...").
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, at?: string): Result<T> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("record.notARecord", `${at === undefined ? "" : `${at} `}is not a record (it is ${describeValue(value)})`);
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? ok(parsed.data) : fail("record.malformed", explain(parsed.error.issues, value, at));
}

export function explain(issues: readonly z.core.$ZodIssue[], value: unknown, at?: string): string {
  const reasons: string[] = [];
  for (const issue of issues) {
    const reason = issueReason(issue, value, at);
    if (!reasons.includes(reason)) reasons.push(reason);
  }
  const shown = reasons.slice(0, MAX_REASONS).join("; ");
  const more = reasons.length - MAX_REASONS;
  return more > 0 ? `${shown}; and ${more} more ${more === 1 ? "problem" : "problems"}` : shown;
}

function issueReason(issue: z.core.$ZodIssue, value: unknown, at: string | undefined): string {
  if (issue.path.length === 0) return at === undefined ? issue.message : `${at}: ${issue.message}`;
  const where = pathText(issue.path, at ?? "");
  // A custom check (ours) says exactly what is wrong; a field check on an absent field would only say it is the wrong type.
  const missing = issue.code !== "custom" && valueAt(value, issue.path) === undefined;
  return missing ? `${where} is missing` : `${where} ${issue.message}`;
}

function pathText(path: readonly PropertyKey[], start: string): string {
  let text = start;
  for (const step of path) {
    if (typeof step === "number") text += `[${step}]`;
    else text += text === "" ? String(step) : `.${String(step)}`;
  }
  return text;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, step)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[step];
  }
  return current;
}

/** "a list", "text", "the number 12", "nothing": what was found where a record or list belongs. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "text";
    case "number":
    case "bigint":
      return "a number";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}
