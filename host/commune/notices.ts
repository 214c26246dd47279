import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { NoticeView } from "../../shared/commands/views";
import { currencyAt, type CommuneState } from "../../shared/commune/state";
import { longDay } from "../../shared/history/claimed-time";
import type { PublicKey } from "../../shared/identity/keys";
import type { EntryView } from "../../shared/purse/balances";
import type { SignedEntry } from "../../shared/purse/entry";
import { money } from "../../shared/purse/wording";
import { fail, ok, type Result } from "../../shared/result";
import { writeFileAtomic } from "../store/atomic-file";

/**
 * Telling a member what happened to their own entries after they wrote
 * them. The writer refuses an entry that would not count when it is
 * written, so one of mine that does not count now was judged so later: a
 * concurrent payment reached the purse first (overdrawn), or something
 * else in the history makes it count for nothing. Until the member marks
 * it read, Home and `commune status` say so, with what to do.
 */

/** The notices about `me`'s entries among the purse's uncounted verdicts, minus those already read. */
export function noticesOf(uncounted: readonly EntryView[], me: PublicKey, state: CommuneState, read: ReadonlySet<string>): NoticeView[] {
  const notices: NoticeView[] = [];
  for (const view of uncounted) {
    const { entry } = view;
    if (entry.by !== me || view.status === "counted") continue;
    const id = `${view.status}:${String(entry.sig).slice(0, 64)}`;
    if (read.has(id)) continue;
    notices.push({ id, entry: String(entry.id), status: view.status, at: entry.at, ...words(view, state) });
  }
  return notices.sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function words(view: EntryView, state: CommuneState): { message: string; advice: string } {
  const { entry } = view;
  const what = `Your ${describe(entry, state)}`;
  const why = view.reason ?? "it does not count";
  if (view.status === "overdrawn") {
    const proposal = entry.kind === "disbursement" && typeof entry.proposal === "string" ? state.proposals[entry.proposal]?.proposal : undefined;
    return {
      message: `${what} came out overdrawn after a sync: another payment reached the purse first, and this one ${why}. It does not count.`,
      advice: proposal
        ? `"${proposal.title}" shows Execute again. If the money already left, contribute it back, or pay it again once the purse holds enough.`
        : "If the money already left, contribute it back, or record the payment again once the purse holds enough.",
    };
  }
  return {
    message: `${what} counts for nothing: ${why}.`,
    advice: "Its row in the ledger says more. If it should count, write a new entry; nothing you do changes the old one.",
  };
}

/** "payment of 50.00 EUR to Garage on 4 December 2026, 09:00 UTC": the entry as its author would recognise it. */
function describe(entry: SignedEntry, state: CommuneState): string {
  const currency = typeof entry.currency === "string" ? currencyAt(state, entry.currency, entry.at) : undefined;
  const amount = currency && Number.isSafeInteger(entry.amount) ? money(entry.amount, currency) : `${String(entry.amount)} ${String(entry.currency)}`;
  const name = (key: unknown) => (typeof key === "string" && state.members[key]?.name) || "a member";
  const when = `on ${longDay(entry.at)}`;
  switch (entry.kind) {
    case "disbursement":
      return `payment of ${amount} to ${entry.to !== undefined ? name(entry.to) : String(entry.payee)} ${when}`;
    case "transfer":
      return `transfer of ${amount} to ${name(entry.to)} ${when}`;
    case "exchange":
      return `exchange of ${amount} ${entry.direction === "in" ? "from" : "to"} ${String(entry.partner)} ${when}`;
    case "void":
      return `void of ${amount} (taking back ${String(entry.of)}) ${when}`;
    default:
      return `contribution of ${amount} ${when}`;
  }
}

/** The most notices a commune remembers as read: an id is about 75 bytes, so the file stays under a megabyte. */
const MAX_READ = 10_000;

const Saved = z.strictObject({ read: z.array(z.string().max(200)).max(MAX_READ) });

/**
 * Which notices this member has read, kept beside the commune's documents
 * (this machine's, never synced: reading is a member's own business). A
 * missing or damaged file reads as "none read": the notices come back,
 * nothing is lost.
 */
export class ReadNotices {
  readonly #path: string;
  #read = new Set<string>();
  #writing: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, communeId: string) {
    this.#path = join(dataDir, "communes", communeId, "notices-read.json");
    try {
      const saved = Saved.safeParse(JSON.parse(readFileSync(this.#path, "utf8")));
      if (saved.success) this.#read = new Set(saved.data.read);
    } catch {
      // None read yet.
    }
  }

  get read(): ReadonlySet<string> {
    return this.#read;
  }

  /** Marks notices read and saves the list; the oldest are forgotten past MAX_READ (a notice forgotten comes back only if its entry still does not count). */
  async mark(ids: readonly string[]): Promise<Result<number>> {
    const fresh = ids.filter((id) => !this.#read.has(id));
    if (fresh.length === 0) return ok(0);
    const next = [...this.#read, ...fresh].slice(-MAX_READ);
    const write = this.#writing.then(() => writeFileAtomic(this.#path, `${JSON.stringify({ read: next })}\n`));
    this.#writing = write.catch(() => undefined);
    try {
      await write;
    } catch (error) {
      return fail("notices.notSaved", `Could not save which notices you read (${error instanceof Error ? error.message : String(error)}); they stay unread.`);
    }
    this.#read = new Set(next);
    return ok(fresh.length);
  }
}
