import { Args, GLOBAL_FLAGS, readTokens } from "./args";
import { parsePort } from "../shared/sync/port";
import { generalHelp, hintFor, verbHelp } from "./usage";
import type { Planned, Verb } from "./verb";
import { FIRST_WORDS, findVerb, helpVerb, hostVerb, VERB_GROUPS, VERBS, type VerbUsage } from "./verbs";

/**
 * The command line, read without touching anything: argv in, one of help
 * text, a usage error, a planned command, or the host. Pure, so every
 * verb's parsing is tested without a host.
 */
export interface Globals {
  data?: string;
  json: boolean;
  commune?: string;
  /** How long a one-shot CLI waits for a relay after a change. */
  syncTimeoutMs: number;
}

export type Parsed =
  | { kind: "help"; text: string }
  | { kind: "usage"; message: string; hint: string }
  | { kind: "command"; verb: Verb; plan: Planned; globals: Globals }
  | { kind: "host"; globals: Globals; relay?: { port: number; host: string } };

export const DEFAULT_SYNC_TIMEOUT_MS = 15_000;

const usage = (message: string, verb?: VerbUsage): Parsed => ({ kind: "usage", message, hint: hintFor(verb) });

export function parseArgv(argv: readonly string[]): Parsed {
  const args = new Args();
  const before = readTokens(argv, GLOBAL_FLAGS, args, true);
  if (!before.ok) return usage(`${before.error.message} (verb flags come after the verb)`);
  let at = before.value;
  const first = argv[at];
  if (first === undefined) return args.flag("help") ? { kind: "help", text: generalHelp() } : usage("say what to do, such as: commune show");

  if (first === "help") return helpFor(argv.slice(at + 1).filter((word) => !word.startsWith("-")));

  let words = first;
  // "exchange" is a verb and a group ("exchange accept"): the group only when the next word names one of its verbs.
  const standalone = findVerb(first) !== undefined && findVerb(`${first} ${argv[at + 1] ?? ""}`) === undefined;
  if (VERB_GROUPS.includes(first) && !standalone) {
    const rest = argv.slice(at + 1);
    const next = readTokens(rest, GLOBAL_FLAGS, args, true);
    const second = next.ok ? rest[next.value] : undefined;
    if (second === undefined) return args.flag("help") ? helpFor([first]) : usage(`${first} needs one of: ${groupVerbs(first).join(", ")}`);
    words = `${first} ${second}`;
    at += 1 + (next.ok ? next.value : 0);
  }
  const verb: VerbUsage | undefined = first === hostVerb.verb ? hostVerb : findVerb(words);
  if (!verb) return usage(unknownVerb(words));

  const rest = argv.slice(at + 1);
  const read = readTokens(rest, [...verb.flags, ...GLOBAL_FLAGS], args);
  if (!read.ok) return usage(`${verb.verb}: ${read.error.message}`, verb);
  if (args.flag("help")) return { kind: "help", text: verbHelp(verb) };

  const arity = checkArity(verb, args.positionals);
  if (arity) return usage(`${verb.verb}: ${arity}`, verb);

  const globals = readGlobals(args);
  if (!globals.ok) return usage(globals.error, verb);

  if (verb === hostVerb) {
    if (globals.value.commune !== undefined) return usage("the host serves every commune, so --commune does not apply", verb);
    const relay = relayOptions(args);
    if (typeof relay === "string") return usage(`host: ${relay}`, verb);
    return { kind: "host", globals: globals.value, ...(relay ? { relay } : {}) };
  }
  const command = verb as Verb;
  if (globals.value.commune !== undefined && !command.scoped) return usage(`${verb.verb} does not run in a commune, so --commune does not apply`, verb);
  const plan = command.build(args);
  if (!plan.ok) return usage(`${verb.verb}: ${plan.error.message}`, verb);
  return { kind: "command", verb: command, plan: plan.value, globals: globals.value };
}

function helpFor(topic: string[]): Parsed {
  if (topic.length === 0) return { kind: "help", text: generalHelp() };
  const words = topic.join(" ");
  if (words === hostVerb.verb) return { kind: "help", text: verbHelp(hostVerb) };
  if (words === helpVerb.verb) return { kind: "help", text: verbHelp(helpVerb) };
  const verb = findVerb(words);
  if (verb) return { kind: "help", text: verbHelp(verb) };
  if (VERB_GROUPS.includes(words))
    return {
      kind: "help",
      text: VERBS.filter((v) => v.verb.startsWith(`${words} `))
        .map(verbHelp)
        .join("\n\n"),
    };
  return usage(unknownVerb(words));
}

const groupVerbs = (group: string) => VERBS.filter((verb) => verb.verb.startsWith(`${group} `)).map((verb) => verb.verb.slice(group.length + 1));

function unknownVerb(words: string): string {
  const [first = ""] = words.split(" ");
  if (VERB_GROUPS.includes(first)) return `unknown verb "${words}"; ${first} takes ${groupVerbs(first).join(", ")}`;
  const near = FIRST_WORDS.filter((word) => distance(word, first.toLowerCase()) <= 2).sort((a, b) => distance(a, first) - distance(b, first))[0];
  return `unknown verb ${JSON.stringify(first)}${near ? `; did you mean "${near}"?` : ""}`;
}

function checkArity(verb: VerbUsage, positionals: string[]): string | undefined {
  const required = verb.args.filter((arg) => arg.startsWith("<"));
  const rest = verb.args.some((arg) => arg.endsWith("...]"));
  const optional = verb.args.filter((arg) => arg.startsWith("[")).length;
  if (positionals.length < required.length) return `missing ${required.slice(positionals.length).join(" ")}`;
  if (!rest && positionals.length > required.length + optional) {
    const extra = positionals[required.length + optional]!;
    return `unexpected argument ${JSON.stringify(extra)} (quote text that has spaces)`;
  }
  return undefined;
}

function readGlobals(args: Args): { ok: true; value: Globals } | { ok: false; error: string } {
  const timeout = args.value("sync-timeout");
  let syncTimeoutMs = DEFAULT_SYNC_TIMEOUT_MS;
  if (timeout !== undefined) {
    if (!/^[0-9]{1,5}(\.[0-9]{1,3})?$/.test(timeout)) return { ok: false, error: `--sync-timeout expects a number of seconds, not ${JSON.stringify(timeout)}` };
    syncTimeoutMs = Math.round(Number(timeout) * 1000);
  }
  const data = args.value("data");
  const commune = args.value("commune");
  if (data === "") return { ok: false, error: "--data needs a directory" };
  return {
    ok: true,
    value: { json: args.flag("json"), syncTimeoutMs, ...(data !== undefined ? { data } : {}), ...(commune !== undefined ? { commune } : {}) },
  };
}

/** The embedded relay's address, when --relay-port is given. */
function relayOptions(args: Args): { port: number; host: string } | undefined | string {
  const port = args.value("relay-port");
  const host = args.value("relay-host");
  if (port === undefined) return host === undefined ? undefined : "--relay-host needs --relay-port";
  const parsed = parsePort(port);
  if (!parsed.ok) return `--relay-port ${JSON.stringify(port)}: ${parsed.error.message}`;
  if (host !== undefined && !/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) return `--relay-host expects a host name or IP address, not ${JSON.stringify(host)}`;
  return { port: parsed.value, host: host ?? "127.0.0.1" };
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
