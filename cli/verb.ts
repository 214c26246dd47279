import type { CommandInput, CommandName, CommandResults } from "../shared/commands/commands";
import type { CommuneListItem } from "../shared/commands/views";
import { EUR, HOUR, type Currency } from "../shared/money/currency";
import { fail, ok, type Result } from "../shared/result";
import type { Args, FlagSpec } from "./args";
import { readsAsDays } from "../shared/commune/days";

/**
 * One CLI verb: its usage, how its arguments become a typed command, and how
 * the command's result is printed. Verbs are plain data in a table (see
 * verbs.ts), so `commune help` and the parser read the same definitions.
 */

/** A command's input as the CLI builds it: everything but the commune, which is resolved later. */
export type InputOf<K extends CommandName> = K extends CommandName ? DistributiveOmit<CommandInput<K>, "commune"> : never;
type DistributiveOmit<T, F extends PropertyKey> = T extends unknown ? Omit<T, F> : never;

/** Something a person named that must be looked up: a member by name or key prefix, a proposal or item by id prefix. */
export interface Reference {
  /**
   * "payment": any member's payment out of the purse; resolving it also sets `author` beside `path`.
   * "comment": a comment in the discussion of the proposal at `proposal` in the input, resolved before it.
   */
  kind: "member" | "proposal" | "item" | "entry" | "payment" | "comment";
  /** Where in the input the resolved id goes; the input holds the text as typed until then. */
  path: readonly string[];
  text: string;
}

/** What the parser makes of a verb's arguments: the command, its input as typed, and what must be looked up. */
export type Planned<K extends CommandName = CommandName> = K extends CommandName ? { name: K; input: InputOf<K>; refs: Reference[] } : never;

/** A command's result together with its name, so a verb with two commands can tell them apart. */
export type Answer<K extends CommandName = CommandName> = K extends CommandName ? { name: K; value: CommandResults[K] } : never;

export interface PrintContext {
  /** The commune the command ran in (commune-scoped verbs). */
  commune?: CommuneListItem;
  /** The commune's currencies, fetched for verbs that print money they do not carry the decimals of. */
  currencies: Currency[];
  /** The input as sent (references resolved). */
  input: Record<string, unknown>;
}

export interface Verb<K extends CommandName = CommandName> {
  /** "contribute", "knowledge add". */
  verb: string;
  /** Positionals in usage form: "<AMOUNT>", "[QUERY...]". */
  args: string[];
  flags: FlagSpec[];
  summary: string;
  /** The flags part of the usage line, when the plain list would mislead. */
  synopsis?: string;
  /** More usage lines, shown by `commune VERB --help`. */
  details?: string[];
  /** Runs in one commune (resolved from --commune or the only one). */
  scoped: boolean;
  /** Changes a document, so a one-shot CLI waits for a relay before it exits. */
  writes(input: Record<string, unknown>): boolean;
  /** The commune a write went to when it is not the scoped one (create, join). */
  wroteTo?(answer: Answer<K>): string | undefined;
  /** Prints money from the commune's currencies. */
  needsCurrencies?: boolean;
  build(args: Args): Result<Planned<K>>;
  /** What --json prints; the result value unless given. */
  json?(answer: Answer<K>): unknown;
  print(answer: Answer<K>, context: PrintContext): string;
}

/** Checks a verb against its command's types, then files it with the others. */
export const defineVerb = <K extends CommandName>(verb: Verb<K>): Verb => verb as unknown as Verb;

export const planned = <K extends CommandName>(name: K, input: InputOf<K>, refs: Reference[] = []): Result<Planned<K>> =>
  ok({ name, input, refs } as unknown as Planned<K>);

export const always = () => true;
export const never = () => false;

// ---- flag values: syntax is checked here, meaning (ranges, rules) by the host ----

/** A whole number such as 7 (or "60%" where `percent`). */
export function wholeNumber(args: Args, name: string, percent = false): Result<number | undefined> {
  const text = args.value(name);
  if (text === undefined) return ok(undefined);
  const digits = percent ? text.replace(/%$/, "") : text;
  if (!/^[0-9]{1,15}$/.test(digits))
    return fail("usage.notANumber", `--${name} expects a whole number${percent ? " (a percentage)" : ""}, not ${JSON.stringify(text)}`);
  return ok(Number(digits));
}

