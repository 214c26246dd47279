import type { CommandError, CommandName, CommandResults } from "../shared/commands/commands";
import type { CommuneListItem, CommuneView, ItemView, LedgerRow, ProposalView } from "../shared/commands/views";
import type { Currency } from "../shared/money/currency";
import type { Result } from "../shared/result";
import { keptUnsaved } from "../shared/commands/disk-refusals";
import { dataDirOf, EXIT, linksOf, type CliDeps } from "./deps";
import { runHost } from "./host-verb";
import { parseArgv, type Parsed } from "./parse";
import { resolveComment, resolveCommune, resolveEntry, resolveItem, resolveMember, resolvePayment, resolveProposal } from "./references";
import type { Session } from "./session";
import { clean } from "./text";
import { hintFor } from "./usage";
import type { Answer, Reference, Verb } from "./verb";

/**
 * The CLI as a function: argv and its surroundings in, an exit code out.
 * main.ts is a thin wrapper; tests call this in-process. What opens the
 * data directory is imported when a command needs it, so `commune help` and
 * usage errors load none of it.
 */
export { EXIT, type CliDeps } from "./deps";

class Stop {
  constructor(
    readonly code: number,
    readonly message?: string,
  ) {}
}

export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const parsed = parseArgv(argv);
  switch (parsed.kind) {
    case "help":
      deps.stdout.write(`${parsed.text}\n`);
      return EXIT.ok;
    case "usage":
      deps.stderr.write(`commune: ${parsed.message}\n${parsed.hint}\n`);
      return EXIT.usage;
    case "host":
      return runHost(parsed, deps);
    case "command":
      return runCommand(parsed, deps);
  }
}

async function runCommand(parsed: Extract<Parsed, { kind: "command" }>, deps: CliDeps): Promise<number> {
  // Input the command cannot read is refused before anything is opened. An input with no fields has nothing to check (whoami), and skips loading zod.
  if (Object.keys(parsed.plan.input).length > 0) {
    const { inputProblem } = await import("./input-check");
    const problem = inputProblem(parsed.verb, parsed.plan);
    if (problem) {
      deps.stderr.write(`${usageError(parsed.verb, problem)}\n`);
      return EXIT.usage;
    }
  }
  const dataDir = dataDirOf(parsed.globals, deps);
  const { openSession } = await import("./session");
  const opened = await openSession({
    dataDir,
    links: () => linksOf(deps),
    only: parsed.plan.name,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    lockWaitMs: deps.lockWaitMs ?? 5_000,
    pollMs: deps.pollMs ?? 100,
    onBusy: (pid) => deps.stderr.write(`Waiting for another Commune command (pid ${pid}) to finish with ${dataDir}…\n`),
  });
  if (!opened.ok) {
    if (deps.signal?.aborted) {
      deps.stderr.write("Interrupted.\n");
      return EXIT.interrupted;
    }
    deps.stderr.write(`${opened.error.message}\n`);
    return EXIT.unavailable;
  }
  const session = opened.value;
  try {
    return await carryOut(session, parsed, deps);
  } catch (error) {
    if (error instanceof Stop) {
      if (error.message) deps.stderr.write(`${error.message}\n`);
      return error.code;
    }
    throw error;
  } finally {
    await session.close();
  }
}

async function carryOut(session: Session, { verb, plan, globals }: Extract<Parsed, { kind: "command" }>, deps: CliDeps): Promise<number> {
  const ask = async <K extends CommandName>(name: K, input: unknown): Promise<CommandResults[K]> => {
    const answer = await interruptible(session.run(name, input), deps.signal);
    if (!answer.ok) throw await stopFor(answer.error, verb);
    return answer.value as CommandResults[K];
  };
  const settle = <T>(result: Result<T>): T => {
    if (!result.ok) throw new Stop(EXIT.refused, result.error.message);
    return result.value;
  };

  let commune: CommuneListItem | undefined;
  const input: Record<string, unknown> = structuredClone(plan.input) as Record<string, unknown>;
  if (verb.scoped) {
    commune = settle(resolveCommune(globals.commune, await ask("commune.list", {})));
    input.commune = commune.id;
  }
  // Opened here just now: first catch up with the relays, so what is read and
  // checked is what the commune knows (a proposal made an hour ago by someone else).
  const { catchUp, OFFLINE_AFTER_MS, reportSync } = await import("./sync-wait");
  const say = (line: string) => deps.stderr.write(`${clean(line)}\n`);
  const waiting = { pollMs: deps.pollMs ?? 100, ...(deps.signal ? { signal: deps.signal } : {}), say };
  let offline = false;
  if (session.kind === "local" && commune && globals.syncTimeoutMs > 0) {
    offline = (await catchUp(session, commune.id, { ...waiting, timeoutMs: globals.syncTimeoutMs, quiet: verb.writes(input) })) === "offline";
  }
  let shown: CommuneView | undefined;
  const communeView = async () => (shown ??= await ask("commune.show", { commune: commune!.id }));
  await resolveReferences(plan.refs, input, {
    members: async () => (await communeView()).balances.members,
    proposals: () => ask("proposal.list", { commune: commune!.id }),
    items: () => ask("inventory.list", { commune: commune!.id, query: "", retired: true }),
    entries: async () => ownEntries(ask, commune!.id, (await communeView()).me),
    payments: async () => payments(ask, commune!.id),
    settle,
  });

  const asked = await interruptible(session.run(plan.name, input), deps.signal);
  if (!asked.ok) {
    // A change the disk refused is held by the host that made it, to be saved once there is room. When that
    // host is this one-shot CLI, it ends now: say where the change is instead.
    if (session.kind === "local" && commune && keptUnsaved(asked.error)) {
      say(asked.error.message);
      const { keptByRelays } = await import("./sync-wait");
      throw new Stop(
        EXIT.unavailable,
        await keptByRelays(session, commune.id, { ...waiting, timeoutMs: globals.syncTimeoutMs, offlineAfterMs: offline ? 0 : OFFLINE_AFTER_MS }),
      );
    }
    throw await stopFor(asked.error, verb);
  }
  const value = asked.value as CommandResults[CommandName];
  const answer = { name: plan.name, value } as Answer;
  const currencies: Currency[] = verb.needsCurrencies && commune ? (await communeView()).balances.currencies : [];
  deps.stdout.write(
    `${globals.json ? JSON.stringify(verb.json ? verb.json(answer) : value, null, 2) : verb.print(answer, { currencies, input, ...(commune ? { commune } : {}) })}\n`,
  );

  // A running host keeps syncing after we leave; a one-shot CLI waits for a relay before it closes the documents.
  if (session.kind === "local" && verb.writes(input)) {
    const target = verb.wroteTo?.(answer) ?? commune?.id;
    // Relays found unreachable a moment ago are not waited for again.
    if (target) await reportSync(session, target, { ...waiting, timeoutMs: globals.syncTimeoutMs, offlineAfterMs: offline ? 0 : OFFLINE_AFTER_MS });
  }
  return EXIT.ok;
}

