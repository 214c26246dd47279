import type { Verifier } from "../identity/crypto";
import { purse, type PurseLedger, type ShardEntry } from "../purse/balances";
import { refuse, type Verdict } from "./verdict";

/**
 * Whether a new purse entry counts, judged by the ledger's own rule (the one
 * every replay applies: provenance, id, content, spend authority, balance).
 * A new entry is almost always the newest: the running ledger judges it
 * without booking it; one that would land earlier replays the whole purse.
 * `entries` is asked for only then: a model copies its entry list when it
 * is read, which the usual case need not pay for.
 */
export function judgeEntry(verifier: Verifier, ledger: PurseLedger, entries: () => readonly ShardEntry[], next: ShardEntry): Verdict {
  const judged = ledger.preview(next) ?? purse(verifier, [...entries(), next], ledger.state).entries.find((view) => view.entry === next.entry);
  if (!judged) return refuse("entry.refused", "the commune's rules refuse it");
  if (judged.status === "counted") return "counted";
  return refuse(`entry.${judged.status}`, judged.reason ?? "the commune's rules refuse it");
}
