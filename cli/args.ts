import { fail, ok, type Result } from "../shared/result";

/**
 * The command line as tokens: `--flag value`, `--flag=value`, boolean
 * `--flag`, repeatable flags, positionals, and `--` after which everything is
 * a positional. A flag's value never starts with "--" (`--memo --json` is a
 * missing memo, not a memo of "--json"); write `--memo=--json` for that.
 * "-5" and "-" are positionals, so a negative amount reaches the host and
 * gets its message.
 */
export type FlagKind = "boolean" | "value" | "list";

export interface FlagSpec {
  name: string;
  kind: FlagKind;
  /** Placeholder in usage: "TEXT", "N", "URL". */
  value?: string;
  help: string;
}

/** The global flags, accepted anywhere on the line. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: "data", kind: "value", value: "DIR", help: "data directory (default: $COMMUNE_DATA, else the platform's app-data folder)" },
  { name: "commune", kind: "value", value: "ID", help: "which commune: id, id prefix or name (needed when you belong to several)" },
  { name: "json", kind: "boolean", help: "print the result as JSON" },
  {
    name: "sync-timeout",
    kind: "value",
    value: "SECONDS",
    help: "how long a one-shot command waits for a relay to confirm a change (default 15; 0: never wait for a relay)",
  },
  { name: "help", kind: "boolean", help: "show usage" },
];

export class Args {
  readonly positionals: string[] = [];
  readonly #values = new Map<string, string>();
  readonly #lists = new Map<string, string[]>();
  readonly #flags = new Set<string>();

  value(name: string): string | undefined {
    return this.#values.get(name);
  }

  list(name: string): string[] {
    return this.#lists.get(name) ?? [];
  }

  flag(name: string): boolean {
    return this.#flags.has(name);
  }

  /** Every flag given, by name. */
  given(): string[] {
    return [...this.#values.keys(), ...this.#lists.keys(), ...this.#flags];
  }

  set(spec: FlagSpec, value: string | undefined): Result<void> {
    if (spec.kind === "boolean") {
      if (value !== undefined) return fail("usage.flagTakesNoValue", `--${spec.name} takes no value`);
      this.#flags.add(spec.name);
    } else if (value === undefined) {
      return fail("usage.flagNeedsValue", `--${spec.name} needs a value${spec.value ? ` (${spec.value})` : ""}`);
    } else if (spec.kind === "list") {
      this.#lists.set(spec.name, [...this.list(spec.name), value]);
    } else {
      if (this.#values.has(spec.name)) return fail("usage.flagTwice", `--${spec.name} is given twice`);
      this.#values.set(spec.name, value);
    }
    return ok(undefined);
  }
}

const isFlag = (token: string) => token.startsWith("-") && token !== "-" && !/^-[0-9.]/.test(token);

/**
 * Reads `tokens` against the flags in `specs`. `stopAtPositional` stops
 * before the first positional and returns the index where it stands (used
 * to find the verb, before which only global flags may come).
 */
export function readTokens(tokens: readonly string[], specs: readonly FlagSpec[], into: Args, stopAtPositional = false): Result<number> {
  let index = 0;
  let onlyPositionals = false;
  while (index < tokens.length) {
    const token = tokens[index]!;
    if (onlyPositionals || !isFlag(token)) {
      if (stopAtPositional) return ok(index);
      into.positionals.push(token);
      index++;
      continue;
    }
    if (token === "--") {
      onlyPositionals = true;
      index++;
      continue;
    }
    const body = token.startsWith("--") ? token.slice(2) : token.slice(1);
    const equals = body.indexOf("=");
    const name = token === "-h" ? "help" : equals >= 0 ? body.slice(0, equals) : body;
    const inline = equals >= 0 ? body.slice(equals + 1) : undefined;
    const spec = token.startsWith("--") || token === "-h" ? specs.find((s) => s.name === name) : undefined;
    if (!spec) return fail("usage.unknownFlag", `unknown flag ${token.startsWith("--") ? `--${name}` : token}`);
    let value = inline;
    if (spec.kind !== "boolean" && value === undefined) {
      const next = tokens[index + 1];
      if (next !== undefined && !next.startsWith("--")) {
        value = next;
        index++;
      }
    }
    const set = into.set(spec, value);
    if (!set.ok) return set;
    index++;
  }
  return ok(index);
}