/** A positive number of days such as 7 or 1.5. */
export function days(args: Args, name = "days"): Result<number | undefined> {
  const text = args.value(name);
  if (text === undefined) return ok(undefined);
  if (!readsAsDays(text) || text.trim() !== text)
    return fail("usage.notADuration", `--${name} expects a number of days such as 7, not ${JSON.stringify(text)}`);
  return ok(Number(text));
}

export function oneOf<T extends string>(text: string | undefined, choices: readonly T[], what: string): Result<T | undefined> {
  if (text === undefined) return ok(undefined);
  const lower = text.toLowerCase();
  const found = choices.find((choice) => choice === lower);
  return found ? ok(found) : fail("usage.notAChoice", `${what} must be one of ${choices.join(", ")}, not ${JSON.stringify(text)}`);
}

/** Currency codes are capitals; "eur" is taken as EUR. */
export const currencyCode = (text: string) => text.trim().toUpperCase();

const KNOWN: Record<string, Currency> = { EUR, HOUR };

/** "EUR", "HOUR" (the predefined ones) or "CODE:Name:DECIMALS", such as "SEED:Seed packets:0". */
export function currencySpec(text: string): Result<Currency> {
  const parts = text.split(":");
  const code = currencyCode(parts[0] ?? "");
  if (parts.length === 1) {
    const known = KNOWN[code];
    return known
      ? ok(known)
      : fail("usage.badCurrency", `--currency ${JSON.stringify(text)} needs a name and decimals, such as ${code || "SEED"}:Seed packets:0`, {
          field: "currencies",
        });
  }
  const decimals = parts.at(-1) ?? "";
  if (parts.length < 3 || !/^[0-9]$/.test(decimals))
    return fail("usage.badCurrency", `write a currency as CODE:Name:DECIMALS, such as HOUR:Labour hours:2, not ${JSON.stringify(text)}`, {
      field: "currencies",
    });
  return ok({ code, name: parts.slice(1, -1).join(":").trim(), decimals: Number(decimals) });
}

/** Repeated "EUR=50.00" flags as a map from currency code to amount text. */
export function spendLimits(args: Args, name = "spend-limit"): Result<Record<string, string> | undefined> {
  const texts = args.list(name);
  if (texts.length === 0) return ok(undefined);
  const limits: Record<string, string> = {};
  for (const text of texts) {
    const equals = text.indexOf("=");
    const code = currencyCode(text.slice(0, Math.max(equals, 0)));
    if (equals <= 0 || code === "") return fail("usage.badLimit", `--${name} expects CURRENCY=AMOUNT, such as EUR=50.00, not ${JSON.stringify(text)}`);
    if (Object.hasOwn(limits, code)) return fail("usage.limitTwice", `--${name} names ${code} twice`);
    limits[code] = text.slice(equals + 1);
  }
  return ok(limits);
}

/** Flags that exclude each other or must come together. */
export function exactlyOne(args: Args, names: string[]): Result<string> {
  const given = names.filter((name) => args.value(name) !== undefined || args.flag(name));
  if (given.length === 1) return ok(given[0]!);
  const list = names.map((name) => `--${name}`).join(" or ");
  return fail("usage.payee", given.length === 0 ? `say who is paid: ${list}` : `give only one of ${list}`, { field: "payee" });
}

export function required(args: Args, name: string): Result<string> {
  const value = args.value(name);
  return value === undefined ? fail("usage.missingFlag", `--${name} is required`) : ok(value);
}

/** Runs Result-returning steps, stopping at the first failure. */
export function all<T extends readonly Result<unknown>[]>(...results: T): Result<{ [I in keyof T]: T[I] extends Result<infer V> ? V : never }> {
  const values: unknown[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    values.push(result.value);
  }
  return ok(values as { [I in keyof T]: T[I] extends Result<infer V> ? V : never });
}