interface Lookups {
  members(): Promise<CommuneView["balances"]["members"]>;
  proposals(): Promise<ProposalView[]>;
  items(): Promise<ItemView[]>;
  /** The member's own entries: the only ones they may void or correct. */
  entries(): Promise<LedgerRow[]>;
  /** Every member's payments out of the purse: what a reverse proposal may name. */
  payments(): Promise<LedgerRow[]>;
  settle<T>(result: Result<T>): T;
}

type Ask = <K extends CommandName>(name: K, input: unknown) => Promise<CommandResults[K]>;

/** Every ledger row a query matches, a page at a time (a purse may hold more than one page of them). */
async function allRows(ask: Ask, query: Record<string, unknown>): Promise<LedgerRow[]> {
  const rows: LedgerRow[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await ask("purse.ledger", { ...query, offset, limit: 1000 });
    rows.push(...page.rows);
    if (offset + page.rows.length >= page.total) return rows;
  }
}

/** Every payment out of the purse that counts: what a reverse proposal may name. */
const payments = (ask: Ask, commune: string) => allRows(ask, { commune, kind: "disbursement", status: "counted" });

/** Every entry the member wrote (the member filter also finds entries to them). */
const ownEntries = async (ask: Ask, commune: string, me: string) => (await allRows(ask, { commune, member: me })).filter((row) => row.by === me);

async function resolveReferences(refs: Reference[], input: Record<string, unknown>, lookups: Lookups): Promise<void> {
  for (const ref of refs) {
    if (ref.kind === "payment") {
      const row = lookups.settle(resolvePayment(ref.text, await lookups.payments()));
      setPath(input, ref.path, row.id);
      setPath(input, [...ref.path.slice(0, -1), "author"], row.by);
      continue;
    }
    if (ref.kind === "comment") {
      const proposal = (await lookups.proposals()).find((view) => view.id === input["proposal"]);
      setPath(input, ref.path, lookups.settle(resolveComment(ref.text, proposal?.discussion ?? [])));
      continue;
    }
    const id =
      ref.kind === "member"
        ? lookups.settle(resolveMember(ref.text, await lookups.members()))
        : ref.kind === "proposal"
          ? lookups.settle(resolveProposal(ref.text, await lookups.proposals()))
          : ref.kind === "entry"
            ? lookups.settle(resolveEntry(ref.text, await lookups.entries()))
            : lookups.settle(resolveItem(ref.text, await lookups.items()));
    setPath(input, ref.path, id);
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1)!] = value;
}

const usageError = (verb: Verb, problem: string) => `commune: ${verb.verb}: ${problem}\n${hintFor(verb)}`;

/**
 * A command the host could not read is wrong usage (exit 2), worded as a
 * usage error naming the flag as typed; one the commune's rules refuse is a
 * refusal (exit 1). Decided by the error's kind alone: the host is the one
 * that reads amounts, days and codes.
 */
async function stopFor(error: CommandError, verb: Verb): Promise<Stop> {
  if (error.kind === "unavailable") return new Stop(EXIT.unavailable, error.message);
  // Not written: the member is asked first, and at a terminal that is the same command with --yes.
  if (error.code === "entry.unusual") return new Stop(EXIT.refused, `${error.message}\nNot recorded. To record it, run the same command with --yes.`);
  if (error.kind !== "invalid-input") return new Stop(EXIT.refused, error.message);
  const { labelFor } = await import("./input-check");
  const label = error.field === undefined ? "" : labelFor(error.field.split("."), verb);
  return new Stop(EXIT.usage, usageError(verb, label.startsWith("--") ? `${label}: ${error.message}` : error.message));
}

/** The promise, unless Ctrl-C comes first. */
async function interruptible<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) throw new Stop(EXIT.interrupted, "Interrupted.");
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Stop(EXIT.interrupted, "Interrupted; closing the data directory…"));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
